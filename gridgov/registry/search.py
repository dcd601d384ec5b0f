"""Finding people (R-REG-1): one filter definition for the pages, the API and exports.

What a person types in the one search box decides the index used (docs/adr/0007):
- an 18-character ID number or an 11-digit phone: exact, by keyed hash;
- 4 digits (or the last 4 of more): the tail of an ID number or phone;
- Latin letters that read as pinyin ("zhang", "zhangs", "wangxiaoh"): a prefix of the full
  pinyin; other Latin letters ("zs", "wxh"): a prefix of the initials, where zh, ch and sh
  may stand for their first letter ("zhs" finds 张三 as "zs" does);
- anything else: a prefix of the name.
Prefixes are half-open ranges [q, q + U+FFFF) rather than LIKE, so that SQLite and
PostgreSQL both answer them from a b-tree index whatever the column's collation rules for
LIKE are. Every query is also limited to the person's scope (`core.scope`).

Performance (`gridgov bench registry`, p95 < 50 ms at 1,000,000 residents): a prefix query
is one range on one indexed column, and its results are listed in that column's order, so
that the database walks the index in order and stops at the page's last row instead of
sorting every match (a surname's pinyin matches tens of thousands). Pinyin and initials are
therefore not searched together: an OR of two indexes must fetch and sort all matches.
Which of the text range and the grid range (scope, grid filter) the database starts from is
decided here by two capped counts (`residents_for`): without per-range statistics SQLite
guessed, and starting from a street's 70,000 residents to find three took 100 ms."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import ServiceError
from gridgov.core.lib import codes as codelib
from gridgov.core.lib import crypto, pinyin
from gridgov.core.scope import scope_q

from .choices import ResidenceStatus, ResidentStatus, TagKind
from .models import Resident

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$", re.ASCII)
MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
HIGH = "\uffff"
# How far the capped counts of `residents_for` look: about as many rows as sorting in a few
# milliseconds allows. Reading this many index entries costs well under a millisecond.
PROBE = 5000


def _prefix(column: str, q: str) -> Q:
    return Q(**{f"{column}__gte": q, f"{column}__lt": q + HIGH})


def _initials(q: str) -> list[str]:
    """The initials `q` may stand for: itself, and with zh/ch/sh as z/c/s ("zhs" → "zs")
    when that leaves two letters or more (a lone "z" would match a sixth of everyone)."""
    short = re.sub("([zcs])h", r"\1", q)
    return [q, short] if short != q and len(short) >= 2 else [q]


@dataclass(frozen=True)
class TextQuery:
    """The condition for what was typed, and for a prefix, the indexed column it is a
    range of (results are listed in its order)."""

    condition: Q
    column: str | None = None
    # False for two ranges of the column (zh/ch/sh initials): walking the index in order
    # would read everything between them, so the matches are sorted instead.
    in_order: bool = True

    def order(self) -> list[Any]:
        assert self.column is not None
        return [self.column if self.in_order else _unindexed(self.column), "id"]


def whole_number(q: str | None) -> bool:
    """Whether the query is a whole ID number or phone (7 digits and more): never sent in a
    URL, which server and proxy logs keep. The last 4–6 digits may be."""
    q = "".join(unicodedata.normalize("NFKC", q or "").split()).replace("-", "")
    return bool(q) and q.isascii() and len(q) >= 7 and (q[:-1].isdigit() and q[-1].isalnum())


def in_url_refused() -> ServiceError:
    """The refusal of a whole ID number or phone in a URL (a GET query)."""
    return ServiceError(
        "number_in_url",
        _("Search for a whole ID number or phone with the search form (POST): an address "
          "with the number in it would be kept in server logs."),
        field="q",
        status=422,
    )  # fmt: skip


def parse_text(q: str) -> TextQuery:
    """What was typed in the search box, as a condition on residents."""
    # NFKC: full-width digits and letters, as Chinese input methods type them, are ASCII.
    q = "".join(unicodedata.normalize("NFKC", q).split())
    if not q:
        return TextQuery(Q())
    if ID_NUMBER.match(q):
        return TextQuery(Q(id_number_hash=crypto.lookup_hash(q)))
    if MOBILE.match(q):
        return TextQuery(Q(phone_hash=crypto.lookup_hash(q)))
    if q.isascii() and (q.isdigit() or (q[:-1].isdigit() and q[-1] in "Xx")):
        if len(q) < 4:
            raise ServiceError(
                "query_too_short",
                _("Type at least the last 4 digits of an ID number or phone."),
                field="q",
                status=422,
            )
        tail = q[-4:].upper()
        return TextQuery(Q(id_tail=tail) | Q(phone_tail=tail))
    if q.isascii() and q.isalpha():
        q = q.lower()
        if pinyin.reads_as_pinyin(q):
            return TextQuery(_prefix("name_pinyin", q), "name_pinyin")
        condition = Q()
        readings = _initials(q)
        for initials in readings:
            condition |= _prefix("name_initials", initials)
        return TextQuery(condition, "name_initials", in_order=len(readings) == 1)
    return TextQuery(_prefix("name", q), "name")


def text_query(q: str) -> Q:
    """The condition for what was typed in the search box."""
    return parse_text(q).condition


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

    def apply(
        self,
        qs: QuerySet[Resident],
        *,
        grid_column: str = "grid_code",
        text: TextQuery | None = None,
    ) -> QuerySet[Resident]:
        self.validate()
        qs = qs.filter((text or parse_text(self.q)).condition)
        if self.grid:
            low, high = codelib.subtree_range(self.grid)
            qs = qs.filter(**{f"{grid_column}__gte": low, f"{grid_column}__lt": high})
        if self.tag:
            # Open tags: no end yet, or an end still to come.
            today = timezone.localdate()
            qs = qs.filter(
                Q(tags__kind=self.tag) & (Q(tags__end__isnull=True) | Q(tags__end__gte=today))
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


def _unindexed(column: str) -> Concat:
    """`column` as an expression no index answers (column || ''): a condition on it is
    checked row by row, so the database starts from the other condition's index."""
    return Concat(F(column), Value(""))


