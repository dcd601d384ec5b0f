"""The starting category tree: GB/T 30428 event classes and the plans' categories."""

from django.db import migrations


def load(apps, schema_editor):
    from gridgov.cases.seeding import load_categories

    load_categories(apps.get_model("cases", "Category"))


def unload(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    Category.objects.filter(parent__isnull=False, cases__isnull=True).delete()
    Category.objects.filter(parent__isnull=True, children__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_cases")]

    operations = [migrations.RunPython(load, unload)]
