"""The demo's survey answers: made once, in the cast's grids, within the last months."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gridgov.assessment.models import SurveyResponse
from gridgov.demo.surveys import ensure_demo_surveys

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 3, 10)


def test_it_gives_the_grids_survey_answers_once(cast: Any) -> None:
    made = ensure_demo_surveys(17, today=TODAY)
    assert made == SurveyResponse.objects.count() > 0
    codes = set(SurveyResponse.objects.values_list("grid_code", flat=True))
    assert codes <= {cast.a1.code, cast.a2.code, cast.b1.code}
    days = SurveyResponse.objects.values_list("answered_on", flat=True)
    assert min(days) >= dt.date(2026, 11, 1) and max(days) <= TODAY
    assert SurveyResponse.objects.filter(satisfaction__lte=3).exists()
    assert ensure_demo_surveys(17, today=TODAY) == 0
