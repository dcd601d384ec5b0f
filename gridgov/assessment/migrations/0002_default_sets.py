"""The seeded indicator sets (assessment/defaults.py): grid workers, grids, departments."""

from django.db import migrations


def load(apps, schema_editor):
    from gridgov.assessment.defaults import load_sets

    load_sets(apps.get_model("assessment", "IndicatorSet"), apps.get_model("assessment", "Indicator"))


def unload(apps, schema_editor):
    from gridgov.assessment.defaults import SETS

    apps.get_model("assessment", "IndicatorSet").objects.filter(
        slug__in=[s["slug"] for s in SETS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
