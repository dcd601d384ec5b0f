"""gridgov rotate_keys: every value moves under the newest key, batch by batch, and stays
readable and findable once the old secret is gone (docs/adr/0005-personal-data.md)."""

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
from gridgov.registry import imports, services
from gridgov.registry.models import ImportJob, Organisation, Resident

from .keyring import (
    ERRORS,
    NEW,
    OLD,
    PEOPLE,
    UPLOAD,
    build,
    found,
    hashes,
    key_ids_in_use,
    plain,
    run,
    tokens,
    under,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def reg(cast: Any, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build(cast)
        transaction.set_rollback(True)


def report(reg: Any, lookup: str, counts: tuple[int, ...], total: int) -> str:
    labels = [
        "registry_resident.id_number_enc", "registry_resident.phone_enc",
        "registry_organisation.phone_enc", "registry_importjob.content_enc",
        "registry_importjob.error_file_enc", "registry_tag.details",
    ]  # fmt: skip
    return "".join(
        [
            f"Field keys, newest first: {reg.new_id}, {reg.old_id}\n",
            f"Lookup key: {lookup}\n",
            *(f"{label}: {n} re-encrypted\n" for label, n in zip(labels, counts, strict=True)),
            f"{total} values re-encrypted under key {reg.new_id}.\n",
        ]
    )


def test_it_moves_every_value_under_the_new_key_unchanged(reg: Any) -> None:
    # Given 13 values under the old key, and the new key put in front, the old one pinned
    with under(NEW, OLD, lookup=OLD):
        before = plain()
        lookup = f"{crypto.lookup_key_id()}, set by GRIDGOV_LOOKUP_KEY"
        # When the command runs, two values per transaction
        output = run("--batch-size", "2")
        # Then every value is under the new key, and reads as before
        assert key_ids_in_use() == {reg.new_id: 13}
        assert plain() == before
    # And the lookup hashes were left alone
    assert hashes() == reg.hashes
    assert output == report(reg, lookup, (5, 4, 1, 1, 1, 1), 13) + (
        "Run `gridgov rotate_keys --check` before removing an older secret.\n"
    )
    entry = AuditEntry.objects.get(action="personal_data.reencrypt")
    assert (entry.actor, entry.object_key) == (None, reg.new_id)
    assert entry.after == {
        "registry_resident.id_number_enc": 5, "registry_resident.phone_enc": 4,
        "registry_organisation.phone_enc": 1, "registry_importjob.content_enc": 1,
        "registry_importjob.error_file_enc": 1, "registry_tag.details": 1,
    }  # fmt: skip


def test_it_keeps_everything_readable_and_findable_without_the_old_secret(
    cast: Any, reg: Any
) -> None:
    with under(NEW, OLD, lookup=OLD):
        run()
    # When the old secret is removed from the field keys, but stays the lookup key
    with under(NEW, lookup=OLD):
        # Then search by ID number and by phone still finds the residents
        for name, number, phone in PEOPLE:
            assert found(cast, number) == [name]
            if phone:
                assert found(cast, phone) == [name]
        zhang = Resident.objects.get(pk=reg.residents[0].pk)
        shown = services.reveal(actor=cast.admin, resident=zhang, field="phone", reason="核实")
        assert shown == PEOPLE[0][2]
        assert crypto.decrypt(Organisation.objects.get(pk=reg.org.pk).phone_enc) == "13500004444"
        job = ImportJob.objects.get(pk=reg.job.pk)
        assert (imports.unseal(job.content_enc), imports.unseal(job.error_file_enc)) == (
            UPLOAD, ERRORS,
        )  # fmt: skip
        # And registering an ID number twice is still refused
        with pytest.raises(ServiceError) as e:
            services.add_resident(
                actor=cast.admin, household=zhang.household,
                data=services.ResidentIn(name="张三", id_number=PEOPLE[0][1], relation="other"),
            )  # fmt: skip
        assert e.value.code == "already_registered"


def test_it_changes_nothing_when_run_again(reg: Any) -> None:
    with under(NEW, OLD, lookup=OLD):
        run()
        after_first = tokens()
        output = run()
    assert tokens() == after_first
    assert output.splitlines()[2:] == [
        f"Nothing to re-encrypt: every value is under the newest key {reg.new_id}."
    ]
    assert AuditEntry.objects.filter(action="personal_data.reencrypt").count() == 1


def test_it_continues_where_an_interrupted_run_stopped(
    reg: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = crypto.reencrypt

    def power_cut_at_the_fourth(token: str) -> str:
        calls.append(token)
        if len(calls) == 4:
            raise RuntimeError("power cut")
        return real(token)

    with under(NEW, OLD, lookup=OLD):
        before = plain()
        lookup = f"{crypto.lookup_key_id()}, set by GRIDGOV_LOOKUP_KEY"
        monkeypatch.setattr(crypto, "reencrypt", power_cut_at_the_fourth)
        # Given a run stopped in its second batch of two
        with pytest.raises(RuntimeError):
            run("--batch-size", "2")
        # Then the first batch is under the new key, the second not at all
        done = {k for k, t in tokens().items() if crypto.key_id(t) == reg.new_id}
        assert done == {f"registry_resident.id_number_enc {r.pk}" for r in reg.residents[:2]}
        monkeypatch.undo()
        # When it runs again, it does the rest
        output = run("--batch-size", "2")
        assert key_ids_in_use() == {reg.new_id: 13}
        assert plain() == before
    assert output == report(reg, lookup, (3, 4, 1, 1, 1, 1), 11) + (
        "Run `gridgov rotate_keys --check` before removing an older secret.\n"
    )


def damage(token: str) -> str:
    """The token with one character of its ciphertext changed: its tag no longer checks."""
    key_id, _, body = token.partition("$")
    return f"{key_id}${body[:20]}{'A' if body[20] != 'A' else 'B'}{body[21:]}"


def test_it_reports_a_damaged_token_and_writes_nothing_of_its_batch(reg: Any) -> None:
    # Given the phone of 王五 damaged: phones go in batches of two, 张三 with 王五
    zhang, wang, zhao, sun = (reg.residents[i].pk for i in (0, 2, 3, 4))
    Resident.objects.filter(pk=wang).update(phone_enc=damage(reg.residents[2].phone_enc))
    before = tokens()
    # When the command runs
    with under(NEW, OLD, lookup=OLD), pytest.raises(CommandError) as e:
        run("--batch-size", "2")
    # Then it names the row and the batch it left as it was
    assert e.value.output.splitlines()[2:4] == [  # type: ignore[attr-defined]
        f"registry_resident.phone_enc row {wang}: damaged token under key {reg.old_id}",
        f"registry_resident.phone_enc rows {zhang}-{wang}: batch of 2 values left unchanged",
    ]
    assert str(e.value) == (
        "1 value cannot be decrypted; their batches (2 values) were left as they were. Restore"
        " the secret they were made under or correct those rows, then run again."
    )
    # And nothing of that batch was written, everything else was
    after = tokens()
    phone = "registry_resident.phone_enc {}".format
    assert [after[phone(pk)] for pk in (zhang, wang)] == [before[phone(pk)] for pk in (zhang, wang)]
    assert key_ids_in_use() == {reg.new_id: 11, reg.old_id: 2}
    assert {crypto.key_id(after[phone(pk)]) for pk in (zhao, sun)} == {reg.new_id}


def test_it_reports_a_value_under_a_key_that_is_not_configured(reg: Any) -> None:
    # Given the organisation's phone under a key nobody configured
    Organisation.objects.filter(pk=reg.org.pk).update(phone_enc="0badc0de$AAAA")
    with under(NEW, OLD, lookup=OLD), pytest.raises(CommandError) as e:
        run()
    assert e.value.output.splitlines()[2:4] == [  # type: ignore[attr-defined]
        f"registry_organisation.phone_enc row {reg.org.pk}: unknown key id 0badc0de"
        " (not among the configured keys)",
        f"registry_organisation.phone_enc rows {reg.org.pk}-{reg.org.pk}: batch of 1 value"
        " left unchanged",
    ]
    assert Organisation.objects.get(pk=reg.org.pk).phone_enc == "0badc0de$AAAA"
    assert key_ids_in_use() == {reg.new_id: 12, "0badc0de": 1}
