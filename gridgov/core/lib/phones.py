"""Phone numbers: mainland mobiles (11 digits from 13–19) and landlines (0 + area + number)."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

# re.ASCII: `\d` would otherwise take any Unicode digit (full-width, Arabic-Indic …), and
# the same number typed two ways would get two lookup hashes.
MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
# Area code 0 + 2–3 digits, the first of them not 0 (00 is the international prefix, as in
# 0086), number 7–8 digits; kept as digits only (see `normalise`).
LANDLINE = re.compile(r"^0[1-9]\d{8,10}$", re.ASCII)


class PhoneError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise(value: str) -> str:
    """The number as digits only: no spaces, brackets, dashes, or +86/0086 prefix.

    One canonical form per number, because the stored lookup hash is of this form: a
    landline typed as 0954-1234567 and as 09541234567 must be the same number. Full-width
    characters (as Chinese input methods type them) count as their ASCII forms.
    """
    v = re.sub(r"[\s()\-]", "", unicodedata.normalize("NFKC", value))
    for prefix in ("+86", "0086"):
        if v.startswith(prefix):
            v = v[len(prefix) :]
            break
    if MOBILE.match(v) or LANDLINE.match(v):
        return v
    raise PhoneError(_("A phone number is an 11-digit mobile number or 0 + area code + number."))


def mask(value: str) -> str:
    """139****5678: the first three and the last four."""
    digits = value.replace("-", "")
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
