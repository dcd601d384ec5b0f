"""The registry of the fixed cast that most page tests read (test_pages.build_registry),
built once per module and rolled back after it. A module defining its own `reg` uses that."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def reg(cast: SimpleNamespace, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    from .test_pages import build_registry

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_registry(cast)
        transaction.set_rollback(True)
