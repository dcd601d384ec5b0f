"""The starting cadences of the regular meetings: the grid workers' meeting monthly per
community (plan 4), the party-building progress meeting every two months per street or town
(plan 1: 每兩個月一次的黨建工作推進例會)."""

from django.db import migrations

CADENCES = [("workers", 2, 1), ("party_building", 1, 2)]


def load(apps, schema_editor):
    Cadence = apps.get_model("meetings", "Cadence")
    for kind, depth, every in CADENCES:
        Cadence.objects.get_or_create(kind=kind, defaults={"depth": depth, "every_months": every})


def unload(apps, schema_editor):
    apps.get_model("meetings", "Cadence").objects.filter(kind__in=[k for k, *_ in CADENCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_meetings")]

    operations = [migrations.RunPython(load, unload)]
