"""Score cards of a constructed month (conftest): every figure's numerator and denominator,
its score on the band and the weighted total, checked against hand-computed values."""

from __future__ import annotations

from typing import Any

import pytest

from gridgov.assessment import queries
from gridgov.assessment.tests.conftest import MARCH

pytestmark = pytest.mark.django_db
P = queries.period_of("month", MARCH)


def figures(card: queries.Card) -> dict[str, tuple[Any, ...]]:
    return {f.indicator.metric: (f.numerator, f.denominator, f.raw, f.score) for f in card.figures}


def test_it_scores_a_grid_from_its_cases_and_visits(cast: Any, month: Any) -> None:
    c = queries.grid_card(cast.a1, P)
    assert figures(c) == {
        "closure_rate": (2, 2, 100.0, 100.0),  # band 60 → 100
        "on_time_rate": (1, 2, 50.0, 0.0),  # band 50 → 100
        "rework_rate": (1, 2, 50.0, 0.0),  # band 30 → 0
        "timely_filing_rate": (2, 3, 66.67, 16.68),  # (66.67 − 60) / 40
        "satisfied_share": (1, 2, 50.0, 0.0),
        "visited_share": (70, 350, 20.0, 0.0),  # band 40 → 100
        "visit_on_time_share": (3, 4, 75.0, 50.0),  # band 50 → 100
        "survey_satisfied_share": (0, 0, None, None),  # no survey answered: left out
    }
    # (16 × 100 + 8 × 16.68 + 12 × 50) / 80: the survey (20) has no answer, left out
    assert (c.total, c.grade) == (29.17, "D")


def test_it_leaves_out_what_has_nothing_to_count(cast: Any, month: Any) -> None:
    c = queries.grid_card(cast.a2, P)
    f = figures(c)
    assert f["rework_rate"] == (0, 0, None, None)
    assert f["visit_on_time_share"] == (0, 0, None, None)
    # (16 × 0 + 16 × 0 + 8 × 100 + 12 × 0) / 52: satisfaction, rework, must-visit, survey
    # left out.
    assert (c.total, c.grade) == (15.38, "D")


def test_it_ranks_the_child_grids_with_the_same_cards(cast: Any, month: Any) -> None:
    ranked = queries.rank(queries.cards(cast.community_a, "grid", P))
    assert [(c.key, c.rank, c.total) for c in ranked] == [
        (cast.a1.code, 1, 29.17), (cast.a2.code, 2, 15.38)
    ]  # fmt: skip
    # Each figure drills down to the page behind it.
    link = ranked[0].figures[0].link
    assert link.startswith("/cases/indicators/?") and f"node={cast.a1.code}" in link
    assert "start=2025-03-01" in link and "end=2025-03-31" in link


def test_it_scores_a_worker_from_their_reports_and_their_grids(cast: Any, month: Any) -> None:
    cards = queries.cards(cast.community_a, "worker", P)
    assert [c.key for c in cards] == [str(cast.worker_a1.pk)]
    c = cards[0]
    f = figures(c)
    assert f["closure_rate"] == (2, 2, 100.0, 100.0)
    assert f["visited_share"] == (70, 350, 20.0, 0.0)
    assert f["manual"] == (None, None, None, None)
    # No head's score or survey yet: (12 × 100 + 16 × 50) / 72.
    assert (c.total, c.grade) == (27.78, "D")
    assert "by=worker" in c.figures[0].link


def test_it_scores_a_department_on_the_cases_it_handled(cast: Any, month: Any) -> None:
    cards = queries.cards(cast.county, "unit", P)
    assert [(c.key, c.label) for c in cards] == [(str(month.unit.pk), "城管局")]
    f = figures(cards[0])
    assert f == {
        "closure_rate": (2, 2, 100.0, 100.0),
        "on_time_rate": (1, 2, 50.0, 0.0),
        "rework_rate": (1, 2, 50.0, 0.0),
    }
    assert (cards[0].total, cards[0].grade) == (40.0, "D")


def test_it_has_no_figures_in_an_empty_period(cast: Any, month: Any) -> None:
    c = queries.grid_card(cast.a2, queries.period_of("month", MARCH.replace(month=1)))
    assert c.total == 0.0  # A2's 120 households, none visited: the one figure there is
