"""Plans 5 and 6's inspection templates (inspections/data/templates.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from gridgov.inspections.data.templates import load_templates

    load_templates(apps.get_model("inspections", "Template"),
                   apps.get_model("inspections", "ChecklistItem"))  # fmt: skip


def unload(apps, schema_editor):
    from gridgov.inspections.data.templates import TEMPLATES

    codes = [t[0] for t in TEMPLATES]
    apps.get_model("inspections", "ChecklistItem").objects.filter(template__code__in=codes).delete()
    apps.get_model("inspections", "Template").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_inspections_and_patrols")]
    operations = [migrations.RunPython(load, unload)]
