"""{% likely_duplicates case as dups %}: the case page's list of probable repeats, for
those who may merge the case (cases.duplicates)."""

from __future__ import annotations

from typing import Any

from django import template

from gridgov.cases.duplicates import likely_duplicates as _likely

register = template.Library()


@register.simple_tag(takes_context=True)
def likely_duplicates(context: Any, case: Any) -> list[Any]:
    return _likely(case, context["request"].user)
