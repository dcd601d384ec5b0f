"""gridgov rotate_keys --check: values per key, hashes against the lookup key, and whether
the old secret may go; it changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError
from django.db import transaction

from gridgov.core.lib import crypto
from gridgov.registry.models import Resident

from .keyring import LOOKUP, NEW, OLD, build, run, tokens, under

pytestmark = pytest.mark.django_db

W = len("registry_importjob.error_file_enc")


@pytest.fixture(scope="module")
def reg(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build(cast)
        transaction.set_rollback(True)


def table(ids: list[str], rows: list[tuple[int, ...]], hashes: tuple[int, ...]) -> list[str]:
    """The two tables of the report: values per key id and unreadable; hashes."""
    labels = [
        "registry_resident.id_number_enc", "registry_resident.phone_enc",
        "registry_organisation.phone_enc", "registry_importjob.content_enc",
        "registry_importjob.error_file_enc", "registry_tag.details",
    ]  # fmt: skip
    return [
        "",
        f"{'values':<{W}}" + "".join(f"  {k}" for k in ids) + " unreadable",
        *(
            f"{label:<{W}}" + "".join(f"{n:>10}" for n in row[:-1]) + f"{row[-1]:>11}"
            for label, row in zip(labels, rows, strict=True)
        ),
        "",
        f"{'lookup hashes':<{W}}     match    differ",
        f"{'registry_resident.id_number_hash':<{W}}{hashes[0]:>10}{hashes[1]:>10}",
        f"{'registry_resident.phone_hash':<{W}}{hashes[2]:>10}{hashes[3]:>10}",
        "",
    ]


def test_it_says_what_stands_between_a_rotation_and_removing_the_old_secret(reg: Any) -> None:
    before = tokens()
    # Given the new secret put in front, the lookup key not pinned
    with under(NEW, OLD):
        lookup = crypto.lookup_key_id()
        output = run("--check")
    # Then every value is counted under the old key, and two things are in the way
    assert output.splitlines() == [
        f"Field keys, newest first: {reg.new_id}, {reg.old_id}",
        f"Lookup key: {lookup}, derived from the oldest field secret ({reg.old_id})",
        *table(
            [reg.new_id, reg.old_id],
            [(0, 5, 0), (0, 4, 0), (0, 1, 0), (0, 1, 0), (0, 1, 0), (0, 1, 0)],
            (5, 0, 4, 0),
        ),
        f"NOT safe yet to remove the older secrets ({reg.old_id}):",
        "- 13 values still under older keys: run `gridgov rotate_keys`.",
        f"- The lookup key is derived from the oldest secret ({reg.old_id}): set"
        " GRIDGOV_LOOKUP_KEY to that same secret first (every hash stays valid).",
    ]
    assert tokens() == before


def test_it_says_the_old_secret_may_go_once_all_is_moved_and_the_lookup_key_pinned(
    reg: Any,
) -> None:
    with under(NEW, OLD, lookup=OLD):
        run()
        lookup = crypto.lookup_key_id()
        output = run("--check")
    assert output.splitlines() == [
        f"Field keys, newest first: {reg.new_id}, {reg.old_id}",
        f"Lookup key: {lookup}, set by GRIDGOV_LOOKUP_KEY",
        *table(
            [reg.new_id, reg.old_id],
            [(5, 0, 0), (4, 0, 0), (1, 0, 0), (1, 0, 0), (1, 0, 0), (1, 0, 0)],
            (5, 0, 4, 0),
        ),
        f"Safe to remove the older secrets ({reg.old_id}): keep only the newest in"
        " GRIDGOV_FIELD_KEYS, keep GRIDGOV_LOOKUP_KEY as it is, restart every process, then"
        " run --check again.",
    ]
    # And once it is gone, every value still reads and every hash still matches
    with under(NEW, lookup=OLD):
        output = run("--check")
    assert output.splitlines() == [
        f"Field keys, newest first: {reg.new_id}",
        f"Lookup key: {lookup}, set by GRIDGOV_LOOKUP_KEY",
        *table([reg.new_id], [(5, 0), (4, 0), (1, 0), (1, 0), (1, 0), (1, 0)], (5, 0, 4, 0)),
        f"One field secret is configured ({reg.new_id}): none to remove.",
    ]


def test_it_lists_unreadable_values_and_hashes_under_another_lookup_key(reg: Any) -> None:
    # Given one ID number under a key nobody configured, and a new lookup key
    li = reg.residents[1].pk
    Resident.objects.filter(pk=li).update(id_number_enc="0badc0de$AAAA")
    with under(OLD, lookup=LOOKUP), pytest.raises(CommandError) as e:
        lookup = crypto.lookup_key_id()
        run("--check")
    # Then the row is named, the hashes counted as not matching, and the exit status is 1
    assert e.value.output.splitlines() == [  # type: ignore[attr-defined]
        f"Field keys, newest first: {reg.old_id}",
        f"Lookup key: {lookup}, set by GRIDGOV_LOOKUP_KEY",
        *table([reg.old_id], [(4, 1), (4, 0), (1, 0), (1, 0), (1, 0), (1, 0)], (0, 4, 0, 4)),
        f"registry_resident.id_number_enc row {li}: unknown key id 0badc0de (not among the"
        " configured keys)",
        f"One field secret is configured ({reg.old_id}): none to remove.",
        "- 1 value cannot be decrypted (rows listed above): restore the secret they were made"
        " under, or correct those rows.",
        f"- 8 lookup hashes not matching lookup key {lookup}: restore the previous"
        " GRIDGOV_LOOKUP_KEY, or stop the site and run `gridgov rotate_keys --rehash`.",
    ]
    assert str(e.value) == "some values cannot be read or some lookup hashes do not match"
