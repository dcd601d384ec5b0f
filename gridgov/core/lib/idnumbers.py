"""Resident identity numbers (GB 11643-1999, 18 characters).

6-digit address code, 8-digit birth date, 3-digit sequence (odd for men, even for women),
and an ISO 7064 MOD 11-2 check character (0–9 or X).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


class IdNumberError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def make(address: str, birth: dt.date, sequence: int) -> str:
    body = f"{address}{birth:%Y%m%d}{sequence:03d}"
    return body + check_char(body)


def parse(value: str, *, today: dt.date | None = None) -> tuple[dt.date, str]:
    """Validate an ID number; return (birth date, sex "m"/"f")."""
    # Full-width digits (１２３) are the same number: normalise, then demand ASCII, so that
    # one person cannot be registered twice under two spellings of one number.
    value = unicodedata.normalize("NFKC", value).strip().upper()
    if not value.isascii():
        raise IdNumberError(_("An ID number is 17 digits and then a digit or X."))
    if len(value) != 18:
        raise IdNumberError(_("An ID number has 18 characters."))
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise IdNumberError(_("An ID number is 17 digits and then a digit or X."))
    try:
        # Not strptime: it goes through the locale module on every call (a tenth of a
        # 100,000-row import's checking); the digits are checked above.
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError(_("The birth date in this ID number does not exist.")) from None
    if birth > (today or dt.date.today()) or birth.year < 1880:
        raise IdNumberError(_("The birth date in this ID number is in the future or too long ago."))
    if check_char(value[:17]) != value[17]:
        raise IdNumberError(_("The check digit of this ID number is wrong."))
    return birth, "m" if int(value[16]) % 2 else "f"


def mask(value: str) -> str:
    """6404**********1234: the province+city and the last four only."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
