"""Residents' survey answers in the demo district (issue 11): a few answers a month in most
grids over the last months, mostly satisfied, some not, with a comment now and then — so the
score cards' survey figures and the results page have something to show. Written directly
(the public page's hourly limit is for the public); deterministic for a seed and a `today`.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from gridgov.assessment.models import SurveyResponse
from gridgov.grids.models import Grid

MONTHS = 4
COMMENTS = (
    "网格员很负责，有事找得到人", "希望多来小区走走", "楼道堆物清理得很及时", "路灯坏了很久没修",
    "停车难问题希望解决", "网格员服务态度好", "垃圾清运不够及时", "独居老人关心得很到位",
)  # fmt: skip


def ensure_demo_surveys(seed: int = 17, *, today: dt.date | None = None) -> int:
    """Answers of the last MONTHS months (once); returns how many."""
    if SurveyResponse.objects.exists():
        return 0
    rng = random.Random(seed)
    today = today or timezone.localdate()
    grids = list(
        Grid.objects.current(today)
        .filter(network__slug="comprehensive", kind="comprehensive", depth=3)
        .order_by("code")
    )
    start = today - dt.timedelta(days=30 * MONTHS)
    rows = []
    for grid in grids:
        if rng.random() < 0.2:
            continue  # not every grid has put its survey code up yet
        mood = rng.uniform(0.55, 0.95)  # this grid's share of satisfied residents
        for _ in range(rng.randint(3, 15)):
            day = start + dt.timedelta(days=rng.randint(0, (today - start).days))
            happy = rng.random() < mood
            rows.append(
                SurveyResponse(
                    grid=grid, grid_code=grid.code, answered_on=day,
                    satisfaction=rng.choice((4, 5)) if happy else rng.choice((1, 2, 3)),
                    knows_worker="yes" if rng.random() < mood else rng.choice(("no", "unsure")),
                    visited=rng.choice(("yes", "yes", "no", "unsure")),
                    comment=rng.choice(COMMENTS) if rng.random() < 0.3 else "",
                )
            )  # fmt: skip
    SurveyResponse.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
