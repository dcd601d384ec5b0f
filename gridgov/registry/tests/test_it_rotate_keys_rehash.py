"""gridgov rotate_keys --rehash: after a change of the lookup key, search by ID number and
phone works again; all residents or none."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError
from django.db import transaction

from gridgov.core.errors import ServiceError
from gridgov.core.lib import crypto
from gridgov.core.models import AuditEntry
from gridgov.registry import services
from gridgov.registry.models import Resident

from .keyring import LOOKUP, NEW, OLD, PEOPLE, build, found, hashes, run, under

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def reg(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build(cast)
        transaction.set_rollback(True)


def findable(cast: Any) -> list[list[str]]:
    """What a search by each ID number and each phone finds."""
    return [found(cast, q) for _, number, phone in PEOPLE for q in (number, phone) if q]


EVERYONE = [[name] for name, number, phone in PEOPLE for q in (number, phone) if q]


def test_it_finds_everyone_again_after_the_lookup_key_changed(cast: Any, reg: Any) -> None:
    # Given a lookup key of its own, set after the hashes were made
    with under(OLD, lookup=LOOKUP):
        lookup = crypto.lookup_key_id()
        assert findable(cast) == [[]] * 9
        # When the hashes are recomputed
        output = run("--rehash")
        # Then search by ID number and by phone finds everyone, and a second person with an
        # ID number already registered is refused again
        assert findable(cast) == EVERYONE
        with pytest.raises(ServiceError) as e:
            services.add_resident(
                actor=cast.admin, household=reg.residents[0].household,
                data=services.ResidentIn(name="张三", id_number=PEOPLE[0][1], relation="other"),
            )  # fmt: skip
        assert e.value.code == "already_registered"
        assert hashes() == [
            (r.pk, crypto.lookup_hash(number), crypto.lookup_hash(phone) if phone else "")
            for r, (_, number, phone) in zip(reg.residents, PEOPLE, strict=True)
        ]
    assert output.splitlines() == [
        f"Field keys, newest first: {reg.old_id}",
        f"Lookup key: {lookup}, set by GRIDGOV_LOOKUP_KEY",
        f"Rewrote the lookup hashes of 5 of 5 residents under lookup key {lookup}.",
    ]
    entry = AuditEntry.objects.get(action="personal_data.rehash")
    assert (entry.object_key, entry.after) == (lookup, {"residents": 5})


def test_it_writes_nothing_when_the_hashes_already_match(reg: Any) -> None:
    with under(OLD, lookup=LOOKUP):
        lookup = crypto.lookup_key_id()
        run("--rehash")
        after_first = hashes()
        output = run("--rehash")
    assert hashes() == after_first
    assert output.splitlines()[2:] == [
        f"All 5 residents' lookup hashes already match lookup key {lookup}: nothing written."
    ]
    assert AuditEntry.objects.filter(action="personal_data.rehash").count() == 1


def test_it_repairs_lookups_broken_by_removing_the_unpinned_oldest_secret(
    cast: Any, reg: Any
) -> None:
    with under(NEW, OLD):
        run()
    # Given the old secret removed without pinning it: every hash is under the wrong key
    with under(NEW):
        assert findable(cast) == [[]] * 9
        run("--rehash")
        assert findable(cast) == EVERYONE


def test_it_refuses_and_writes_nothing_when_a_value_cannot_be_read(reg: Any) -> None:
    wang = reg.residents[2].pk
    Resident.objects.filter(pk=wang).update(phone_enc="0badc0de$AAAA")
    with under(OLD, lookup=LOOKUP), pytest.raises(CommandError) as e:
        run("--rehash")
    assert e.value.output.splitlines()[2:] == [  # type: ignore[attr-defined]
        f"registry_resident.phone_enc row {wang}: unknown key id 0badc0de (not among the"
        " configured keys)"
    ]
    assert str(e.value) == (
        "nothing was written: every ID number and phone must be readable and every ID number"
        " held by one resident only (rows listed above)"
    )
    assert hashes() == reg.hashes


def test_it_refuses_and_writes_nothing_when_two_residents_share_an_id_number(
    reg: Any,
) -> None:
    # Given 李四 given 张三's ID number while lookups were broken (the hash did not match)
    zhang, li = reg.residents[0].pk, reg.residents[1].pk
    with under(OLD):
        Resident.objects.filter(pk=li).update(
            id_number_enc=crypto.encrypt(PEOPLE[0][1]), id_number_hash="0" * 40
        )
    before = hashes()
    with under(OLD, lookup=LOOKUP), pytest.raises(CommandError) as e:
        run("--rehash")
    assert e.value.output.splitlines()[2:] == [  # type: ignore[attr-defined]
        f"registry_resident rows {zhang} and {li}: the same ID number"
    ]
    assert hashes() == before
