"""Phone numbers: mainland mobiles (11 digits from 13–19) and landlines (0 + area + number)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


class PhoneError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise(value: str) -> str:
    """Digits (and one dash for landlines) without spaces or a +86 prefix."""
    v = re.sub(r"[\s()]", "", value)
    if v.startswith("+86"):
        v = v[3:]
    if MOBILE.match(v) or LANDLINE.match(v):
        return v
    raise PhoneError(_("A phone number is an 11-digit mobile number or 0 + area code + number."))


def mask(value: str) -> str:
    """139****5678: the first three and the last four."""
    digits = value.replace("-", "")
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
