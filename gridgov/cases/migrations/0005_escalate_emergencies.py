"""Emergencies of the starting tree are escalated when overdue, not only urged."""

from django.db import migrations


def mark(apps, schema_editor):
    from gridgov.cases.seeding import urgent_codes

    Category = apps.get_model("cases", "Category")
    Category.objects.filter(code__in=urgent_codes()).update(escalate_when_overdue=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_sweep")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
