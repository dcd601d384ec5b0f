"""Declarations, the review group's votes and the committee's check: who may do each
(404 / 403), points within the rule, evidence, caps, the reporter kept from the notice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils.translation import gettext as _

from gridgov.moralbank.choices import Status
from gridgov.moralbank.models import Declaration, Vote
from gridgov.moralbank.services import declarations

from .conftest import approved, declared
from .helpers import refused

pytestmark = pytest.mark.django_db


def base(cast: Any, s: Any, code: str = "W1", **change: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "actor": cast.worker_a1, "household": s.home, "item": s.item[code], "source": "self",
        "channel": "oral", "happened_on": dt.date(2027, 3, 8), "place": "村文化广场",
        "what": "参加义务清扫",
    }  # fmt: skip
    values.update(change)
    return values


def test_it_receives_a_declaration_with_its_channel(scheme: Any, cast: Any, today: Any) -> None:
    d = declared(cast, scheme, channel="phone")
    assert (d.status, d.points, d.channel, d.source, d.account.card) == (
        Status.IN_REVIEW, 3, "phone", "self", "00001",
    )  # fmt: skip


def test_it_refuses_out_of_scope_and_without_the_right(scheme: Any, cast: Any, today: Any) -> None:
    assert refused(declarations.declare, **base(cast, scheme, actor=cast.worker_b1))[0] == 404
    assert refused(declarations.declare, **base(cast, scheme, actor=cast.dispatcher))[0] == 403
    assert refused(declarations.declare, **base(cast, scheme, actor=cast.nobody))[0] == 404


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"points": 4}, "points", "outside_rule"),
        ({"points": -1}, "points", "outside_rule"),
        ({"code": "F1"}, "evidence", "invalid"),
        ({"code": "V1"}, "item", "invalid"),
        ({"happened_on": dt.date(2026, 12, 31)}, "happened_on", "invalid"),
        ({"source": "hamlet_head"}, "reporter", "invalid"),
        ({"what": "电话 139 1234 5678"}, "what", "number_in_text"),
    ],
)
def test_it_refuses_bad_input_naming_the_field(
    scheme: Any, cast: Any, today: Any, change: dict[str, Any], field: str, code: str
) -> None:
    item = change.pop("code", "W1")
    status, got_code, got = refused(declarations.declare, **base(cast, scheme, item, **change))
    assert (status, got_code, got) == (422, code, field)


def test_it_refuses_points_over_the_quarter_cap(scheme: Any, cast: Any, today: Any) -> None:
    on = approved(cast, scheme, "H1")  # 5 of H1's 10 this quarter
    declarations.committee_check(actor=cast.head_a, declaration=on, approve=True)
    approved(cast, scheme, "H1")  # 10
    status, code, field = refused(declarations.declare, **base(cast, scheme, "H1"))
    assert (status, code, field) == (422, "over_cap", "points")
    # Another quarter has its own cap.
    assert declarations._period(dt.date(2027, 3, 31), "quarter") == (
        dt.date(2027, 1, 1), dt.date(2027, 4, 1),
    )  # fmt: skip
    assert declarations._period(dt.date(2027, 11, 2), "quarter") == (
        dt.date(2027, 10, 1), dt.date(2028, 1, 1),
    )  # fmt: skip


def test_it_approves_on_a_majority_of_the_group(scheme: Any, cast: Any, today: Any) -> None:
    d = declared(cast, scheme)
    for m in scheme.members[:2]:
        declarations.vote(actor=m, declaration=d, approve=True)
    declarations.vote(actor=scheme.members[2], declaration=d, approve=False)
    assert Declaration.objects.get(pk=d.pk).status == Status.IN_REVIEW
    declarations.vote(actor=scheme.members[3], declaration=d, approve=True)
    assert Declaration.objects.get(pk=d.pk).status == Status.REVIEWED
    assert Vote.objects.filter(declaration=d).count() == 4


def test_it_rejects_when_a_majority_can_no_longer_approve(
    scheme: Any, cast: Any, today: Any
) -> None:
    d = declared(cast, scheme)
    for m in scheme.members[:3]:
        declarations.vote(actor=m, declaration=d, approve=False)
    d.refresh_from_db()
    assert (d.status, d.reject_reason) == (Status.REJECTED, _("Rejected by the review group."))


def test_it_refuses_a_vote_from_outside_the_group_or_twice(
    scheme: Any, cast: Any, today: Any
) -> None:
    d = declared(cast, scheme)
    assert refused(declarations.vote, actor=cast.head_a, declaration=d, approve=True)[0] == 403
    assert refused(declarations.vote, actor=cast.worker_b1, declaration=d, approve=True)[0] == 404
    declarations.vote(actor=scheme.members[0], declaration=d, approve=True)
    status, code, _ = refused(
        declarations.vote, actor=scheme.members[0], declaration=d, approve=True
    )
    assert (status, code) == (409, "voted")


def test_it_puts_a_checked_item_on_notice_for_the_villages_days(
    scheme: Any, cast: Any, today: Any
) -> None:
    d = approved(cast, scheme, "HN1")
    assert refused(
        declarations.committee_check, actor=cast.worker_a1, declaration=d, approve=True
    )[0] == 404  # fmt: skip
    assert refused(
        declarations.committee_check, actor=cast.dispatcher, declaration=d, approve=True
    )[0] == 403  # fmt: skip
    assert refused(
        declarations.committee_check, actor=cast.head_a, declaration=d, approve=True, points=25
    )[2] == "points"  # fmt: skip
    d = declarations.committee_check(actor=cast.head_a, declaration=d, approve=True, points=15)
    assert (d.status, d.points, d.notice_until - d.notice_from) == (
        Status.ON_NOTICE, 15, dt.timedelta(days=5),
    )  # fmt: skip


def test_it_rejects_with_the_committees_reason(scheme: Any, cast: Any, today: Any) -> None:
    d = approved(cast, scheme)
    assert refused(
        declarations.committee_check, actor=cast.head_a, declaration=d, approve=False
    )[2] == "note"  # fmt: skip
    d = declarations.committee_check(
        actor=cast.head_a, declaration=d, approve=False, note="重复申报"
    )
    assert (d.status, d.reject_reason) == (Status.REJECTED, "重复申报")
