"""Fill gridgov/locale/{zh_Hans,zh_Hant}/LC_MESSAGES/django.po from translations_zh_hans.py.

Run after `make messages` has added new message ids:
    python scripts/fill_po.py && (cd gridgov && ../.venv/bin/gridgov compilemessages)
Traditional Chinese is converted with OpenCC (s2twp: Taiwan phrasing) when the
`opencc-python-reimplemented` package is importable; without it zh_Hant is left as is.
Prints the ids that have no translation yet.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from translations_zh_hans import ZH_HANS  # noqa: E402

LOCALE = Path(__file__).resolve().parent.parent / "gridgov" / "locale"
ENTRY = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (\".*\")$")


def unquote(parts: list[str]) -> str:
    return "".join(eval(p) for p in parts)  # the .po quoting is Python's for these strings


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(path: Path, convert) -> list[str]:
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    missing = []
    out = []
    for block in blocks:
        lines = block.split("\n")
        fields: dict[str, list[str]] = {}
        head: list[str] = []
        key = None
        for line in lines:
            m = ENTRY.match(line)
            if m:
                key = m.group(1)
                fields[key] = [m.group(2)]
            elif line.startswith('"') and key:
                fields[key].append(line)
            elif key is None:
                head.append(line)
        if "msgid" not in fields or unquote(fields["msgid"]) == "":
            # The header: makemessages marks it fuzzy, and msgfmt would then drop its charset.
            out.append(block.replace("#, fuzzy\n", ""))
            continue
        msgid = unquote(fields["msgid"])
        plural = unquote(fields["msgid_plural"]) if "msgid_plural" in fields else None
        context = unquote(fields["msgctxt"]) if "msgctxt" in fields else None
        key = f"{context}\x04{msgid}" if context else msgid
        text = ZH_HANS.get((key, plural) if plural else key)
        if text is None:
            missing.append(msgid)
            out.append(block)
            continue
        text = convert(text)
        head = [
            h.replace("#, fuzzy, ", "#, ")
            for h in head
            if h != "#, fuzzy" and not h.startswith("#| ")
        ]
        new = head + ([f"msgctxt {quote(context)}"] if context else []) + [f"msgid {quote(msgid)}"]
        if plural:
            new += [f"msgid_plural {quote(plural)}", f"msgstr[0] {quote(text)}"]
        else:
            new += [f"msgstr {quote(text)}"]
        out.append("\n".join(new))
    path.write_text("\n\n".join(out), encoding="utf-8")
    return missing


def main() -> None:
    try:
        from opencc import OpenCC

        to_hant = OpenCC("s2twp").convert
    except ImportError:
        to_hant = None
    missing = fill(LOCALE / "zh_Hans/LC_MESSAGES/django.po", lambda s: s)
    if to_hant:
        fill(LOCALE / "zh_Hant/LC_MESSAGES/django.po", to_hant)
    for m in missing:
        print("untranslated:", m)


if __name__ == "__main__":
    main()
