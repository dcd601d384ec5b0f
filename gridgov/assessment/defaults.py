"""The seeded indicator sets (migration 0002); administrators change them in the admin.

Bands: (metric, weight, floor, target); the score is 0 at the floor and 100 at the target,
linear between. The weights of a set add up to 100. Floors and targets follow the published
results of digital city management (../standards: 結案率 and 按期結案率 near 100 %, 返工率
near 0) loosened to a grid's scale: a handful of cases a month makes each case worth a lot.
"""

from __future__ import annotations

from typing import Any

SETS: list[dict[str, Any]] = [
    {
        "slug": "grid-worker",
        "name": "网格员考核",
        "subject": "worker",
        "indicators": [
            ("closure_rate", 15, 60, 100),
            ("on_time_rate", 15, 50, 100),
            ("rework_rate", 10, 30, 0),
            ("satisfied_share", 10, 50, 100),
            ("visited_share", 20, 40, 100),
            ("visit_on_time_share", 20, 50, 100),
            ("manual", 10, 0, 100),
        ],
    },
    {
        "slug": "grid-head",
        "name": "网格长(网格)考核",
        "subject": "grid",
        "indicators": [
            ("closure_rate", 20, 60, 100),
            ("on_time_rate", 20, 50, 100),
            ("rework_rate", 10, 30, 0),
            ("timely_filing_rate", 10, 60, 100),
            ("satisfied_share", 10, 50, 100),
            ("visited_share", 15, 40, 100),
            ("visit_on_time_share", 15, 50, 100),
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


def load_sets(set_model: Any, indicator_model: Any) -> None:
    for spec in SETS:
        s, _ = set_model.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "subject": spec["subject"]}
        )
        for position, (metric, weight, floor, target) in enumerate(spec["indicators"]):
            indicator_model.objects.get_or_create(
                set=s, metric=metric,
                defaults={"position": position, "weight": weight, "floor": floor,
                          "target": target},
            )  # fmt: skip
