from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Subject(models.TextChoices):
    """Who or what a set of indicators assesses."""

    WORKER = "worker", _("Grid worker")
    GRID = "grid", _("Grid (its head)")
    UNIT = "unit", _("Department (handling unit)")
    # Plan 7: a dedicated grid (專屬網格) of a unit, school, hospital, park…, and its head.
    DEDICATED = "dedicated", _("Dedicated grid (its head)")


class Source(models.TextChoices):
    CASES = "cases", pgettext_lazy("source", "Cases")
    VISITS = "visits", pgettext_lazy("source", "Visits")
    MANUAL = "manual", _("Manual score")
    SURVEY = "survey", _("Residents' survey")
    INSPECTIONS = "inspections", pgettext_lazy("source", "Inspections")
    REGISTRY = "registry", _("Registry completeness")
    MORALBANK = "moralbank", _("Village moral bank")


class Metric(models.TextChoices):
    """The raw figure of an indicator: a percentage (0–100) with its numerator and
    denominator, or a head's score."""

    CLOSURE_RATE = "closure_rate", _("Closure rate")
    ON_TIME_RATE = "on_time_rate", _("Closed on time rate")
    REWORK_RATE = "rework_rate", _("Rework rate")
    TIMELY_FILING_RATE = "timely_filing_rate", _("Timely filing rate")
    TIMELY_DISPATCH_RATE = "timely_dispatch_rate", _("Timely dispatch rate")
    SATISFIED_SHARE = "satisfied_share", _("Satisfied share")
    VISITED_SHARE = "visited_share", _("Households visited")
    VISIT_ON_TIME_SHARE = "visit_on_time_share", _("Must-visit households visited on time")
    # Residents' evaluation from the public survey page of each grid (plan 4: 群眾評議).
    SURVEY_SATISFIED_SHARE = "survey_satisfied_share", _("Residents satisfied (survey)")
    KNOWS_WORKER_SHARE = "knows_worker_share", _("Residents who know their grid worker")
    # A dedicated grid's checks (plan 7: 治安防範, 安全生產): its scheduled inspections done
    # on time, and its findings put right by their deadline.
    INSPECTED_ON_TIME_SHARE = "inspected_on_time_share", _("Inspections done on time")
    RECTIFIED_SHARE = "rectified_share", _("Findings put right in time")
    # 四清 (plan 1, R-REG-3): the registry's records complete — households with members,
    # residents with a checked ID and a phone, buildings on the map, tags reviewed — as of
    # the day asked (the registry keeps no history of its gaps).
    REGISTRY_COMPLETE_SHARE = "registry_complete_share", _("Registry records complete")
    # Plan 8: the village moral bank counts in the village's assessment — the households
    # holding an account whose good deeds were awarded points in the period.
    MORAL_AWARDED_SHARE = "moral_awarded_share", _("Households awarded moral-bank points")
    MANUAL = "manual", _("Head's score")


SOURCES: dict[str, str] = {
    **{m: Source.CASES for m in Metric.values[:6]},
    Metric.VISITED_SHARE: Source.VISITS,
    Metric.VISIT_ON_TIME_SHARE: Source.VISITS,
    Metric.SURVEY_SATISFIED_SHARE: Source.SURVEY,
    Metric.KNOWS_WORKER_SHARE: Source.SURVEY,
    Metric.INSPECTED_ON_TIME_SHARE: Source.INSPECTIONS,
    Metric.RECTIFIED_SHARE: Source.INSPECTIONS,
    Metric.REGISTRY_COMPLETE_SHARE: Source.REGISTRY,
    Metric.MORAL_AWARDED_SHARE: Source.MORALBANK,
    Metric.MANUAL: Source.MANUAL,
}


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Satisfaction(models.IntegerChoices):
    """The survey's question on the grid's service, as residents are asked it."""

    VERY = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIR = 3, _("Fairly satisfied")
    UNSATISFIED = 2, _("Not satisfied")
    VERY_UNSATISFIED = 1, _("Very unsatisfied")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNSURE = "unsure", _("Not sure")
