from django.db import migrations

from gridgov.core.stamps import stamped


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_event_case_index"),
        ("core", "0004_stamps"),
    ]

    # The category catalogue of every process follows this table (ADR 0031).
    operations = [stamped("cases_category", "categories")]
