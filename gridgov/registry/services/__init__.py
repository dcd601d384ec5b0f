"""Every change to the registry: one action, one transaction, one audit row.

Audit rows carry ids and masked values only (DESIGN idea 6); unmasked reads go through
`reveal`, which needs its own right and a reason and writes an AccessLog row.

The package: `common` (the right on a grid, the grid records are filed under, refusals),
`personal` (identity documents, phones, `reveal`), one module per kind of record —
`households`, `residents`, `tags`, `places`, `components`, `organisations`, `buildings` —
and `located` (what the located records share: the point in its grid, saving corrections).
"""

from .buildings import BuildingIn, register_building, update_building
from .common import _choices, _invalid, grid_for_registry, require
from .components import register_component, update_component
from .households import check_member_counts, floor_problem, register_household
from .organisations import register_organisation, update_organisation
from .personal import Identity, identity, phone_fields, reveal
from .places import register_place, update_place
from .residents import (
    ResidentIn,
    _checked,
    add_resident,
    known_person,
    move_resident,
    update_resident,
    update_resident_keeping,
)
from .tags import (
    PHONE,
    TAG_DETAILS,
    _details,
    add_tag,
    number_in_text,
    review_tag,
    same_details,
    shown_details,
)

__all__ = [
    "PHONE",
    "TAG_DETAILS",
    "BuildingIn",
    "Identity",
    "ResidentIn",
    "_checked",
    "_choices",
    "_details",
    "_invalid",
    "add_resident",
    "add_tag",
    "check_member_counts",
    "floor_problem",
    "grid_for_registry",
    "identity",
    "known_person",
    "move_resident",
    "number_in_text",
    "phone_fields",
    "register_building",
    "register_component",
    "register_household",
    "register_organisation",
    "register_place",
    "require",
    "reveal",
    "review_tag",
    "same_details",
    "shown_details",
    "update_building",
    "update_component",
    "update_organisation",
    "update_place",
    "update_resident",
    "update_resident_keeping",
]
