"""The process's category catalogue, for intake: every report reads its category and
whether it has sub-categories, and categories change a few times a year.

Like the work-time calendar (core.workcalendar), each process keeps the catalogue tagged
with the table's stamp (core.stamps: a trigger moves it on any change) and re-reads it when
the stamp moves, so it is never stale for longer than one call. The instances are shared
between requests: read them, never save them.
"""

from __future__ import annotations

import threading
from typing import Any

from gridgov.core import stamps

from .models import Category

_lock = threading.Lock()
_cached: tuple[Any, dict[str, Category]] | None = None


def _build() -> dict[str, Category]:
    rows = list(Category.objects.all())
    parents = {c.parent_id for c in rows}
    for c in rows:
        c.has_children = c.pk in parents  # type: ignore[attr-defined]
    return {c.code: c for c in rows}


def by_code(code: str) -> Category | None:
    """The category of `code`, with `has_children` set; None if there is none."""
    global _cached
    now = stamps.version(stamps.CATEGORIES)
    cached = _cached
    if cached is None or cached[0] != now or not stamps.usable(now):
        with _lock:
            cached = _cached
            if cached is None or cached[0] != now or not stamps.usable(now):
                cached = (now, _build())
                _cached = cached
    return cached[1].get(code)
