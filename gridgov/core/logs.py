"""Nothing personal in logs: a filter on every handler that blanks ID numbers and phones.

Django's `django.request` logger writes the path of every 4xx/5xx answer ("Not Found:
/registry/residents/?q=110101199003071234"), and an exception's message may quote what was
sent. The filter rewrites a record's message and arguments, and the text of an attached
exception, before any handler formats it. Names are kept out another way: models do not
put them in their str() (docs/adr/0011-input-text.md).
"""

from __future__ import annotations

import logging
import re
from typing import Any

# An ID number: 17 digits and a check digit or X, not part of a longer run of digits (grid
# codes have 6 to 20 digits, but never exactly 18 nor 11).
_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
# A mobile number (optionally +86 / 86 first) or a landline with its area code.
_PHONE = re.compile(
    r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])"
    r"|(?<![0-9])0[0-9]{2,3}-[0-9]{7,8}(?![0-9])"
)
MASK = "[redacted]"


def redact(text: str) -> str:
    return _PHONE.sub(MASK, _ID_NUMBER.sub(MASK, text))


def _redacted(value: Any) -> Any:
    # Numbers keep their type (a "%d" still formats); anything else is formatted as text
    # now, redacted, and then formatted again by "%s"/"%r" as the string it became.
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(value if isinstance(value, str) else str(value))


class RedactPersonalData(logging.Filter):
    """Installed on every handler in settings.LOGGING."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        else:
            record.msg = redact(str(record.msg))
        if isinstance(record.args, dict):
            record.args = {k: _redacted(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_redacted(v) for v in record.args)
        if record.exc_info and record.exc_info[1] is not None:
            # The formatted traceback carries the exception's message: format it here,
            # redacted, and let handlers print the text instead of formatting it again.
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
