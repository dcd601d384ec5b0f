"""The seeded indicator sets (assessment/defaults.py): grid workers, grids, departments."""

from django.db import migrations


def load(apps, schema_editor):
    from gridgov.assessment.defaults import load_sets

    # The three sets of this migration's time (later ones need later schema: 0005).
    load_sets(
        apps.get_model("assessment", "IndicatorSet"), apps.get_model("assessment", "Indicator"),
        ("grid-worker", "grid-head", "department"),
    )


def unload(apps, schema_editor):
    from gridgov.assessment.defaults import SETS

    apps.get_model("assessment", "IndicatorSet").objects.filter(
        slug__in=[s["slug"] for s in SETS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
