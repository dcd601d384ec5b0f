"""What a grid's people choose to publish about themselves on its notice board."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimeStamped


class StaffProfile(TimeStamped):
    """A person's public card (公示信息): photo, work phone and duties for notice boards.

    Nothing here is shown to the public unless `on_boards` is set: the person's consent. The
    phone is the work number the person chose to publish, never the one on their account.
    """

    # In the photo's public URL instead of the user's sequential id (STYLE "Models").
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    # Always a JPEG gridgov wrote itself (core.lib.images.reencode), under a random name.
    photo = models.FileField(_("photo"), upload_to="teams/photos/", blank=True, max_length=200)
    phone = models.CharField(_("public work phone"), max_length=20, blank=True)
    duties = models.CharField(_("duties"), max_length=300, blank=True)
    on_boards = models.BooleanField(_("show on public boards"), default=False)

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"profile of user {self.user_id}"
