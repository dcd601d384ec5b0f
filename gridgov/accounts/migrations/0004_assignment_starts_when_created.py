"""Assignments made before they had days start on the day they were made (not on the day of
this migration), so that "who answered for this grid on day X" holds for them too."""

from django.db import migrations
from django.utils import timezone


def starts_when_created(apps, schema_editor):
    Assignment = apps.get_model("accounts", "Assignment")
    for a in Assignment.objects.all().only("id", "created_at"):
        day = timezone.localtime(a.created_at).date()
        Assignment.objects.filter(pk=a.pk).update(starts_on=day)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_assignment_periods")]

    operations = [migrations.RunPython(starts_when_created, migrations.RunPython.noop)]
