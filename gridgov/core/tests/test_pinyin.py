"""gridgov.core.lib.pinyin: search keys for names (full pinyin and initials)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridgov.core.lib.pinyin import (
    MAX_FULL,
    MAX_INITIALS,
    SURNAME_READINGS,
    keys,
    reads_as_pinyin,
)
from gridgov.demo import names

# Names as the registry holds them: a common surname and a one- or two-character given name.
chinese_names = st.builds(
    lambda s, g: s + g,
    st.sampled_from(names.SURNAMES),
    st.text(st.sampled_from(names.GIVEN_CHARS), min_size=1, max_size=2),
)


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张三", "zhangsan", "zs"),
        ("張三", "zhangsan", "zs"),  # traditional characters
        ("王小红", "wangxiaohong", "wxh"),
        ("吕布", "lvbu", "lb"),  # ü is typed v
        (" 张 三 ", "zhangsan", "zs"),
    ],
)
def test_it_makes_full_pinyin_and_initials(name: str, full: str, initials: str) -> None:
    assert keys(name) == (full, initials)


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("单田芳", "shantianfang", "stf"),  # not dan
        ("單田芳", "shantianfang", "stf"),
        ("曾国藩", "zengguofan", "zgf"),  # not ceng
        ("区志强", "ouzhiqiang", "ozq"),  # not qu
        ("區志強", "ouzhiqiang", "ozq"),
        ("仇英", "qiuying", "qy"),
        ("查良镛", "zhaliangyong", "zly"),
        ("解缙", "xiejin", "xj"),
        ("朴明", "piaoming", "pm"),
        ("乐毅", "yueyi", "yy"),
        ("盖聂", "genie", "gn"),
        ("长孙无忌", "zhangsunwuji", "zswj"),  # two-character surnames: two initials
        ("万俟卨", "moqixie", "mqx"),
        ("單", "shan", "s"),  # a surname alone
    ],
)
def test_it_reads_surnames_as_surnames(name: str, full: str, initials: str) -> None:
    assert keys(name) == (full, initials)


def test_it_reads_the_same_character_in_a_given_name_by_its_usual_reading() -> None:
    assert keys("王单") == ("wangdan", "wd")
    assert keys("王曾") == ("wangceng", "wc")


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("Tom", "tom", "t"),
        ("TOM", "tom", "t"),
        ("ＴＯＭ", "tom", "t"),  # full-width letters
        ("Mary Jane", "maryjane", "mj"),
        ("Jean-Pierre Dupont", "jeanpierredupont", "jpd"),
        ("José Martí", "josemarti", "jm"),
        ("张Tom", "zhangtom", "zt"),
        ("Tom张", "tomzhang", "tz"),
        ("单Lily", "shanlily", "sl"),
        ("阿卜杜·热合曼", "abodureheman", "abdrhm"),
    ],
)
def test_it_keeps_latin_words_of_mixed_and_foreign_names(
    name: str, full: str, initials: str
) -> None:
    assert keys(name) == (full, initials)


@pytest.mark.parametrize("name", ["", "   ", "123", "·", "？"])
def test_it_gives_empty_keys_when_nothing_can_be_read(name: str) -> None:
    assert keys(name) == ("", "")


def test_it_cuts_keys_to_the_widths_of_their_columns() -> None:
    # 50 characters is the longest name the registry takes.
    full, initials = keys("张" * 50)
    assert (full, initials) == ("zhang" * 24, "z" * MAX_INITIALS)
    assert len(full) == MAX_FULL


def test_it_knows_the_traditional_form_of_every_surname_whose_form_differs() -> None:
    pairs = {"单": "單", "区": "區", "乐": "樂", "缪": "繆", "盖": "蓋", "员": "員", "贾": "賈"}
    for simplified, traditional in pairs.items():
        assert SURNAME_READINGS[traditional] == SURNAME_READINGS[simplified]


@given(chinese_names)
def test_it_gives_one_initial_per_syllable_of_a_chinese_name(name: str) -> None:
    full, initials = keys(name)
    assert len(initials) == len(name)
    assert full.isascii() and full.isalpha() and full.islower()
    assert full.startswith(initials[0])


@given(chinese_names)
def test_it_reads_a_name_as_its_surname_followed_by_its_given_name(name: str) -> None:
    # So that typing the surname's pinyin finds everyone of that surname.
    surname_full, surname_initial = keys(name[0])
    full, initials = keys(name)
    assert full.startswith(surname_full)
    assert initials.startswith(surname_initial)


@given(st.text(max_size=60))
def test_it_gives_lower_case_ascii_keys_within_their_widths_for_any_text(name: str) -> None:
    full, initials = keys(name)
    assert full == "" or (full.isascii() and full.isalpha() and full.islower())
    assert len(full) <= MAX_FULL and len(initials) <= MAX_INITIALS
    assert (full == "") == (initials == "")


@pytest.mark.parametrize("text", ["zhang", "zhangs", "wangxiaoh", "lv", "x", "shantianf"])
def test_it_tells_pinyin_from_initials(text: str) -> None:
    # Search takes what reads as pinyin for a pinyin prefix, the rest for initials.
    assert reads_as_pinyin(text)


@pytest.mark.parametrize("text", ["", "zs", "zhs", "wxh", "mn", "ly", "oynn", "zhangx2"])
def test_it_tells_initials_from_pinyin(text: str) -> None:
    assert not reads_as_pinyin(text)


@given(chinese_names, st.integers(1, 30))
def test_it_reads_every_prefix_of_a_names_pinyin_as_pinyin(name: str, cut: int) -> None:
    full, _initials = keys(name)
    assert reads_as_pinyin(full[:cut])


@given(st.text("bcdfghjklmnpqrstwxyz", min_size=2, max_size=6))
def test_it_reads_consonants_as_initials_but_zh_ch_sh_alone(text: str) -> None:
    # Initials without a vowel (zs, wxh, lj) always go to the initials; zh, ch and sh alone
    # are the start of a syllable being typed (zhang).
    assert reads_as_pinyin(text) == (text in {"zh", "ch", "sh"})
