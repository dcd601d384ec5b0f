"""Numbers out of tags' clear-text fields (ADR 0005): a disability certificate number (the
holder's ID number + two digits) is dropped — category and grade are fields of their own;
a phone written into a guardian's or emergency contact's name goes into the new phone field,
encrypted and masked; any other run of seven digits or more is masked in place."""

import re

from django.db import migrations

NUMBER = re.compile(r"\d[\d\s\-]{5,}\d")
PHONE_FIELDS = {"guardian": "guardian_phone", "emergency_contact": "emergency_contact_phone"}


def _digits(text):
    return re.sub(r"[\s\-]", "", text)


def clean(apps, schema_editor):
    from gridgov.core.lib import crypto, phones

    Tag = apps.get_model("registry", "Tag")
    for tag in Tag.objects.exclude(details={}).iterator():
        details = dict(tag.details or {})
        changed = details.pop("certificate", None) is not None
        for key, value in list(details.items()):
            if key.endswith("_enc") or not isinstance(value, str):
                continue
            for match in NUMBER.finditer(value):
                digits = _digits(match.group())
                if len(digits) < 7:
                    continue
                target = PHONE_FIELDS.get(key)
                try:
                    number = phones.normalise(digits) if target else None
                except phones.PhoneError:
                    number = None
                if target and number and target not in details:
                    details[target] = phones.mask(number)
                    details[f"{target}_enc"] = crypto.encrypt(number)
                    value = value.replace(match.group(), "").strip()
                else:
                    value = value.replace(match.group(), phones.mask(digits))
                details[key] = value
                changed = True
        if changed:
            tag.details = details
            tag.save(update_fields=["details"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_tags_follow_residents")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
