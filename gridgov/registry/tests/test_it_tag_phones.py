"""A phone in a tag's fields (a guardian's, an emergency contact's) is stored encrypted
and shown masked: on the page, in the API, never in clear."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from gridgov.core.lib import crypto
from gridgov.registry import services
from gridgov.registry.models import Tag

from .test_pages import as_, build_registry, parse

pytestmark = pytest.mark.django_db
NUMBER = "13900001234"


@pytest.fixture(scope="module")
def reg(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        r = build_registry(cast)
        r.alone = services.add_tag(
            actor=cast.worker_a1, kind="elderly_alone", start=dt.date(2025, 1, 1),
            resident=r.zhang, details={"emergency_contact": "王某（儿子）",
                                        "emergency_contact_phone": "139 0000 1234"},
        )  # fmt: skip
        yield r
        transaction.set_rollback(True)


def test_it_stores_the_phone_encrypted_and_masked(reg: Any) -> None:
    details = Tag.objects.get(pk=reg.alone.pk).details
    assert details["emergency_contact_phone"] == "139****1234"
    assert crypto.decrypt(details["emergency_contact_phone_enc"]) == NUMBER
    assert NUMBER not in json.dumps(details)


def test_it_shows_the_phone_masked_on_the_page_and_in_the_api(cast: Any, reg: Any) -> None:
    page = as_(cast, "head_a").get(f"/registry/residents/{reg.zhang.public_id}/")
    text = page.content.decode()
    assert "139****1234" in text and NUMBER not in text and "_enc" not in text
    assert parse(page)  # the page parses
    token = cast.tokens["head_a"]
    r = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(
        f"/api/v1/registry/residents/{reg.zhang.public_id}"
    )
    assert r.status_code == 200
    assert NUMBER not in r.content.decode() and "phone_enc" not in r.content.decode()
