"""Encryption and keyed hashing of personal data (docs/adr/0005-personal-data.md).

AES-256-GCM with a random 96-bit nonce; the stored token is
"<key-id>$<base64(nonce + ciphertext)>" so that a key rotation can decrypt old rows while
new ones use the newest key. Lookups go through an HMAC-SHA256 of the normalised value
under a key derived separately, so equal values are findable without decryption. The
lookup key has a secret of its own (FIELD_LOOKUP_KEY), by default the oldest field secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


class DecryptionError(ValueError):
    pass


# What crypto.encrypt puts before the "$": 8 hex digits of a hash of the key.
_KEY_ID = re.compile(r"[0-9a-f]{8}")


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


def current_key() -> tuple[str, bytes]:
    """The id and the AES key that `encrypt` uses now, for bulk encryption that must give
    what it gives (the demo seed's worker process)."""
    key = _derive(settings.FIELD_ENCRYPTION_KEYS[0], b"encrypt")
    return hashlib.sha256(key).hexdigest()[:8], key


def encrypt(plain: str) -> str:
    key_id, aead = _current()[0]
    nonce = os.urandom(12)
    blob = nonce + aead.encrypt(nonce, plain.encode(), None)
    return f"{key_id}${base64.b64encode(blob).decode()}"


def decrypt(token: str) -> str:
    key_id, _, body = token.partition("$")
    if not _KEY_ID.fullmatch(key_id):
        # Not echoed: it may be a plain value stored by mistake.
        raise DecryptionError("not an encrypted value (no key id)")
    for kid, aead in _current():
        if kid == key_id:
            # A damaged or forged token is a DecryptionError, like an unknown key.
            try:
                blob = base64.b64decode(body, validate=True)
                return aead.decrypt(blob[:12], blob[12:], None).decode()
            except (ValueError, InvalidTag):
                raise DecryptionError(f"token under key {key_id} is damaged") from None
    raise DecryptionError(f"no key {key_id} among the configured keys")


def key_id(token: str) -> str:
    """The id of the key a token was made under; "" when it has none."""
    kid, sep, _ = token.partition("$")
    return kid if sep and _KEY_ID.fullmatch(kid) else ""


def key_ids() -> list[str]:
    """The ids of the configured encryption keys, newest first."""
    return [kid for kid, _ in _current()]


def reencrypt(token: str) -> str:
    """The token under the newest key: itself when it already is, else a new encryption.

    Raises DecryptionError for a damaged token or one under a key no longer configured.
    """
    if key_id(token) == _current()[0][0]:
        return token
    return encrypt(decrypt(token))


@lru_cache(maxsize=8)
def _hash_key(secret: str) -> bytes:
    return _derive(secret, b"lookup-hash")


def lookup_key_pinned() -> bool:
    """Whether the lookup key has a secret of its own rather than the oldest field secret."""
    return bool(settings.FIELD_LOOKUP_KEY)


def lookup_key() -> bytes:
    """The HMAC key of lookup_hash.

    The secret is FIELD_LOOKUP_KEY, or else the oldest field secret, so that hashes stay
    valid while a new field secret is put in front; removing that oldest secret without
    pinning it as FIELD_LOOKUP_KEY would change every hash (ADR 0005, "Rotation").
    """
    return _hash_key(settings.FIELD_LOOKUP_KEY or settings.FIELD_ENCRYPTION_KEYS[-1])


def lookup_key_id() -> str:
    """A short id of the lookup key, for reports (as key ids are for encryption keys)."""
    return hashlib.sha256(lookup_key()).hexdigest()[:8]


def lookup_hash(value: str) -> str:
    """Keyed hash of the normalised value for equality lookups (see lookup_key)."""
    return hmac.new(lookup_key(), value.strip().upper().encode(), hashlib.sha256).hexdigest()[:40]
