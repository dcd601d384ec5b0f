"""The public notice: objections stop an item until the review group rules; the items whose
notice has ended are posted once, by the task queue, the CLI or a ruling."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from gridgov.moralbank.choices import Status
from gridgov.moralbank.models import Declaration, Entry
from gridgov.moralbank.services import declarations, ledger

from .conftest import NOW, on_notice
from .helpers import refused

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(days=5, minutes=1)


def test_it_posts_when_the_notice_ends_and_only_once(scheme: Any, cast: Any, today: Any) -> None:
    d = on_notice(cast, scheme)
    assert declarations.post_due(now=NOW + dt.timedelta(days=4)) == 0
    assert declarations.post_due(now=LATER) == 1
    assert declarations.post_due(now=LATER) == 0
    entry = Entry.objects.get(declaration=d)
    assert (entry.kind, entry.savings_delta, entry.redeemable_delta, entry.year, entry.key) == (
        "award", 3, 3, 2027, f"declaration:{d.pk}",
    )  # fmt: skip
    assert Declaration.objects.get(pk=d.pk).status == Status.POSTED


def test_it_posts_from_the_command_line(scheme: Any, cast: Any, today: Any) -> None:
    on_notice(cast, scheme)
    out = StringIO()
    call_command(
        "moralbank", "--language", "en", "post-notices", "--at", LATER.isoformat(), stdout=out
    )
    assert out.getvalue().strip() == "1 items posted to the ledger."
    out = StringIO()
    call_command("moralbank", "--language", "en", "check", stdout=out)
    assert out.getvalue().strip() == "Every account equals the sum of its entries."


def test_it_posts_from_the_scheduled_task(scheme: Any, cast: Any, today: Any) -> None:
    from gridgov.moralbank import tasks

    d = on_notice(cast, scheme)
    today.move_to(LATER)
    tasks.post_notices.call_local()
    assert Declaration.objects.get(pk=d.pk).status == Status.POSTED


def test_it_stops_an_objected_item_until_ruled(scheme: Any, cast: Any, today: Any) -> None:
    d = on_notice(cast, scheme)
    kwargs = {"declaration": d, "text": "当天他不在村里", "channel": "oral", "raised_by": "李四"}
    assert refused(declarations.object_to, actor=cast.worker_b1, **kwargs)[0] == 404
    assert refused(declarations.object_to, actor=cast.dispatcher, **kwargs)[0] == 403
    objection = declarations.object_to(actor=cast.worker_a1, **kwargs)
    assert declarations.post_due(now=LATER) == 0
    assert refused(
        declarations.rule, actor=cast.worker_a1, objection=objection, upheld=False, ruling="x"
    )[0] == 403  # fmt: skip
    today.move_to(LATER)
    declarations.rule(
        actor=scheme.members[0], objection=objection, upheld=False, ruling="经核实属实"
    )
    # Dismissed after the notice ended: posted at once.
    assert Declaration.objects.get(pk=d.pk).status == Status.POSTED
    assert Entry.objects.filter(declaration=d).count() == 1


def test_it_rejects_an_item_whose_objection_is_upheld(scheme: Any, cast: Any, today: Any) -> None:
    d = on_notice(cast, scheme)
    objection = declarations.object_to(
        actor=cast.worker_a1, declaration=d, text="不实", channel="phone"
    )
    declarations.rule(actor=cast.head_a, objection=objection, upheld=True, ruling="经核实不属实")
    assert declarations.post_due(now=LATER) == 0
    d.refresh_from_db()
    assert (d.status, d.reject_reason) == (Status.REJECTED, "经核实不属实")
    status, code, _ = refused(
        declarations.rule, actor=cast.head_a, objection=objection, upheld=False, ruling="再议"
    )
    assert (status, code) == (409, "ruled")


def test_it_refuses_an_objection_after_the_notice(scheme: Any, cast: Any, today: Any) -> None:
    d = on_notice(cast, scheme)
    today.move_to(LATER)
    status, code, _ = refused(
        declarations.object_to, actor=cast.worker_a1, declaration=d, text="迟了", channel="oral"
    )
    assert (status, code) == (409, "not_on_notice")


def test_it_deducts_a_reported_bad_deed(scheme: Any, cast: Any, today: Any) -> None:
    on_notice(cast, scheme, "D1", source="report", reporter="邻居", channel="written",
              what="向河道倾倒垃圾")  # fmt: skip
    declarations.post_due(now=LATER)
    b = ledger.balances(scheme.home.moral_account, 2027)
    assert (b.savings, b.earned, b.available) == (-10, -10, -10)
