"""Seeding with the sealing worker process gives the district seeding without it gives:
same people, ID numbers and phones that decrypt and hash as gridgov's crypto does."""

from __future__ import annotations

import pytest
from django.db import transaction

from gridgov.core.lib import crypto
from gridgov.demo import generate
from gridgov.registry.models import Resident

pytestmark = pytest.mark.django_db


def people() -> list[tuple[str, str, str, str]]:
    return [
        (r.name, crypto.decrypt(r.id_number_enc), r.phone_enc and crypto.decrypt(r.phone_enc),
         r.grid_code)
        for r in Resident.objects.order_by("id")
    ]  # fmt: skip


def seeded(workers: int) -> list[tuple[str, str, str, str]]:
    with transaction.atomic():
        generate.seed(households=1500, seed=5, workers=workers)
        got = people()
        for r in Resident.objects.order_by("id")[:200]:
            assert r.id_number_hash == crypto.lookup_hash(crypto.decrypt(r.id_number_enc))
            if r.phone_enc:
                assert r.phone_hash == crypto.lookup_hash(crypto.decrypt(r.phone_enc))
        transaction.set_rollback(True)
    return got


def test_it_seeds_the_same_people_with_a_sealing_worker() -> None:
    inline, worker = seeded(0), seeded(1)
    assert len(inline) > 3000
    assert worker == inline
