"""Bulk import and export of the registry (R-REG-5): the engine behind the page, the command
line and the background task.

An import reads the whole sheet, checks every row (with the registry's own validators,
`services._checked`, `identity`, `phone_fields`), then in ONE transaction checks the rows
against the registry (grids in scope, households, people already registered) and writes them
in batches (bulk_create / bulk_update) — or writes nothing: with mode "all", any problem
rejects the file; with mode "valid", the rows with problems are left out and come back in
the error workbook. Re-importing the same file changes nothing: households are matched by
grid + address + unit + room, residents by the lookup hash of their document number,
attention tags by who they are on (a resident by that hash, a household by its number) +
kind + start date, and rows equal to what is stored are not written. A person or household
outside the importer's area is "not found", like one registered nowhere.

The audit trail gets one AuditEntry per import with the counts (not one per row); every
resident who moves in gets a ResidentEvent. Exports mask ID numbers and phones unless the
exporter holds personal.reveal and gives a reason: each unmasked row then writes an
AccessLog row (who, whose, why), like `services.reveal`.

The package: `engine` runs an import (`run_import`); `households`, `residents` and `tags`
check and write the rows of each kind, with `checks` (reading a row's cells) and `bulk`
(batched writes, grids and households looked up); `jobs` queues and runs uploads,
`export` writes the residents' export, and `actors` says who imports.
"""

from .actors import SYSTEM, SystemActor, may_import
from .bulk import LOOKUP_CHUNK, WRITE_BATCH, Progress, insert
from .checks import Vocab
from .engine import Outcome, run_import
from .export import EXPORT_MAX_ROWS, export_residents
from .households import HouseholdRow, check_household
from .jobs import PAGE_PROBLEMS, create_job, purge, run_job, seal, unseal
from .residents import FIELD_KEYS, RESIDENT_FIELDS, ResidentRow, check_resident
from .tags import DETAIL_KEYS, TagRow, check_tag

__all__ = [
    "DETAIL_KEYS",
    "EXPORT_MAX_ROWS",
    "FIELD_KEYS",
    "LOOKUP_CHUNK",
    "PAGE_PROBLEMS",
    "RESIDENT_FIELDS",
    "SYSTEM",
    "WRITE_BATCH",
    "HouseholdRow",
    "Outcome",
    "Progress",
    "ResidentRow",
    "SystemActor",
    "TagRow",
    "Vocab",
    "check_household",
    "check_resident",
    "check_tag",
    "create_job",
    "export_residents",
    "insert",
    "may_import",
    "purge",
    "run_import",
    "run_job",
    "seal",
    "unseal",
]
