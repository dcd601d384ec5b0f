# PostgreSQL only: room on each page of cases for a new version of its rows, so that an
# update touching no indexed column (the sweep's claim of clock_state) stays on its page
# and writes no index entries (a HOT update) instead of one in each of the table's indexes.
# Pages written from now on get the room; older ones as they are rewritten.

from django.db import migrations


def _fillfactor(percent: int | None):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("cases", "Case")._meta.db_table)
        if percent is None:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {percent})")

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_indicator_rollup'),
    ]

    operations = [
        migrations.RunPython(_fillfactor(90), _fillfactor(None), elidable=False),
    ]
