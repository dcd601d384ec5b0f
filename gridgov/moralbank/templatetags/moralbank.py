"""Filters of the moral bank's pages: an amount in fen as yuan, a fund source's label."""

from __future__ import annotations

from django import template

from gridgov.moralbank.choices import FundSource

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    fen = fen or 0
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


@register.filter
def fund_source(value: str) -> str:
    return str(FundSource(value).label) if value in FundSource.values else value
