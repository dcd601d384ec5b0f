"""The starting visit rules (visits/data/rules.py): everyone yearly, the must-visit groups of
plan 1 more often."""

from django.db import migrations


def load(apps, schema_editor):
    from gridgov.visits.data.rules import RULES

    VisitRule = apps.get_model("visits", "VisitRule")
    for kind, every, unit, must in RULES:
        VisitRule.objects.get_or_create(
            grid_code="", kind=kind, defaults={"every": every, "unit": unit, "must_visit": must}
        )


def unload(apps, schema_editor):
    apps.get_model("visits", "VisitRule").objects.filter(grid_code="").delete()


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_visits")]

    operations = [migrations.RunPython(load, unload)]
