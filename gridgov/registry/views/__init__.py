"""Registry pages: residents, households, places, components, organisations, the access log
and the 四清 panel of a grid.

Thin (STYLE.md "Views and API"): parse, find the object within the person's scope (404
outside it), check the right (403), call registry.services, respond. Personal data appears
masked; the full value only in the answer to a reveal, which `services.reveal` logs.

The resident search is POSTed, not sent as a query string: what is typed may be a full ID
number or phone, and those never go into a URL (server logs keep URLs).

The package: `common` (what every page shares: scope, forms, history, registration),
`listings` (the list pages and the access log), `residents`, `households` and `tags` (their
pages), `records` (the pages of buildings, places, components and organisations, one
`Record` each) and `panel` (the 四清 panel).
"""

from .common import ACTIONS, GET_POST, NETWORK, SECTIONS
from .households import household_detail, household_new
from .listings import (
    EXPORT_FIELDS,
    PAGE_SIZE,
    access_log,
    household_list,
    record_list,
    resident_list,
)
from .panel import MEASURES, grid_completeness
from .records import RECORDS, Record, record_detail, record_edit, record_new
from .residents import (
    household_pick,
    resident_detail,
    resident_edit,
    resident_move,
    resident_new,
    resident_reveal,
)
from .tags import household_tag, resident_tag, tag_fields, tag_review

__all__ = [
    "ACTIONS",
    "EXPORT_FIELDS",
    "GET_POST",
    "MEASURES",
    "NETWORK",
    "PAGE_SIZE",
    "RECORDS",
    "SECTIONS",
    "Record",
    "access_log",
    "grid_completeness",
    "household_detail",
    "household_list",
    "household_new",
    "household_pick",
    "household_tag",
    "record_detail",
    "record_edit",
    "record_list",
    "record_new",
    "resident_detail",
    "resident_edit",
    "resident_list",
    "resident_move",
    "resident_new",
    "resident_reveal",
    "resident_tag",
    "tag_fields",
    "tag_review",
]
