"""The ranges of the contact pyramid (四級聯系服務制度, plan 1), checked in one place.

Pure functions of counts: no database here, so that every range is tested by property
(tests/test_it_pyramid_ranges.py) and the page, the API and the roster read one verdict.

Plan 1: each general-branch committee member links 1–2 grid branches; each branch
committee member 1–2 party groups; each group leader 2–5 central households or model
posts; each central household 5–10 party members; each party member 10–15 households; and
one central household per 10–15 households. The table is data (`DEFAULT_RANGES`); a
deployment may change any row with `PARTY_PYRAMID_RANGES` in its settings, and the
households-per-central row with GRIDGOV_PARTY_HOUSEHOLDS_PER_CENTRAL_MIN/MAX.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

K = TypeVar("K")

OK, UNDER, OVER, UNLINKED = "ok", "under", "over", "unlinked"
VERDICTS = (OK, UNDER, OVER, UNLINKED)

# Level → (fewest, most) links each source holds. "households_per_central" is the norm of
# how many households one central household stands for.
DEFAULT_RANGES: dict[str, tuple[int, int]] = {
    "branch": (1, 2),
    "group": (1, 2),
    "central": (2, 5),
    "member": (5, 10),
    "household": (10, 15),
    "households_per_central": (10, 15),
}


@dataclass(frozen=True)
class Range:
    low: int
    high: int

    def __post_init__(self) -> None:
        if not 0 < self.low <= self.high:
            raise ValueError(f"a range needs 0 < low <= high, not {self.low}–{self.high}")

    def __str__(self) -> str:
        return f"{self.low}–{self.high}"


def ranges(overrides: Mapping[str, Any] | None = None) -> dict[str, Range]:
    """The table in force: the defaults, with rows replaced from `overrides` (settings)."""
    if overrides is None:
        from django.conf import settings

        overrides = dict(getattr(settings, "PARTY_PYRAMID_RANGES", {}) or {})
        overrides.setdefault(
            "households_per_central",
            (settings.PARTY_HOUSEHOLDS_PER_CENTRAL_MIN, settings.PARTY_HOUSEHOLDS_PER_CENTRAL_MAX),
        )
    table = {**DEFAULT_RANGES, **{k: tuple(v) for k, v in overrides.items()}}
    return {k: Range(int(v[0]), int(v[1])) for k, v in table.items()}


def verdict(count: int, rng: Range) -> str:
    """Where a source with `count` current links stands: unlinked (none), under, ok, over."""
    if count < 0:
        raise ValueError("a count is never negative")
    if count == 0:
        return UNLINKED
    if count < rng.low:
        return UNDER
    if count > rng.high:
        return OVER
    return OK


def check(counts: Mapping[K, int], rng: Range) -> dict[K, str]:
    """The verdict of each source (sources with no link must be in `counts` with 0)."""
    return {key: verdict(n, rng) for key, n in counts.items()}


def tally(verdicts: Iterable[str]) -> dict[str, int]:
    """How many sources have each verdict (every verdict present, 0 if none)."""
    out = dict.fromkeys(VERDICTS, 0)
    for v in verdicts:
        out[v] += 1
    return out


@dataclass(frozen=True)
class Norm:
    """Central households of a grid against the norm of one per `rng` households."""

    households: int
    centrals: int
    fewest: int  # the fewest central households the norm asks for
    most: int  # the most it allows
    verdict: str


def central_norm(households: int, centrals: int, rng: Range) -> Norm:
    """Whether `centrals` central households suit `households` households, one per
    rng.low–rng.high: households per central must lie in the range. When no whole number
    does (e.g. 16 households with 10–15: 1 is 16 each, 2 is 8 each) the norm asks for the
    fewest that keep every central at or under the high end."""
    if households < 0 or centrals < 0:
        raise ValueError("counts are never negative")
    fewest = math.ceil(households / rng.high)
    most = max(fewest, households // rng.low)
    if households == 0:
        v = OK if centrals == 0 else OVER
    elif centrals == 0:
        v = UNLINKED
    elif centrals < fewest:
        v = UNDER
    elif centrals > most:
        v = OVER
    else:
        v = OK
    return Norm(households, centrals, fewest, most, v)
