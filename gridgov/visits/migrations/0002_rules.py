"""The starting visit rules (visits/data/rules.py): everyone yearly, the must-visit groups of
plan 1 more often."""

from django.db import migrations


def load(apps, schema_editor):
    from gridgov.visits.seeding import load_rules

    load_rules(apps.get_model("visits", "VisitRule"))


def unload(apps, schema_editor):
    apps.get_model("visits", "VisitRule").objects.filter(grid_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_visits")]

    operations = [migrations.RunPython(load, unload)]
