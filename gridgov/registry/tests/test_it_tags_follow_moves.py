"""A resident's tags move with them: the new grid sees and reviews them, the old one no
longer can, and 四清 counts them where the person lives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from gridgov.registry import services
from gridgov.registry.models import Tag

from .test_pages import B1, as_, build_registry

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def reg(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        r = build_registry(cast)
        # 李四 (with a disability tag) moves from A1 to B1.
        services.move_resident(actor=cast.admin, resident=r.li, to=r.hb, date=dt.date.today())
        yield r
        transaction.set_rollback(True)


def test_it_files_the_tags_where_the_resident_now_lives(cast: Any, reg: Any) -> None:
    assert Tag.objects.get(pk=reg.disability.pk).grid_code == B1


def test_it_lets_the_new_grid_review_and_not_the_old(cast: Any, reg: Any) -> None:
    url = f"/registry/tags/{reg.disability.pk}/review/"
    before = Tag.objects.get(pk=reg.disability.pk).end
    assert as_(cast, "worker_a1").post(url, {f"tag{reg.disability.pk}-end": ""}).status_code == 404
    assert Tag.objects.get(pk=reg.disability.pk).end == before
    assert as_(cast, "worker_b1").post(url, {f"tag{reg.disability.pk}-end": ""}).status_code == 302
