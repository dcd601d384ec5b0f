"""The vocabularies of the choice columns: every spelling a cell may use for a stored code
(the Chinese labels, the English ones, the codes and the spellings officials use), and
the labels a template offers."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import translation

from ..choices import (
    DETAIL_VALUES,
    DocumentType,
    HouseholdType,
    Relation,
    ResidenceStatus,
    Sex,
    TagKind,
)
from ..services import TAG_DETAILS

# Choice columns: the stored codes of each, with the model's TextChoices (for labels).
CHOICES: dict[str, type[models.TextChoices]] = {
    "household_type": HouseholdType,
    "relation": Relation,
    "document_type": DocumentType,
    "residence_status": ResidenceStatus,
    "sex": Sex,
    "tag_kind": TagKind,
}
# Choice columns of a tag's own fields (services.TAG_DETAILS): column kind → stored codes,
# labelled by choices.DETAIL_VALUES.
DETAIL_CHOICES: dict[str, tuple[str, ...]] = {
    f"detail_{key}": choices
    for fields in TAG_DETAILS.values()
    for key, choices in fields.items()
    if isinstance(choices, tuple)
}
# More spellings officials use (plan 3 says 物管小区).
EXTRA_SPELLINGS: dict[str, dict[str, str]] = {
    "household_type": {"物管小区": "property_managed", "农村散居院落": "agricultural",
                       "农业散居户": "agricultural", "单位": "unit"},
    "relation": {"本人": "head", "妻子": "spouse", "丈夫": "spouse", "夫": "spouse", "妻": "spouse",
                 "儿子": "child", "女儿": "child", "子": "child", "女": "child", "父亲": "parent",
                 "母亲": "parent", "孙子": "grandchild", "孙女": "grandchild", "外孙": "grandchild",
                 "外孙女": "grandchild"},
    "document_type": {"身份证": "resident_id", "二代身份证": "resident_id",
                      "外国人永久居留证": "foreign_permanent_id"},
    "residence_status": {"户籍": "registered", "常住人口": "registered", "流动": "floating",
                         "外来人口": "floating", "境外": "foreign", "外籍": "foreign"},
    "sex": {"男性": "m", "女性": "f", "male": "m", "female": "f"},
    "tag_kind": {"困难户": "hardship", "低保户": "hardship", "特困户": "hardship",
                 "特困人员": "hardship", "独居": "elderly_alone", "空巢": "empty_nest",
                 "留守": "left_behind_child", "残疾": "disability"},
    "detail_assistance": {"低保": "minimum_living", "低保户": "minimum_living",
                          "特困": "extreme_poverty", "特困供养人员": "extreme_poverty",
                          "低收入户": "low_income"},
    "detail_grade": {"一级": "1", "二级": "2", "三级": "3", "四级": "4", "1级": "1",
                     "2级": "2", "3级": "3", "4级": "4"},
    "detail_registered": {"已登记": "yes", "未登记": "no"},
}  # fmt: skip
TRUE_WORDS = {"是", "党员", "中共党员", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "群众", "非党员", "n", "no", "false", "0", ""}


def is_choice(kind: str) -> bool:
    return kind in CHOICES or kind in DETAIL_CHOICES


def _pairs(kind: str) -> list[tuple[str, Any]]:
    """(stored code, lazy label) of a choice set."""
    if kind in CHOICES:
        return list(CHOICES[kind].choices)
    return [(code, DETAIL_VALUES.get(code, code)) for code in DETAIL_CHOICES[kind]]


def labels(kind: str) -> list[str]:
    """The Simplified Chinese labels of a choice set, as the template offers them."""
    with translation.override("zh-hans"):
        return [str(label) for _value, label in _pairs(kind)]


def vocabulary(kind: str) -> dict[str, str]:
    """Every accepted spelling of a choice (lower-cased) → the stored code."""
    pairs = _pairs(kind)
    out: dict[str, str] = {}
    for language in ("en", "zh-hant", "zh-hans"):
        with translation.override(language):
            for value, label in pairs:
                out[str(label).strip().lower()] = value
    for value, _label in pairs:
        out[value.lower()] = value
    out.update(EXTRA_SPELLINGS.get(kind, {}))
    return out


def label_of(kind: str, value: str) -> str:
    with translation.override("zh-hans"):
        return str(dict(_pairs(kind)).get(value, value))
