"""Encryption and keyed hashing of personal data (docs/adr/0005-personal-data.md).

AES-256-GCM with a random 96-bit nonce; the stored token is
"<key-id>$<base64(nonce + ciphertext)>" so that a key rotation can decrypt old rows while
new ones use the newest key. Lookups go through an HMAC-SHA256 of the normalised value
under a key derived separately, so equal values are findable without decryption.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


class DecryptionError(ValueError):
    pass


def _derive(secret: str, purpose: bytes) -> bytes:
    return hmac.new(secret.encode(), b"gridgov:" + purpose, hashlib.sha256).digest()


@lru_cache(maxsize=8)
def _keys(secrets: tuple[str, ...]) -> tuple[tuple[str, AESGCM], ...]:
    out = []
    for s in secrets:
        key = _derive(s, b"encrypt")
        key_id = hashlib.sha256(key).hexdigest()[:8]
        out.append((key_id, AESGCM(key)))
    return tuple(out)


def _current() -> tuple[tuple[str, AESGCM], ...]:
    return _keys(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plain: str) -> str:
    key_id, aead = _current()[0]
    nonce = os.urandom(12)
    blob = nonce + aead.encrypt(nonce, plain.encode(), None)
    return f"{key_id}${base64.b64encode(blob).decode()}"


def decrypt(token: str) -> str:
    key_id, _, body = token.partition("$")
    for kid, aead in _current():
        if kid == key_id:
            # A damaged or forged token is a DecryptionError, like an unknown key.
            try:
                blob = base64.b64decode(body, validate=True)
                return aead.decrypt(blob[:12], blob[12:], None).decode()
            except (ValueError, InvalidTag):
                raise DecryptionError(f"token under key {key_id} is damaged") from None
    raise DecryptionError(f"no key {key_id} among the configured keys")


@lru_cache(maxsize=8)
def _hash_key(secret: str) -> bytes:
    return _derive(secret, b"lookup-hash")


def lookup_hash(value: str) -> str:
    """Keyed hash for equality lookups. Uses the oldest key so rotation keeps hashes."""
    key = _hash_key(settings.FIELD_ENCRYPTION_KEYS[-1])
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()[:40]
