"""Loading the starting category tree (cases/data/categories.py); used by a migration."""

from __future__ import annotations

from typing import Any

from .data.categories import MAJORS, MINORS, URGENT


def load_categories(Category: Any) -> int:
    """Create the categories not there yet (by code); return how many were made."""
    have = set(Category.objects.values_list("code", flat=True))
    # The migration that loads them runs with the model as it was then (without the fields
    # added later, which their own migrations fill in).
    known = {f.name for f in Category._meta.get_fields()}
    made = 0
    majors = {}
    for code, name in MAJORS:
        majors[code] = Category.objects.filter(code=code).first()
        if code not in have:
            majors[code] = Category.objects.create(code=code, name=name)
            made += 1
    for code, name, filing, closing, unit, limits, flags in MINORS:
        if code in have:
            continue
        (fa, fk), (da, dk), (ha, hk), (va, vk) = limits
        later = (
            {"escalate_when_overdue": limits is URGENT} if "escalate_when_overdue" in known else {}
        )
        Category.objects.create(
            parent=majors[code[:2]], code=code, name=name, filing_condition=filing,
            closing_condition=closing, default_unit=unit, file_within=fa, file_kind=fk,
            dispatch_within=da, dispatch_kind=dk, handle_within=ha, handle_kind=hk,
            verify_within=va, verify_kind=vk, must_attend="a" in flags,
            must_report="r" in flags, must_visit="v" in flags,
            **later,
        )  # fmt: skip
        made += 1
    return made


def urgent_codes() -> list[str]:
    """Codes of the starting categories on the emergency clock (escalated when overdue)."""
    return [code for code, *_rest, limits, _flags in MINORS if limits is URGENT]
