from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    """Where a notice is. In-app notices are `sent` when written and `read` once opened;
    the others go pending → sent, or pending → failed after the last attempt."""

    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    READ = "read", _("read")


class Channel(models.TextChoices):
    """The built-in channels. A deployment may add its own (settings.NOTICE_CHANNELS):
    `Notice.channel` is not limited to these."""

    INAPP = "inapp", _("in-app")
    EMAIL = "email", _("e-mail")
    WEBHOOK = "webhook", _("webhook")
