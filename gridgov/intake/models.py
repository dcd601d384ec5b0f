"""The public page's rate limit, counted in the database so every process agrees."""

from __future__ import annotations

from django.db import models


class ReportQuota(models.Model):
    """How many reports one client address sent in one clock hour (群眾自報限流). The address
    is kept only as a keyed hash: enough to count, not to find the person; rows older than a
    day are deleted as new hours start."""

    key = models.CharField(max_length=64)
    window = models.DateTimeField()  # the start of the hour
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-window"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window"], name="report_quota_key_window_unique",
                violation_error_message="One counter per address and hour.",
            )
        ]  # fmt: skip
        # The clean-up deletes by age.
        indexes = [models.Index(fields=["window"], name="report_quota_window_idx")]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.window:%Y-%m-%d %H}:00 × {self.count}"
