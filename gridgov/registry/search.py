"""Finding people (R-REG-1): one filter definition for the pages, the API and exports.

What a person types in the one search box decides the index used (docs/adr/0007):
- an 18-character ID number or an 11-digit phone: exact, by keyed hash;
- 4 digits (or the last 4 of more): the tail of an ID number or phone;
- Latin letters: a prefix of the full pinyin ("zhangsan") or of the initials ("zs");
- anything else: a prefix of the name.
Prefixes are half-open ranges [q, q + U+FFFF) rather than LIKE, so that SQLite and
PostgreSQL both answer them from a b-tree index whatever the column's collation rules for
LIKE are. Every query is also limited to the person's scope (`visible_to`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import ServiceError
from gridgov.core.lib import codes as codelib
from gridgov.core.lib import crypto

from .choices import ResidenceStatus, ResidentStatus, TagKind
from .models import Resident

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
HIGH = "\uffff"


def _prefix(column: str, q: str) -> Q:
    return Q(**{f"{column}__gte": q, f"{column}__lt": q + HIGH})


def text_query(q: str) -> Q:
    """The condition for what was typed in the search box."""
    q = "".join(q.split())
    if not q:
        return Q()
    if ID_NUMBER.match(q):
        return Q(id_number_hash=crypto.lookup_hash(q))
    if MOBILE.match(q):
        return Q(phone_hash=crypto.lookup_hash(q))
    if q.isdigit() or (q[:-1].isdigit() and q[-1] in "Xx"):
        if len(q) < 4:
            raise ServiceError(
                "query_too_short",
                _("Type at least the last 4 digits of an ID number or phone."),
                field="q",
                status=422,
            )
        tail = q[-4:].upper()
        return Q(id_tail=tail) | Q(phone_tail=tail)
    if q.isascii() and q.isalpha():
        q = q.lower()
        return _prefix("name_initials", q) | _prefix("name_pinyin", q)
    return _prefix("name", q)


@dataclass
class ResidentFilter:
    """Filters of the resident list; the page's form and the API's query share it."""

    q: str = ""
    grid: str = ""  # a grid code: everything under it
    tag: str = ""
    residence_status: str = ""
    status: str = ResidentStatus.ACTIVE
    address: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: Any) -> ResidentFilter:
        f = cls(
            q=(params.get("q") or "").strip()[:40],
            grid=(params.get("grid") or "").strip()[:32],
            tag=(params.get("tag") or "").strip(),
            residence_status=(params.get("residence_status") or "").strip(),
            status=(params.get("status") or ResidentStatus.ACTIVE).strip(),
            address=(params.get("address") or "").strip()[:60],
        )
        return f

    def validate(self) -> None:
        if self.grid and not self.grid.isdigit():
            raise ServiceError("invalid_grid", _("A grid code has digits only."), field="grid",
                               status=422)  # fmt: skip
        if self.tag and self.tag not in TagKind.values:
            raise ServiceError("invalid_tag", _("Unknown tag."), field="tag", status=422)
        if self.residence_status and self.residence_status not in ResidenceStatus.values:
            raise ServiceError("invalid_residence_status", _("Unknown residence status."),
                               field="residence_status", status=422)  # fmt: skip
        if self.status and self.status not in [*ResidentStatus.values, "all"]:
            raise ServiceError("invalid_status", _("Unknown status."), field="status",
                               status=422)  # fmt: skip

    def apply(self, qs: QuerySet[Resident]) -> QuerySet[Resident]:
        self.validate()
        qs = qs.filter(text_query(self.q))
        if self.grid:
            low, high = codelib.subtree_range(self.grid)
            qs = qs.filter(grid_code__gte=low, grid_code__lt=high)
        if self.tag:
            # Open tags: no end yet, or an end still to come.
            today = timezone.localdate()
            qs = qs.filter(
                Q(tags__kind=self.tag)
                & (Q(tags__end__isnull=True) | Q(tags__end__gte=today))
                | Q(household__tags__kind=self.tag)
                & (Q(household__tags__end__isnull=True) | Q(household__tags__end__gte=today))
            ).distinct()
        if self.residence_status:
            qs = qs.filter(residence_status=self.residence_status)
        if self.status and self.status != "all":
            qs = qs.filter(status=self.status)
        if self.address:
            qs = qs.filter(household__address__contains=self.address)
        return qs


def residents_for(user: Any, params: Any) -> QuerySet[Resident]:
    """Residents the user may see, filtered as asked, in a stable order."""
    f = ResidentFilter.from_params(params)
    return (
        f.apply(Resident.objects.visible_to(user))
        .select_related("household")
        .order_by("name", "id")
    )
