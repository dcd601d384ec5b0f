from django.db import migrations

from gridgov.core.stamps import stamped


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_assignment_starts_when_created"),
        ("core", "0004_stamps"),
    ]

    # The running assignments each process keeps per person follow this table (ADR 0031).
    operations = [stamped("accounts_assignment", "assignments")]
