"""Search keys for names: full pinyin and initials ("张三" → "zhangsan", "zs").

Surnames are read as surnames (单 shan, 曾 zeng, 区 ou …): pypinyin's general reading of the
first character would otherwise make "单" dan, and "shan…" would not find the person. The
traditional forms are listed too (單 shan, 區 ou): names may be registered in either.

Latin parts of a name (foreign nationals, "张Tom", "Jean-Pierre") are kept as words of
ASCII letters, accents dropped: each word counts as one syllable, so "Mary Jane" is
"maryjane" / "mj".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Readings that differ when the character is a surname (the first character(s) of a
# name), as space-separated syllables.
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "区": "ou", "仇": "qiu", "查": "zha", "解": "xie", "朴": "piao",
    "繁": "po", "尉": "yu", "乐": "yue", "缪": "miao", "盖": "ge", "覃": "qin", "员": "yun",
    "长孙": "zhang sun", "万俟": "mo qi", "沈": "shen", "贾": "jia", "柏": "bai", "翟": "zhai",
    "种": "chong", "秘": "bi", "召": "shao", "黑": "he",
    # Traditional forms of those whose form differs.
    "單": "shan", "區": "ou", "樂": "yue", "繆": "miao", "蓋": "ge", "員": "yun",
    "長孫": "zhang sun", "萬俟": "mo qi", "賈": "jia", "種": "chong", "祕": "bi",
}  # fmt: skip

_LATIN = re.compile(r"[a-z]+")

# Every syllable pypinyin writes in Style.NORMAL with v for ü (lv, nve), less the
# interjections hm, hng, m, n, ng, which no name is read with: with them, initials such as
# "mn" would read as pinyin.
SYLLABLES = frozenset(
    """a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong
    bu ca cai can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong
    chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan
    dang dao de dei den deng di dia dian diao die din ding diu dong dou du duan dui dun duo e
    ei en eng er fa fan fang fei fen feng fiao fo fou fu ga gai gan gang gao ge gei gen geng
    gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu
    hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue
    jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai
    lan lang lao le lei len leng li lia lian liang liao lie lin ling liu lo long lou lu luan
    lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu
    na nai nan nang nao ne nei nen neng ni nia nian niang niao nie nin ning niu nong nou nu
    nuan nun nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou
    pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri
    rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao
    she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan
    sui sun suo ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun
    tuo wa wai wan wang wei wen weng wo wong wu xi xia xian xiang xiao xie xin xing xiong xiu xu
    xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao
    ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai
    zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo""".split()  # noqa: SIM905
)
_SYLLABLE_STARTS = frozenset(s[:i] for s in SYLLABLES for i in range(1, len(s) + 1))
# The widths of Resident.name_pinyin and name_initials: a name may have 50 characters, and
# 50 syllables do not fit. Keys are for prefix search, so a cut key still finds the name.
MAX_FULL, MAX_INITIALS = 120, 20


@lru_cache(maxsize=4096)
def _syllables(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for chunk in lazy_pinyin(text, style=Style.NORMAL, errors="default", v_to_u=False):
        # Pinyin of a Chinese character is one ASCII word; anything else pypinyin hands
        # back as it was (Latin words, digits, "·"): keep its Latin words, accents dropped.
        plain = unicodedata.normalize("NFKD", chunk).encode("ascii", "ignore").decode()
        out.extend(_LATIN.findall(plain.lower()))
    return tuple(out)


def _without_first(name: str, n: int) -> str:
    """`name` less its first `n` characters that are not spaces."""
    for i, c in enumerate(name):
        if n == 0:
            return name[i:]
        if not c.isspace():
            n -= 1
    return ""


def keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) in lower case, without tones or spaces."""
    # NFKC: full-width Latin letters, as Chinese input methods type them, become ASCII.
    name = unicodedata.normalize("NFKC", name).strip()
    if not name:
        return "", ""
    compact = "".join(name.split())
    syllables: list[str] = []
    rest = name
    for surname in (compact[:2], compact[:1]):
        if surname in SURNAME_READINGS:
            syllables.extend(SURNAME_READINGS[surname].split())
            rest = _without_first(name, len(surname))
            break
    syllables.extend(_syllables(rest))
    full, initials = "".join(syllables), "".join(s[0] for s in syllables)
    return full[:MAX_FULL], initials[:MAX_INITIALS]


@lru_cache(maxsize=1024)
def reads_as_pinyin(text: str) -> bool:
    """Whether `text` (lower-case letters) is whole pinyin syllables and then the start of
    one: "zhang", "zhangs", "wangxiaoh" do; "zs", "wxh", "zhs" do not (they are initials)."""
    if not text:
        return False
    # ends[i]: text[:i] is whole syllables.
    ends = [True] + [False] * len(text)
    for i in range(len(text)):
        if not ends[i]:
            continue
        for j in range(i + 1, min(len(text), i + 6) + 1):
            if text[i:j] in SYLLABLES:
                ends[j] = True
            if j == len(text) and text[i:j] in _SYLLABLE_STARTS:
                return True
    return ends[-1]
