"""Services for public cards (StaffProfile): the only code that changes them.

A person edits their own card; whoever may manage the team (teams.change) on a grid where
the person holds a running role may edit it too. Refusals are ServiceErrors: out of the
actor's sight 404, in sight without the right 403 (DESIGN idea 2).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.models import Assignment, User
from gridgov.accounts.roles import Right
from gridgov.core.errors import Forbidden, NotFound, ServiceError
from gridgov.core.lib import images, phones
from gridgov.core.models import record
from gridgov.core.scope import in_scope

from .models import StaffProfile

# What update_profile takes besides the photo.
FIELDS = ("phone", "duties", "on_boards")


def can_edit(actor: Any, person: User) -> bool:
    """Whether `actor` may change `person`'s card (see the module's docstring)."""
    if actor.pk == person.pk and actor.is_active:
        return True
    codes = Assignment.objects.active().filter(user=person).values_list("grid_code", flat=True)
    return any(in_scope(actor, code, Right.CHANGE_TEAMS) for code in codes)


def check_can_edit(actor: Any, person: User) -> None:
    """404 if the person holds no running role the actor can see, 403 without the right."""
    if can_edit(actor, person):
        return
    codes = Assignment.objects.active().filter(user=person).values_list("grid_code", flat=True)
    if any(in_scope(actor, code) for code in codes):
        raise Forbidden(_("You may not change this person's public card."))
    raise NotFound()


def profile_of(person: User) -> StaffProfile:
    """The person's card, unsaved and empty if they have none yet."""
    # Read afresh, not `person.staff_profile`: that may be an instance cached before a change.
    return StaffProfile.objects.filter(user=person).first() or StaffProfile(user=person)


def clean_phone(value: str) -> str:
    """The published number in canonical digits, or "" for none."""
    if not value.strip():
        return ""
    try:
        return phones.normalise(value)
    except phones.PhoneError as e:
        raise ServiceError("invalid_phone", e.message, field="phone", status=422) from None


def clean_photo(data: bytes) -> bytes:
    try:
        return images.reencode(data)
    except images.PhotoRefused as e:
        raise ServiceError("invalid_photo", e.message, field="photo", status=422) from None


def update_profile(
    *,
    actor: Any,
    person: User,
    photo: bytes | None = None,
    remove_photo: bool = False,
    **changes: Any,
) -> StaffProfile:
    """Change the fields given in `changes` (FIELDS), set or remove the photo.

    The photo is re-encoded before the transaction (seconds of CPU are not spent holding a
    row lock); the old file is deleted only once the new row is committed, so a failed save
    never leaves a card pointing at a missing file.
    """
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    check_can_edit(actor, person)
    if "phone" in changes:
        changes["phone"] = clean_phone(changes["phone"])
    jpeg = clean_photo(photo) if photo is not None else None
    with transaction.atomic():
        StaffProfile.objects.get_or_create(user=person)
        profile = StaffProfile.objects.select_for_update().get(user=person)
        old_photo = profile.photo.name
        changed = [f for f, v in changes.items() if getattr(profile, f) != v]
        for field in changed:
            setattr(profile, field, changes[field])
        if jpeg is not None:
            profile.photo.name = default_storage.save(
                f"teams/photos/{uuid.uuid4().hex}.jpg", ContentFile(jpeg)
            )
            changed.append("photo")
        elif remove_photo and old_photo:
            profile.photo.name = ""
            changed.append("photo")
        if changed:
            profile.save(update_fields=[*changed, "updated_at"])
            # Which fields changed, not their values: the audit trail holds no personal data.
            record(
                actor=actor,
                action="staff_profile.update",
                object_type="user",
                object_key=str(person.pk),
                after={"changed": sorted(changed)},
            )
        if "photo" in changed and old_photo:
            transaction.on_commit(lambda: default_storage.delete(old_photo))
    return profile
