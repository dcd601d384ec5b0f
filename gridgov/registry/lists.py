"""The registry's lists of households, buildings, places, components and organisations, and
their export to xlsx (R-REG-5: "export of any filtered list").

One table, `LISTS`, says of each list: its model, the filters its page offers, the order it
lists in, and the sheet an export writes: Chinese headers (the file format, worded as the
import templates word them, `xlsx.LAYOUTS`) and how each cell is read off a row. The list
pages (`views.household_list`, `views.record_list`), the export page and `gridgov export`
all filter through `listed`, so that a file holds exactly the rows its page lists, in the
page's order.

None of these rows holds an ID number; an organisation's phone is exported masked, as its
list shows it. Every export writes one AuditEntry with its filters and row count, like the
residents' export (`imports.export_residents`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import models as audit
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.lib import codes as codelib
from gridgov.grids.models import Grid

from . import xlsx
from .choices import ComponentMajor, HouseholdType, OrganisationKind, PlaceKind
from .imports import EXPORT_MAX_ROWS
from .models import Building, Component, Household, Organisation, Place

# Registry records are filed under grids of this network (services.grid_for_registry).
NETWORK = "comprehensive"
# As long as the household list's address field takes (forms.HouseholdFilterForm).
ADDRESS_MAX = 60


@dataclass(frozen=True)
class Cell:
    """A column of an export: its header and how its value is read off a row."""

    header: str
    value: Callable[[Any], Any]
    width: int = 14


@dataclass(frozen=True)
class Listing:
    """A list page's rows, and the sheet its export writes."""

    model: Any
    noun: str  # for the audit action: "household" → household.export
    title: str  # of the sheet, and of the file (住户-20250101.xlsx)
    cells: tuple[Cell, ...]
    order: tuple[str, ...]
    filters: tuple[str, ...] = ("grid",)
    # What the cells read beyond the row's own columns: one JOIN each, no row of the grid
    # itself (a grid carries its boundary, far larger than the name an export needs).
    annotations: dict[str, Any] = field(default_factory=lambda: {"grid_name": F("grid__name")})
    deferred: tuple[str, ...] = ()

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.cells]

    @property
    def widths(self) -> list[int]:
        return [c.width for c in self.cells]

    def row(self, obj: Any) -> list[Any]:
        return [c.value(obj) for c in self.cells]


_IMPORTED = {c.key: c for layout in xlsx.LAYOUTS.values() for c in layout}


def _imported(key: str, value: Callable[[Any], Any]) -> Cell:
    """A column the import templates have: their header and width."""
    column = _IMPORTED[key]
    return Cell(column.header, value, column.width)


def _text(name: str) -> Callable[[Any], Any]:
    get = attrgetter(name)
    return lambda obj: get(obj) or ""


GRID = (
    _imported("grid", attrgetter("grid_code")),
    Cell(xlsx.GRID_NAME_HEADER, attrgetter("grid_name"), 20),
)
LON = Cell("经度", attrgetter("lon"), 12)
LAT = Cell("纬度", attrgetter("lat"), 12)

LISTS: dict[str, Listing] = {
    "households": Listing(
        model=Household, noun="household", title=xlsx.SHEET_TITLES["households"],
        cells=(
            *GRID,
            _imported("address", attrgetter("address")),
            _imported("unit", _text("unit")),
            _imported("floor", attrgetter("floor")),
            _imported("room", _text("room")),
            _imported("household_type",
                      lambda h: xlsx.display(HouseholdType, h.household_type)),
            _imported("building", _text("building_code")),
            Cell(xlsx.MEMBERS_HEADER, attrgetter("member_count"), 8),
        ),
        order=("grid_code", "address", "id"), filters=("grid", "address"),
        annotations={"grid_name": F("grid__name"), "building_code": F("building__code")},
    ),
    "buildings": Listing(
        model=Building, noun="building", title="楼栋",
        cells=(
            *GRID,
            _imported("building", attrgetter("code")),
            Cell("名称", attrgetter("name"), 20),
            LON, LAT,
            Cell("层数", attrgetter("floors"), 8),
            Cell("单元数", attrgetter("units"), 8),
            Cell("已定位", lambda b: xlsx.yes_no(b.located), 8),
        ),
        order=("code",),
        annotations={
            "grid_name": F("grid__name"),
            # Located: the outline is drawn. Asked of the database, so that no outline
            # (GeoJSON, often kilobytes) is read just to see it is there.
            "located": ExpressionWrapper(Q(footprint__isnull=False), BooleanField()),
        },
        deferred=("footprint",),
    ),
    "places": Listing(
        model=Place, noun="place", title="场所",
        cells=(
            *GRID,
            Cell("名称", attrgetter("name"), 24),
            Cell("类型", lambda p: xlsx.display(PlaceKind, p.kind), 12),
            _imported("address", _text("address")),
            LON, LAT,
        ),
        order=("grid_code", "name", "id"),
    ),
    "components": Listing(
        model=Component, noun="component", title="部件",
        cells=(
            *GRID,
            Cell("部件标识码", attrgetter("code"), 20),
            Cell("名称", attrgetter("name"), 20),
            Cell("大类", lambda c: xlsx.display(ComponentMajor, c.major), 16),
            Cell("小类", attrgetter("minor"), 8),
            LON, LAT,
        ),
        order=("code",),
    ),
    "organisations": Listing(
        model=Organisation, noun="organisation", title="组织",
        cells=(
            *GRID,
            Cell("名称", attrgetter("name"), 28),
            Cell("类型", lambda o: xlsx.display(OrganisationKind, o.kind), 14),
            Cell("统一社会信用代码", _text("credit_code"), 22),
            _imported("address", _text("address")),
            Cell("联系人", _text("contact_name"), 12),
            # Masked, as the list shows it: the full number is only ever revealed.
            _imported("phone", _text("phone_masked")),
        ),
        order=("grid_code", "name", "id"),
        deferred=("phone_enc",),
    ),
}  # fmt: skip


