"""The starting visit rules (data/rules.py) into a VisitRule model: the real one, or the
historical one of a migration."""

from __future__ import annotations

from typing import Any

from .data.rules import RULES


def load_rules(model: Any) -> None:
    for kind, every, unit, must in RULES:
        model.objects.get_or_create(
            grid_code="", kind=kind, defaults={"every": every, "unit": unit, "must_visit": must}
        )
