from django.db import migrations

from gridgov.core.stamps import stamped


def boundaries_to_core(apps, schema_editor):
    old = apps.get_model("grids", "BoundaryStamp").objects.filter(pk=1).first()
    apps.get_model("core", "Stamp").objects.update_or_create(
        name="boundaries", defaults={"version": old.version if old else 0}
    )


def boundaries_back(apps, schema_editor):
    new = apps.get_model("core", "Stamp").objects.filter(name="boundaries").first()
    apps.get_model("grids", "BoundaryStamp").objects.update_or_create(
        pk=1, defaults={"version": new.version if new else 0}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("grids", "0003_division_drafts_roads"),
        ("core", "0004_stamps"),
    ]

    # Every stamp of a per-process cache in one table, read in one statement (ADR 0031):
    # the boundaries' stamp moves there, and the networks by slug get one.
    operations = [
        migrations.RunPython(boundaries_to_core, boundaries_back),
        migrations.DeleteModel(name="BoundaryStamp"),
        stamped("grids_network", "networks"),
    ]
