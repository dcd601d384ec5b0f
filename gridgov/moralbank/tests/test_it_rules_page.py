"""The representatives' page: meetings, rule sets and the review group; the committee
records a meeting, drafts rules from lines, adopts them, elects the group (4 refused)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gridgov.conftest import log_in
from gridgov.moralbank.models import RepresentativesMeeting, ReviewGroup, RuleSet

from .helpers import counts

pytestmark = pytest.mark.django_db
URL = "/moralbank/640402001001/rules/"


def test_it_opens_the_page_in_scope(scheme: Any, cast: Any, today: Any) -> None:
    assert Client().get(URL).status_code == 302
    assert log_in(Client(), cast.worker_b1).get(URL).status_code == 404
    page = log_in(Client(), cast.dispatcher).get(URL)
    assert page.status_code == 200 and not page.context["committee"]
    assert [m.username for m in page.context["members"]] == ["m1", "m2", "m3", "m4", "m5"]


def test_it_drafts_and_adopts_rules_from_the_page(scheme: Any, cast: Any, today: Any) -> None:
    head = log_in(Client(), cast.head_a)
    lines = "T1 | welfare | 植树 | 2 | no | 6 | year\nT2 | honour | 最美庭院 | 15 | yes"
    before = counts()
    assert log_in(Client(), cast.dispatcher).post(
        URL, {"form": "rules", "r-title": "2028版", "r-items": lines}
    ).status_code == 403  # fmt: skip
    assert counts() == before
    head.post(URL, {"form": "rules", "r-title": "2028版", "r-items": lines})
    draft = RuleSet.objects.get(version=2)
    assert [(i.code, i.points, i.evidence_required, i.cap) for i in draft.items.all()] == [
        ("T1", 2, False, 6), ("T2", 15, True, None),
    ]  # fmt: skip
    head.post(URL, {"form": "meeting", "m-held_on": "2027-03-09", "m-present": "20",
                    "m-total": "25", "m-resolution": "通过新版细则"})  # fmt: skip
    meeting = RepresentativesMeeting.objects.get(held_on="2027-03-09")
    head.post(URL, {"form": "adopt", "a-rule_set": str(draft.public_id),
                    "a-meeting": str(meeting.public_id), "a-published_on": "2027-03-10",
                    "a-applies_from": "2027-04-01"})  # fmt: skip
    draft.refresh_from_db()
    assert (draft.adopted_by, str(draft.applies_from)) == (meeting, "2027-04-01")


def test_it_refuses_a_group_of_four_from_the_page(scheme: Any, cast: Any, today: Any) -> None:
    before = counts()
    out = log_in(Client(), cast.head_a).post(URL, {
        "form": "group", "g-meeting": str(scheme.meeting.public_id), "g-starts_on": "2027-03-10",
        "g-members": "m1\nm2\nm3\nm4"}, follow=True)  # fmt: skip
    assert counts() == before
    assert ReviewGroup.objects.count() == 1
    assert "4" in next(str(m) for m in out.context["messages"])