def listed(kind: str, user: Any, *, grid: str = "", address: str = "") -> QuerySet[Any]:
    """The rows of a list page: in the user's scope, under `grid`, whose address holds
    `address`, in the page's order. The filters come checked (by the page's form, or by
    `checked_filters`)."""
    spec = LISTS[kind]
    qs = spec.model.objects.visible_to(user)
    if grid:
        low, high = codelib.subtree_range(grid)
        qs = qs.filter(grid_code__gte=low, grid_code__lt=high)
    if address:
        qs = qs.filter(address__contains=address)
    return qs.order_by(*spec.order)


def checked_filters(kind: str, actor: Any, params: Any) -> dict[str, str]:
    """The list's filters from `params` (other keys are ignored), refused as its page
    refuses them: a grid that is not a current grid of the actor's → 404."""
    values = {name: str(params.get(name) or "").strip() for name in LISTS[kind].filters}
    grid = values.get("grid", "")
    if grid and not (
        Grid.objects.current().visible_to(actor).filter(code=grid, network__slug=NETWORK).exists()
    ):
        raise NotFound(_("No grid with code %(code)s.") % {"code": grid}, field="grid")
    if len(values.get("address", "")) > ADDRESS_MAX:
        raise ServiceError(
            "too_long", _("Too long: at most %(limit)s characters.") % {"limit": ADDRESS_MAX},
            field="address", status=422,
        )  # fmt: skip
    return values


def export(
    *,
    actor: Any,
    kind: str,
    params: Any,
    channel: str = "export",
    limit: int | None = EXPORT_MAX_ROWS,
) -> tuple[bytes, int]:
    """The list `kind` as its page lists it for the actor, filtered by `params`, as xlsx.
    Returns (file, rows).

    Refuses (ServiceError) an unknown kind (404), an actor with no grid at all (403), a
    grid outside their scope (404), and more than `limit` rows (422).
    """
    spec = LISTS.get(kind)
    if spec is None:
        raise NotFound(_("Not found."))
    if not Grid.objects.visible_to(actor).exists():
        raise Forbidden(_("You hold no role on any grid yet. Ask an administrator to assign you."))
    filters = checked_filters(kind, actor, params)
    qs = listed(kind, actor, **filters).annotate(**spec.annotations)
    if spec.deferred:
        qs = qs.defer(*spec.deferred)
    if limit is not None:
        qs = qs[: limit + 1]
    n = 0

    def rows() -> Any:
        nonlocal n
        for obj in qs.iterator(chunk_size=2000):
            n += 1
            if limit is not None and n > limit:
                raise ServiceError(
                    "too_many_rows",
                    _("More than %(max)s rows match; narrow the filters.") % {"max": f"{limit:,}"},
                    status=422,
                )
            yield spec.row(obj)

    with transaction.atomic():
        data = xlsx.write_rows(spec.headers, rows(), spec.title, spec.widths)
        audit.record(
            actor=actor, action=f"{spec.noun}.export", object_type="export",
            object_key=timezone.now().strftime("%Y%m%d%H%M%S"),
            after={"rows": n, **filters, "channel": channel},
        )  # fmt: skip
    return data, n
