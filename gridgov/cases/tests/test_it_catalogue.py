"""The process's category catalogue (intake's read of a category) follows the table: a
category added, switched off or given a sub-category is seen on the next read."""

from __future__ import annotations

import pytest

from gridgov.cases import catalogue
from gridgov.cases.models import Category

pytestmark = pytest.mark.django_db


def test_it_follows_the_table() -> None:
    major = Category.objects.create(code="97", name="试验大类")
    leaf = Category.objects.create(code="9701", name="试验小类", parent=major)
    assert catalogue.by_code("97").has_children is True  # type: ignore[union-attr]
    assert catalogue.by_code("9701").has_children is False  # type: ignore[union-attr]
    assert catalogue.by_code("9799") is None

    leaf.active = False
    leaf.save()
    assert catalogue.by_code("9701").active is False  # type: ignore[union-attr]

    Category.objects.create(code="970101", name="更细", parent=leaf)
    assert catalogue.by_code("9701").has_children is True  # type: ignore[union-attr]
    assert catalogue.by_code("970101").has_children is False  # type: ignore[union-attr]