def residents_for(user: Any, params: Any) -> QuerySet[Resident]:
    """Residents the user may see, filtered as asked, in a stable order: by the searched
    key for a prefix query (name, pinyin or initials), else by name; then by id."""
    f = ResidentFilter.from_params(params)
    f.validate()
    text = parse_text(f.q)
    if text.column is None:
        # No text, or an exact key (hash, tail) that finds a handful of rows: the
        # database's own choice of index is right.
        qs = f.apply(Resident.objects.visible_to(user), text=text)
        return qs.select_related("household").order_by("name", "id")
    # A prefix: start from the smaller of the text range and the grid range (the user's
    # scope and the grid filter), as far as counts capped at PROBE tell. Both capped
    # counts read index entries only.
    in_scope = Resident.objects.visible_to(user)
    if f.grid:
        low, high = codelib.subtree_range(f.grid)
        in_scope = in_scope.filter(grid_code__gte=low, grid_code__lt=high)
    by_text = Resident.objects.filter(text.condition).order_by().values("pk")[:PROBE].count()
    if getattr(user, "is_superuser", False) and not f.grid:
        by_grid = PROBE  # everyone
    else:
        by_grid = in_scope.order_by().values("pk")[:PROBE].count()
    if by_text <= by_grid:
        # From the text index, in its order: the page's rows are the first matches in it.
        # The grid conditions are checked row by row.
        # (scope_q is what visible_to applies, here on the unindexed copy of grid_code.)
        by_index = Resident.objects.alias(_grid=_unindexed("grid_code"))
        found = f.apply(by_index.filter(scope_q(user, "_grid")), grid_column="_grid", text=text)
    else:
        # From the grid index: fewer than PROBE rows to check and sort. The sort is on the
        # unindexed copy too: sorted by the column itself, PostgreSQL may walk the column's
        # whole index in order, looking for rows of a small grid.
        by_grid_index = Resident.objects.visible_to(user).alias(_text=_unindexed(text.column))
        text = TextQuery(_renamed(text.condition, text.column, "_text"), text.column, False)
        found = f.apply(by_grid_index, text=text)  # type: ignore[arg-type]
    return found.select_related("household").order_by(*text.order())


def _renamed(q: Q, old: str, new: str) -> Q:
    """`q` with its conditions on `old` put on `new` (an alias of the same values)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_renamed(child, old, new))
        else:
            lookup, value = child  # type: ignore[misc]
            name, _sep, rest = lookup.partition("__")
            out.children.append((f"{new}__{rest}" if name == old else lookup, value))
    return out
