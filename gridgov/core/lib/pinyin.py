"""Search keys for Chinese names: full pinyin and initials ("张三" → "zhangsan", "zs").

Surnames are read as surnames (单 shan, 曾 zeng, 区 ou …): pypinyin's general reading of the
first character would otherwise make "单" dan, and "shan…" would not find the person.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Readings that differ when the character is a surname (the first character of a name).
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "区": "ou", "仇": "qiu", "查": "zha", "解": "xie", "朴": "piao",
    "繁": "po", "尉": "yu", "乐": "yue", "缪": "miao", "盖": "ge", "覃": "qin", "员": "yun",
    "长孙": "zhangsun", "万俟": "moqi", "沈": "shen", "贾": "jia", "柏": "bai", "翟": "zhai",
    "种": "chong", "秘": "bi", "召": "shao", "黑": "he",
}  # fmt: skip


@lru_cache(maxsize=4096)
def _syllables(text: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(text, style=Style.NORMAL, errors="default", v_to_u=False))


def keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) in lower case, without tones or spaces."""
    name = "".join(name.split())
    if not name:
        return "", ""
    syllables: list[str] = []
    rest = name
    for surname in (name[:2], name[:1]):
        if surname in SURNAME_READINGS:
            syllables.append(SURNAME_READINGS[surname])
            rest = name[len(surname) :]
            if len(surname) == 2:
                # A two-character surname has two initials.
                syllables = list(_syllables(surname))
            break
    syllables.extend(_syllables(rest))
    syllables = [s.lower() for s in syllables if s and s.isascii() and s.isalpha()]
    return "".join(syllables), "".join(s[0] for s in syllables)
