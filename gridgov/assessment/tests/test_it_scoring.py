"""Banding, grades at their edges, the weighted total and ties in the ranking (no database
beyond the seeded sets)."""

from __future__ import annotations

import datetime as dt

import pytest

from gridgov.assessment import queries
from gridgov.assessment.models import Indicator, IndicatorSet

pytestmark = pytest.mark.django_db


def test_it_bands_linearly_between_the_floor_and_the_target() -> None:
    up = Indicator(metric="closure_rate", weight=20, floor=60, target=100)
    assert [up.band(x) for x in (None, 0, 60, 70, 99.5, 100)] == [None, 0, 0, 25.0, 98.75, 100]
    # Lower is better: the floor above the target (返工率 30 % scores 0, none 100).
    down = Indicator(metric="rework_rate", weight=10, floor=30, target=0)
    assert [down.band(x) for x in (0, 7.5, 30, 50)] == [100, 75.0, 0, 0]


def test_it_grades_at_the_band_edges() -> None:
    s = IndicatorSet(grade_a=90, grade_b=75, grade_c=60)
    assert [s.grade(x) for x in (100, 90, 89.99, 75, 74.99, 60, 59.99, 0, None)] == [
        "A", "A", "B", "B", "C", "C", "D", "D", ""
    ]  # fmt: skip


def test_it_weighs_only_the_indicators_with_a_figure() -> None:
    a = Indicator(metric="closure_rate", weight=20, floor=0, target=100)
    b = Indicator(metric="on_time_rate", weight=30, floor=0, target=100)
    c = Indicator(metric="rework_rate", weight=50, floor=100, target=0)
    figures = [queries.Figure(a, score=90), queries.Figure(b, score=40), queries.Figure(c)]
    # (20 × 90 + 30 × 40) / 50: the missing half of the weight is not counted as zero.
    assert queries.weighted_total(figures) == 60.0
    assert queries.weighted_total([queries.Figure(c)]) is None


def test_it_ranks_ties_together_and_the_unscored_last() -> None:
    cards = [
        queries.Card("grid", "3", "丙", total=80.0), queries.Card("grid", "1", "甲", total=91.5),
        queries.Card("grid", "4", "丁", total=None), queries.Card("grid", "2", "乙", total=80.0),
        queries.Card("grid", "5", "戊", total=70.0),
    ]  # fmt: skip
    ranked = queries.rank(cards)
    assert [(c.label, c.rank) for c in ranked] == [
        ("甲", 1), ("丙", 2), ("乙", 2), ("戊", 4), ("丁", None)
    ]  # fmt: skip


def test_it_reckons_months_quarters_years_and_the_trend() -> None:
    on = dt.date(2025, 5, 20)
    assert queries.period_of("month", on) == queries.Period(
        "month", dt.date(2025, 5, 1), dt.date(2025, 5, 31)
    )
    q = queries.period_of("quarter", on)
    assert (q.start, q.end, q.label) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30), "2025Q2")
    assert queries.period_of("year", on).end == dt.date(2025, 12, 31)
    february = queries.period_of("month", dt.date(2025, 2, 3))
    assert [p.label for p in queries.trend_periods(february)] == [
        "2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02"
    ]  # fmt: skip


def test_it_seeds_one_set_per_subject_whose_weights_add_up_to_100() -> None:
    sets = {s.subject: s for s in IndicatorSet.objects.filter(active=True)}
    assert sorted(sets) == ["dedicated", "grid", "unit", "worker"]
    for s in sets.values():
        assert sum(s.indicators.values_list("weight", flat=True)) == 100
