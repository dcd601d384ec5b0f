"""gridgov.core.lib.crypto: field encryption, lookup hashes and key rotation."""

from __future__ import annotations

from typing import Any

import pytest

from gridgov.core.lib import crypto

OLD = "old-secret-for-tests-0000000000000000"
NEW = "new-secret-for-tests-1111111111111111"
ID_NUMBER = "64040219900517123X"


@pytest.fixture
def old_key(settings: Any) -> Any:
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    return settings


def test_it_round_trips_a_value(old_key: Any) -> None:
    token = crypto.encrypt(ID_NUMBER)
    assert crypto.decrypt(token) == ID_NUMBER
    assert crypto.decrypt(crypto.encrypt("张三 13900000000")) == "张三 13900000000"
    assert crypto.decrypt(crypto.encrypt("")) == ""


def test_it_never_stores_the_plain_value(old_key: Any) -> None:
    token = crypto.encrypt(ID_NUMBER)
    assert ID_NUMBER not in token
    key_id, sep, body = token.partition("$")
    assert (len(key_id), sep) == (8, "$")
    # 12-byte nonce + 18-byte text + 16-byte tag, base64: 4 * ceil(46 / 3)
    assert len(body) == 64


def test_it_gives_different_tokens_for_the_same_value(old_key: Any) -> None:
    tokens = {crypto.encrypt(ID_NUMBER) for _ in range(20)}
    assert len(tokens) == 20
    assert {crypto.decrypt(t) for t in tokens} == {ID_NUMBER}


def test_it_keeps_the_lookup_hash_stable_and_normalised(old_key: Any) -> None:
    h = crypto.lookup_hash(ID_NUMBER)
    assert len(h) == 40
    assert crypto.lookup_hash(ID_NUMBER) == h
    assert crypto.lookup_hash(" 64040219900517123x\n") == h
    assert crypto.lookup_hash("64040219900517123") != h
    assert crypto.lookup_hash("64040219900517123 X") != h


def test_it_hashes_differently_under_another_key(settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    under_old = crypto.lookup_hash(ID_NUMBER)
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert crypto.lookup_hash(ID_NUMBER) != under_old


def test_it_decrypts_old_tokens_after_a_key_rotation(settings: Any) -> None:
    # Given a token and a hash made under the old key alone
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    old_token = crypto.encrypt(ID_NUMBER)
    old_hash = crypto.lookup_hash(ID_NUMBER)
    # When the new key is put in front
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    # Then the old token still decrypts, new tokens use the new key, hashes are unchanged
    assert crypto.decrypt(old_token) == ID_NUMBER
    new_token = crypto.encrypt(ID_NUMBER)
    assert new_token.split("$")[0] != old_token.split("$")[0]
    assert crypto.decrypt(new_token) == ID_NUMBER
    assert crypto.lookup_hash(ID_NUMBER) == old_hash
    # And once the old key is gone, its tokens can no longer be read
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(old_token)
    assert crypto.decrypt(new_token) == ID_NUMBER


def test_it_refuses_a_tampered_token(old_key: Any) -> None:
    token = crypto.encrypt(ID_NUMBER)
    key_id, _, body = token.partition("$")
    flipped = body[:20] + ("A" if body[20] != "A" else "B") + body[21:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{key_id}${flipped}")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{key_id}$not base64!")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("no-dollar-sign")
