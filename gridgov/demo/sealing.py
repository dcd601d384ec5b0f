"""Encrypting and hashing the demo's ID numbers and phones in bulk, here or in a worker
process beside the seed.

`Sealer` gives exactly what `crypto.encrypt` and `crypto.lookup_hash` give, for many values
at once. Performance: per value, `crypto.encrypt` looks its key up in the settings, calls
os.urandom and goes through the base64 module, and `hmac.new` sets up a fresh OpenSSL HMAC
(≈1.4 µs); with ~5 encryptions and ~5 hashes per household that was a third of the seed.
Even batched it is an eighth of it, and the seed's other half (SQLite) cannot use a second
core: `SealerPool` hands the sealing to a worker process while the seed goes on. A worker
gets the raw keys from the parent, so it needs no Django settings of its own and seals
under exactly the keys the parent checked.
"""

from __future__ import annotations

import binascii
import hashlib
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from gridgov.core.lib import crypto

# Encrypted ID numbers, their hashes, encrypted phones, their hashes.
Sealed = tuple[list[str], list[str], list[str], list[str]]


class Sealer:
    def __init__(self, key_id: str, key: bytes, lookup_key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._encrypt = AESGCM(key).encrypt
        self._prefix = f"{key_id}$"
        # HMAC-SHA256 (RFC 2104) with the key's inner and outer pads hashed once: each
        # value then costs two state copies instead of a new HMAC context.
        padded = lookup_key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    @classmethod
    def from_settings(cls) -> Sealer:
        """Under the configured keys, checked against crypto's own functions once."""
        sealer = cls(*keys())
        probe = "64040219800101001X"
        if (
            sealer.hash_many([probe.encode()]) != [crypto.lookup_hash(probe)]
            or crypto.decrypt(sealer.encrypt_many([probe.encode()])[0]) != probe
        ):
            raise RuntimeError("the demo's batch encryption no longer matches gridgov crypto")
        return sealer

    def encrypt_many(self, values: list[bytes]) -> list[str]:
        """Tokens as crypto.encrypt makes them: "<key-id>$<base64(nonce + ciphertext)>"."""
        pool = os.urandom(12 * len(values))  # one call for all the random nonces
        nonces = [pool[i : i + 12] for i in range(0, len(pool), 12)]
        encrypt, prefix, b64 = self._encrypt, self._prefix, binascii.b2a_base64
        return [
            prefix + b64(nonce + encrypt(nonce, value, None), newline=False).decode()
            for nonce, value in zip(nonces, values, strict=True)
        ]

    def hash_many(self, values: list[bytes]) -> list[str]:
        """crypto.lookup_hash of values already stripped and upper-case (as ours are)."""
        inner, outer = self._inner.copy, self._outer.copy
        out = []
        for value in values:
            h = inner()
            h.update(value)
            o = outer()
            o.update(h.digest())
            out.append(o.hexdigest()[:40])
        return out

    def seal(self, ids: list[bytes], phones: list[bytes]) -> Sealed:
        return (
            self.encrypt_many(ids), self.hash_many(ids),
            self.encrypt_many(phones), self.hash_many(phones),
        )  # fmt: skip


def keys() -> tuple[str, bytes, bytes]:
    """(key id, AES key, lookup-hash key) as crypto uses them now."""
    key_id, key = crypto.current_key()
    return key_id, key, crypto.lookup_key()


_worker: Sealer | None = None


def _start_worker(key_id: str, key: bytes, lookup_key: bytes) -> None:
    global _worker
    _worker = Sealer(key_id, key, lookup_key)


def _seal_in_worker(ids: list[bytes], phones: list[bytes]) -> Sealed:
    assert _worker is not None
    return _worker.seal(ids, phones)


class SealerPool:
    """Seals batches in one worker process (`workers=1`) or here, at once (`workers=0`).

    The worker is forked where the system can (it starts at once, and does not import the
    caller's main script again as a spawned one would); it only ever seals what it is
    sent, never touches the database connection it inherits, and ends with os._exit.
    Elsewhere it is spawned.
    """

    def __init__(self, sealer: Sealer, workers: int) -> None:
        self._sealer = sealer
        self._pool: ProcessPoolExecutor | None = None
        if workers:
            methods = multiprocessing.get_all_start_methods()
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("fork" if "fork" in methods else "spawn"),
                initializer=_start_worker,
                initargs=keys(),
            )

    def submit(self, ids: list[bytes], phones: list[bytes]) -> Future[Sealed]:
        if self._pool is not None:
            return self._pool.submit(_seal_in_worker, ids, phones)
        done: Future[Sealed] = Future()
        done.set_result(self._sealer.seal(ids, phones))
        return done

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
