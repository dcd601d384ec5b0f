"""gridgov divide CODE: figures printed, the draft saved, --accept, refusals."""

from __future__ import annotations

import io
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from gridgov.conftest import build_cast
from gridgov.grids import index
from gridgov.grids.models import DivisionDraft, Grid
from gridgov.grids.tests.division_ground import add_ground

pytestmark = pytest.mark.django_db

COMMUNITY_A = "640402001001"


@pytest.fixture(scope="module")
def cast(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        index.drop_all()
        c = build_cast()
        add_ground(c)
        yield c
        transaction.set_rollback(True)
    index.drop_all()


def divide(*args: str) -> str:
    out = io.StringIO()
    call_command("divide", *args, "--quiet", stdout=out)
    return out.getvalue()


def test_it_prints_the_figures_and_saves_a_draft(cast: Any) -> None:
    text = divide(COMMUNITY_A, "--min", "200", "--max", "300", "--target", "240")
    assert "16 blocks, 4 grids, bounds 200-300 target 240" in text
    assert "in range: 4/4 (100%)" in text
    assert "boundary between grids on roads: 100.0%" in text
    assert "households changing grid: 960" in text
    draft = DivisionDraft.objects.get()
    assert str(draft.public_id) in text
    assert draft.created_by is None  # the system, without --user


def test_it_accepts_at_once_as_a_user_who_may(cast: Any) -> None:
    text = divide(COMMUNITY_A, "--user", "admin_a", "--accept")
    assert "accepted: 640402001001001 640402001001002" in text
    assert Grid.objects.current().filter(parent=cast.community_a).count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((COMMUNITY_A, "--user", "head_a"), "640402001001"),
        (("640402009009", "--user", "admin_a"), "no grid 640402009009"),
        ((COMMUNITY_A, "--min", "500", "--max", "600"), r"\(target\)"),
        ((COMMUNITY_A, "--user", "ghost"), "no active user"),
    ],
)
def test_it_refuses_and_saves_nothing(cast: Any, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        divide(*args)
    assert DivisionDraft.objects.count() == 0
