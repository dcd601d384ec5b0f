"""Anyone objects from the public page (no login): the item stops until ruled; who objected
is kept from the page; bad input and items not on notice refused, nothing saved; the
hourly limit of the sender."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from gridgov.moralbank.choices import Status
from gridgov.moralbank.models import Objection

from .conftest import declared, on_notice
from .helpers import counts

pytestmark = pytest.mark.django_db


def url(s: Any, d: Any) -> str:
    return f"/moralbank/v/{s.village.public_id}/object/{d.public_id}/"


def test_it_records_anyones_objection_and_stops_the_item(
    scheme: Any, cast: Any, today: Any
) -> None:
    d = on_notice(cast, scheme)
    page = Client().get(f"/moralbank/v/{scheme.village.public_id}/")
    assert url(scheme, d) in page.content.decode()
    out = Client().post(url(scheme, d), {"text": "那天我也在场，他没有参加", "raised_by": "赵六"})
    assert out.status_code == 302
    o = Objection.objects.get()
    assert (o.channel, o.received_by, o.raised_by) == ("online", None, "赵六")
    d.refresh_from_db()
    assert d.status == Status.OBJECTED
    assert "赵六" not in Client().get(f"/moralbank/v/{scheme.village.public_id}/").content.decode()


def test_it_refuses_items_not_on_notice_and_bad_input(scheme: Any, cast: Any, today: Any) -> None:
    waiting = declared(cast, scheme)
    assert Client().post(url(scheme, waiting), {"text": "不对"}).status_code == 404
    d = on_notice(cast, scheme, "H1")
    before = counts()
    out = Client().post(url(scheme, d), {"text": "请打电话13912345678"})
    assert out.status_code == 422 and "text" in out.context["form"].errors
    assert Client().post(url(scheme, d), {"text": ""}).status_code == 422
    assert counts() == before


@override_settings(PUBLIC_REPORTS_PER_HOUR=1)
def test_it_limits_objections_per_sender_and_hour(scheme: Any, cast: Any, today: Any) -> None:
    first, second = on_notice(cast, scheme, "W1"), on_notice(cast, scheme, "H1")
    assert Client().post(url(scheme, first), {"text": "有疑问"}).status_code == 302
    before = counts()
    assert Client().post(url(scheme, second), {"text": "也有疑问"}).status_code == 429
    assert counts() == before
