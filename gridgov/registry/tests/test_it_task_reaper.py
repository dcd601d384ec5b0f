"""The periodic reaper of the task queue (registry.tasks.requeue_lost, ADR 0008): huey delivers
a message at most once, so a queued import whose message was lost is sent again, and one no
worker took in a day is failed with a message saying so."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gridgov.registry import imports, tasks
from gridgov.registry.models import ImportJob
from gridgov.registry.tests.sheets import id_number, resident, residents_file

pytestmark = pytest.mark.django_db


def queued(actor: Any, age: dt.timedelta, language: str = "zh-hans") -> ImportJob:
    data = residents_file([resident(name="王五", number=id_number(71))])
    job = imports.create_job(actor=actor, kind="residents", mode="all", filename="q.xlsx",
                             data=data, language=language)  # fmt: skip
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - age)
    return job


def test_it_sends_a_lost_job_again_and_it_runs_once(cast: Any, reg: Any) -> None:
    # Given a job queued 11 minutes ago whose message never reached a consumer
    lost = queued(cast.worker_a1, dt.timedelta(minutes=11))
    fresh = queued(cast.worker_a1, dt.timedelta(minutes=2))

    # When the reaper runs (tests run tasks at once, in the caller)
    assert tasks.requeue_lost() == (1, 0)

    # Then the lost job ran; the fresh one still waits for its own message
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, lost.counts.get("created")) == ("done", 1)
    assert fresh.status == "queued"
    # A second pass finds nothing to send: the claim is a compare-and-set on "queued"
    assert tasks.requeue_lost() == (0, 0)


def test_it_fails_a_job_no_worker_took_in_a_day_in_its_language(cast: Any, reg: Any) -> None:
    old = queued(cast.worker_a1, dt.timedelta(days=1, minutes=1), language="en")

    assert tasks.requeue_lost() == (0, 1)

    old.refresh_from_db()
    assert (old.status, old.content_enc, old.finished_at is not None) == ("failed", "", True)
    assert old.message == "No worker took this import within a day; nothing was saved."
