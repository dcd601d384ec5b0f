"""`gridgov export households|buildings|places|components|organisations`: the same export as
the list pages' (registry.lists), written to a file, as a user or as the system."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from gridgov.core.models import AuditEntry
from gridgov.registry.tests.sheets import A1, A2, B1, opened

from .test_it_export_lists import KEYS, KINDS, URL, build_lists
from .test_pages import as_

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def reg(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_lists(cast)
        transaction.set_rollback(True)


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_registry", *args, stdout=out)
    return out.getvalue()


def cells(path: Path) -> list[list[Any]]:
    return [[c.value for c in r] for r in opened(path.read_bytes()).worksheets[0].iter_rows()]


@pytest.mark.parametrize("kind", KINDS)
def test_it_writes_what_the_web_export_gives_the_user(
    cast: Any, reg: Any, kind: str, tmp_path: Path
) -> None:
    out = tmp_path / f"{kind}.xlsx"
    said = export(kind, "--user", "head_a", "--grid", A2, "-o", str(out))
    web = as_(cast, "head_a").post(URL.format(kind), {"grid": A2})
    assert cells(out) == [[c.value for c in r] for r in opened(web.content).worksheets[0].rows]
    n = len(cells(out)) - 1
    assert said == f"{n} {kind} written to {out}\n"
    entry = AuditEntry.objects.filter(object_type="export", after__channel="cli").get()
    assert (entry.actor, entry.after["rows"], entry.after["grid"]) == (cast.head_a, n, A2)


def test_it_exports_everything_as_the_system(cast: Any, reg: Any, tmp_path: Path) -> None:
    out = tmp_path / "h.xlsx"
    export("households", "--address", "幸福路", "-o", str(out))
    rows = cells(out)
    assert [(r[0], r[2]) for r in rows[1:]] == [
        (A1, "幸福路1号"),
        (A2, "幸福路2号"),
        (B1, "幸福路3号"),
    ]
    assert AuditEntry.objects.get(action="household.export").actor is None

    export("places", "--grid", B1, "-o", str(out))
    places = cells(out)
    assert [r[places[0].index(KEYS["places"])] for r in places[1:]] == ["乙场所"]


@pytest.mark.parametrize(
    "args",
    [
        ["places", "--user", "ghost"],  # no such user
        ["places", "--user", "worker_b1", "--grid", A1],  # out of their scope
        ["places", "--user", "nobody"],  # no grid at all
        ["places", "--address", "幸福路"],  # not a filter of places
        ["households", "--q", "zs"],  # residents only
        ["tags"],  # no such list
    ],
)
def test_it_refuses_and_writes_nothing(
    cast: Any, reg: Any, args: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "x.xlsx"
    with pytest.raises(CommandError):
        export(*args, "-o", str(out))
    assert not out.exists()
    assert not AuditEntry.objects.filter(object_type="export").exists()
