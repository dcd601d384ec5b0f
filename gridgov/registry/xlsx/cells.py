"""Cell values of an upload: each read as the column's kind (text, document number, date,
yes/no, whole number, choice), or a CellError saying why it cannot be."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from .spellings import FALSE_WORDS, TRUE_WORDS, labels


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def document_number(value: Any) -> str:
    """An ID number cell. Typed as a number, an 18-digit number keeps only 15 significant
    digits: say so, rather than report a wrong check digit."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e14:
        raise CellError(
            _(
                "The number was stored as a number and lost its last digits; format the "
                "column as text and type it again."
            )
        )
    return text(value).replace(" ", "").upper()


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": raw[:20]})


def boolean(value: Any) -> bool:
    if value is True or value is False:
        return value
    raw = text(value).lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise CellError(_("Write 是 or 否, not %(value)s.") % {"value": raw[:20]})


def integer(value: Any) -> int | None:
    raw = text(value)
    if not raw:
        return None
    try:
        number = int(raw)
    except ValueError:
        raise CellError(_("%(value)s is not a whole number.") % {"value": raw[:20]}) from None
    if not -10 <= number <= 300:
        raise CellError(_("%(value)s is out of range.") % {"value": raw[:20]})
    return number


def choice(value: Any, kind: str, vocab: dict[str, str]) -> str:
    raw = text(value)
    if not raw:
        return ""
    code = vocab.get(raw.lower())
    if code is None:
        raise CellError(
            _("Unknown value %(value)s; write one of: %(allowed)s.")
            % {"value": raw[:30], "allowed": "、".join(labels(kind))}
        )
    return code
