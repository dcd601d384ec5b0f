"""Managed component ids (部件標識碼, GB/T 30428): 16 digits =
6 county code + 2 major class + 2 minor class + 6 serial."""

from __future__ import annotations

from django.utils.translation import gettext as _

MAJOR_CLASSES = {"01", "02", "03", "04", "05"}  # local extensions: 06–99


class ComponentCodeError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def validate(code: str, *, county: str | None = None) -> tuple[str, str, str, int]:
    """(county, major, minor, serial) of a valid id, or ComponentCodeError."""
    code = code.strip()
    if len(code) != 16 or not code.isascii() or not code.isdigit():
        raise ComponentCodeError(_("A component id has 16 digits."))
    county_part, major, minor, serial = code[:6], code[6:8], code[8:10], int(code[10:])
    if county is not None and county_part != county:
        raise ComponentCodeError(
            _("A component id starts with the county code %(county)s.") % {"county": county}
        )
    if major == "00":
        raise ComponentCodeError(_("Digits 7–8 are the major class, 01 to 99."))
    if minor == "00":
        raise ComponentCodeError(_("Digits 9–10 are the minor class, 01 to 99."))
    if serial == 0:
        raise ComponentCodeError(_("The serial number (last 6 digits) cannot be 000000."))
    return county_part, major, minor, serial


def make(county: str, major: str, minor: str, serial: int) -> str:
    return f"{county}{major}{minor}{serial:06d}"
