"""The stamps of the per-process caches (core.stamps, ADR 0031): whoever writes a stamped
table — the ORM, `QuerySet.update()`, plain SQL — moves its stamp; intake reads every stamp
once; a cache built inside a transaction that was rolled back is not kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from gridgov.cases import catalogue
from gridgov.cases.models import Category
from gridgov.core import stamps, workcalendar
from gridgov.core.models import CalendarDay, CalendarYear
from gridgov.core.scope import _running
from gridgov.grids import index
from gridgov.grids.models import Network

pytestmark = pytest.mark.django_db


def moves(name: str, change: Any) -> bool:
    before = stamps.version(name)
    change()
    return stamps.version(name) != before


def sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def test_it_moves_each_stamp_on_any_write_of_its_tables(cast: Any) -> None:
    kid = Category.objects.create(code="9901", name="试验")
    assert moves(stamps.CATEGORIES, lambda: Category.objects.create(code="9902", name="再试"))
    assert moves(stamps.CATEGORIES, lambda: Category.objects.filter(pk=kid.pk).update(name="改"))
    assert moves(stamps.CATEGORIES, lambda: sql("DELETE FROM cases_category WHERE code = '9902'"))
    day = dt.date(2031, 1, 1)
    assert moves(stamps.CALENDAR, lambda: CalendarYear.objects.create(year=2031))
    year = CalendarYear.objects.get(year=2031)
    assert moves(
        stamps.CALENDAR,
        lambda: CalendarDay.objects.create(year=year, date=day, kind="holiday", name="元旦"),
    )
    assert moves(stamps.CALENDAR, lambda: CalendarDay.objects.filter(date=day).delete())
    network = Network.objects.get(slug="comprehensive")
    assert moves(stamps.NETWORKS, lambda: Network.objects.filter(pk=network.pk).update(name="网"))
    worker = cast.worker_a1
    assert moves(
        stamps.ASSIGNMENTS,
        lambda: worker.assignments.update(ends_on=dt.date.today() + dt.timedelta(days=400)),
    )
    # A stamp moves only with its own tables.
    assert not moves(stamps.CALENDAR, lambda: Category.objects.filter(pk=kid.pk).update(name="再"))


def test_it_reads_every_stamp_once_while_held(cast: Any) -> None:
    Category.objects.create(code="9903", name="试验")
    with CaptureQueriesContext(connection) as outside:
        for name in (stamps.CATEGORIES, stamps.CALENDAR, stamps.NETWORKS):
            stamps.version(name)
    assert len(outside.captured_queries) == 3
    with CaptureQueriesContext(connection) as inside, stamps.held():
        values = [stamps.version(n) for n in (stamps.CATEGORIES, stamps.CALENDAR)]
    assert len(inside.captured_queries) == 1
    assert values == [stamps.version(stamps.CATEGORIES), stamps.version(stamps.CALENDAR)]


def test_it_sees_a_change_at_the_next_call_and_keeps_nothing_from_a_rollback(cast: Any) -> None:
    Category.objects.create(code="9904", name="旧名")
    assert catalogue.by_code("9904").name == "旧名"
    with transaction.atomic():
        Category.objects.filter(code="9904").update(name="未提交")
        assert catalogue.by_code("9904").name == "未提交"
        transaction.set_rollback(True)
    assert catalogue.by_code("9904").name == "旧名"
    Category.objects.filter(code="9904").update(name="新名")
    assert catalogue.by_code("9904").name == "新名"


def test_it_keeps_each_persons_assignments_until_they_change(cast: Any) -> None:
    worker = cast.worker_a1
    held = _running(worker.pk)
    with CaptureQueriesContext(connection) as again:
        assert _running(worker.pk) == held
    assert len(again.captured_queries) == 1  # the stamp, not the assignments
    worker.assignments.update(ends_on=dt.date.today() - dt.timedelta(days=1))
    assert _running(worker.pk) == []


def test_it_finds_networks_by_slug_until_they_change(cast: Any) -> None:
    found = index.for_slug("comprehensive")
    assert found is not None and index.for_slug("no-such-network") is None
    Network.objects.filter(slug="comprehensive").update(slug="renamed")
    assert index.for_slug("comprehensive") is None
    assert index.for_slug("renamed") is not None


def test_it_does_not_keep_what_it_built_with_no_stamp(cast: Any) -> None:
    Category.objects.create(code="9905", name="甲")
    workcalendar.current()
    sql("DELETE FROM core_stamp")
    assert stamps.version(stamps.CATEGORIES) is None
    assert catalogue.by_code("9905").name == "甲"
    sql("UPDATE cases_category SET name = '乙' WHERE code = '9905'")  # moves it back
    assert catalogue.by_code("9905").name == "乙"
    assert stamps.usable(stamps.version(stamps.CATEGORIES))
