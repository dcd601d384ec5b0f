"""gridgov.core.lib.crypto: key ids, re-encryption and the lookup key, for key rotation."""

from __future__ import annotations

import pytest
from django.test import override_settings

from gridgov.core.lib import crypto

OLD = "old-secret-for-tests-0000000000000000"
NEW = "new-secret-for-tests-1111111111111111"
LOOKUP = "lookup-secret-for-tests-222222222222"
ID_NUMBER = "64040219900517123X"


def under(*keys: str, lookup: str = "") -> override_settings:
    return override_settings(FIELD_ENCRYPTION_KEYS=list(keys), FIELD_LOOKUP_KEY=lookup)


def test_it_names_the_key_of_a_token() -> None:
    with under(NEW, OLD):
        new_id, old_id = crypto.key_ids()
        assert crypto.key_id(crypto.encrypt(ID_NUMBER)) == new_id
    with under(OLD):
        assert crypto.key_ids() == [old_id]
        assert crypto.key_id(crypto.encrypt(ID_NUMBER)) == old_id
    assert new_id != old_id
    assert crypto.key_id("") == ""
    assert crypto.key_id(ID_NUMBER) == ""
    assert crypto.key_id("NOT-A-ID$abc") == ""


def test_it_reencrypts_under_the_newest_key_only_when_needed() -> None:
    with under(OLD):
        old_token = crypto.encrypt(ID_NUMBER)
    with under(NEW, OLD):
        new_token = crypto.reencrypt(old_token)
        assert crypto.key_id(new_token) == crypto.key_ids()[0]
        assert crypto.decrypt(new_token) == ID_NUMBER
        assert crypto.reencrypt(new_token) is new_token
    with under(NEW):
        assert crypto.decrypt(new_token) == ID_NUMBER
        with pytest.raises(crypto.DecryptionError):
            crypto.reencrypt(old_token)


def test_it_does_not_echo_a_plain_value_in_its_error() -> None:
    with under(OLD), pytest.raises(crypto.DecryptionError) as e:
        crypto.decrypt(ID_NUMBER)
    assert str(e.value) == "not an encrypted value (no key id)"


def test_it_keeps_hashes_when_the_oldest_secret_is_pinned_as_lookup_key() -> None:
    with under(OLD):
        before = crypto.lookup_hash(ID_NUMBER), crypto.lookup_key_id()
        assert not crypto.lookup_key_pinned()
    with under(NEW, OLD):
        assert (crypto.lookup_hash(ID_NUMBER), crypto.lookup_key_id()) == before
    # The trap: without the pin, dropping the oldest secret changes every hash.
    with under(NEW):
        assert crypto.lookup_hash(ID_NUMBER) != before[0]
    with under(NEW, lookup=OLD):
        assert crypto.lookup_key_pinned()
        assert (crypto.lookup_hash(ID_NUMBER), crypto.lookup_key_id()) == before


def test_it_hashes_under_a_lookup_key_of_its_own() -> None:
    with under(OLD):
        default = crypto.lookup_hash(ID_NUMBER)
    with under(OLD, lookup=LOOKUP):
        own = crypto.lookup_hash(ID_NUMBER)
        assert crypto.lookup_hash(f" {ID_NUMBER.lower()} ") == own
    with under(NEW, lookup=LOOKUP):
        assert crypto.lookup_hash(ID_NUMBER) == own
    assert own != default
