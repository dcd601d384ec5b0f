"""Tags of residents who moved before tags followed them are filed where they live."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def refile(apps, schema_editor):
    Tag = apps.get_model("registry", "Tag")
    Resident = apps.get_model("registry", "Resident")
    stale = Tag.objects.filter(resident__isnull=False).exclude(grid_code=F("resident__grid_code"))
    where = Resident.objects.filter(pk=OuterRef("resident_id")).values("grid_code")[:1]
    Tag.objects.filter(pk__in=stale.values("pk")).update(grid_code=Subquery(where))


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_import_tags")]

    operations = [migrations.RunPython(refile, migrations.RunPython.noop)]
