"""Unified social credit codes (統一社會信用代碼, GB 32100-2015), 18 characters.

1 registering authority + 1 organisation type + 6 division code + 9 organisation code
+ 1 check character, over the 31-character alphabet below (no I, O, S, V, Z).
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
VALUE = {c: i for i, c in enumerate(ALPHABET)}


class CreditCodeError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_char(first17: str) -> str:
    total = sum(VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(value: str) -> str:
    # NFKC: full-width characters, as Chinese input methods type them, count as ASCII.
    return unicodedata.normalize("NFKC", value).strip().upper()


def validate(value: str) -> str:
    """The code in canonical form, or CreditCodeError saying what is wrong."""
    code = normalise(value)
    if len(code) != 18:
        raise CreditCodeError(_("A unified social credit code has 18 characters."))
    bad = [c for c in code if c not in VALUE]
    if bad:
        raise CreditCodeError(
            _("Character %(char)s cannot appear in a unified social credit code.")
            % {"char": bad[0]}
        )
    if not code[2:8].isdigit():
        raise CreditCodeError(_("Characters 3–8 of the code are a division code (digits)."))
    if check_char(code[:17]) != code[17]:
        raise CreditCodeError(_("The check character of this credit code is wrong."))
    return code


def make(first17: str) -> str:
    return first17 + check_char(first17)
