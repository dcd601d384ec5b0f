"""The seeded indicator sets (migration 0002); administrators change them in the admin.

Bands: (metric, weight, floor, target); the score is 0 at the floor and 100 at the target,
linear between. The weights of a set add up to 100; residents' evaluation (the survey)
weighs 20 in the sets of grid workers and grids (plan 4: work results and residents'
evaluation decide the grade; migration 0003 scaled the earlier weights by 0.8 to make room,
which leaves a total without survey answers as it was). Floors and targets follow the
published results of digital city management (../standards: 結案率 and 按期結案率 near
100 %, 返工率 near 0) loosened to a grid's scale: a handful of cases a month makes each
case worth a lot.
"""

from __future__ import annotations

from typing import Any

SETS: list[dict[str, Any]] = [
    {
        "slug": "grid-worker",
        "name": "网格员考核",
        "subject": "worker",
        "indicators": [
            ("closure_rate", 12, 60, 100),
            ("on_time_rate", 12, 50, 100),
            ("rework_rate", 8, 30, 0),
            ("satisfied_share", 8, 50, 100),
            ("visited_share", 16, 40, 100),
            ("visit_on_time_share", 16, 50, 100),
            ("manual", 8, 0, 100),
            ("survey_satisfied_share", 15, 60, 100),
            ("knows_worker_share", 5, 50, 100),
        ],
    },
    {
        "slug": "grid-head",
        "name": "网格长(网格)考核",
        "subject": "grid",
        "indicators": [
            ("closure_rate", 16, 60, 100),
            ("on_time_rate", 16, 50, 100),
            ("rework_rate", 8, 30, 0),
            ("timely_filing_rate", 8, 60, 100),
            ("satisfied_share", 8, 50, 100),
            ("visited_share", 12, 40, 100),
            ("visit_on_time_share", 12, 50, 100),
            ("survey_satisfied_share", 20, 60, 100),
        ],
    },
    {
        # Plan 7: the dedicated grid's own checks, and the grid instructor's periodic
        # evaluation (網格指導員定期評估) as the head's score.
        "slug": "dedicated-grid",
        "name": "专属网格考核",
        "subject": "dedicated",
        "indicators": [
            ("inspected_on_time_share", 40, 50, 100),
            ("rectified_share", 30, 50, 100),
            ("manual", 30, 0, 100),
        ],
    },
    {
        "slug": "department",
        "name": "职能部门考核",
        "subject": "unit",
        "indicators": [
            ("closure_rate", 40, 60, 100),
            ("on_time_rate", 40, 50, 100),
            ("rework_rate", 20, 30, 0),
        ],
    },
]


def load_sets(set_model: Any, indicator_model: Any, slugs: tuple[str, ...] = ()) -> None:
    """Create the seeded sets (those of `slugs` only, when given) and their indicators that
    are missing; what exists is left as it is."""
    for spec in SETS:
        if slugs and spec["slug"] not in slugs:
            continue
        s, _ = set_model.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "subject": spec["subject"]}
        )
        for position, (metric, weight, floor, target) in enumerate(spec["indicators"]):
            indicator_model.objects.get_or_create(
                set=s, metric=metric,
                defaults={"position": position, "weight": weight, "floor": floor,
                          "target": target},
            )  # fmt: skip
