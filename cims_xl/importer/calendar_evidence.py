"""Which country's calendar a file's bare date numbers may be counted in.

A date column whose years fit only another calendar ("113/03/05": a three-digit year,
Taiwan's Minguo count; "05/03/2567": the Thai Buddhist era) is read in that calendar
only when the rest of the file points to its country. `CountryWords` looks at every
text cell of the file (headings included) for such evidence:

- Taiwan: its currency (TWD, NTD, NT$, 新台幣/新臺幣), its name (Taiwan, 台灣, 臺灣),
  its bigger cities (Taipei, 台北/臺北, 新北, 台中, 高雄 …), its dialling code +886,
  an address under .tw, or a date naming the Minguo count (民國).
- Thailand: Thai script (฿ included), its currency (THB), its name (Thailand), Bangkok,
  +66, an address under .th.
- Japan: kana (hiragana, katakana), JPY or 円, its name (Japan, 日本), Tokyo/東京,
  Osaka/大阪, +81, an address under .jp.

Each country keeps the first few words that name it (not the cells: an address or a
phone number is personal), for the summary.
"""

from __future__ import annotations

import re

EXAMPLES = 2
BUDGET = 300_000        # characters of text cells looked at (a file's country shows early: ~3,000 rows)

_TAIWAN = re.compile(
    r"(?<![A-Za-z])(?:TWD|NTD|NT\$)(?![A-Za-z])|新[台臺]幣|民[國国](?=\s*\d)|中華民國|[台臺]灣|Taiwan|"
    r"[台臺]北|新北市|[台臺]中市|[台臺]南市|高雄|桃園市|新竹|基隆|Taipei|Kaohsiung|Taichung|Tainan|Taoyuan|"
    r"Hsinchu|\+\s?886|\.tw(?![A-Za-z])", re.IGNORECASE)
_THAILAND = re.compile(r"[\u0E00-\u0E7F]+|(?<![A-Za-z])THB(?![A-Za-z])|Thailand|Bangkok|\+\s?66|"
                       r"\.th(?![A-Za-z])", re.IGNORECASE)
_THAI_SCRIPT = re.compile("[\u0E00-\u0E7F]")
# Japan: kana (no other language writes it; kanji alone may be Chinese), JPY/円, its name,
# its bigger cities, +81, an address under .jp.
_JAPAN = re.compile(r"[\u3041-\u3096\u30A1-\u30FA]+|(?<![A-Za-z])JPY(?![A-Za-z])|円|日本|Japan|東京|大阪|"
                    r"Tokyo|Osaka|Yokohama|Nagoya|\+\s?81|\.jp(?![A-Za-z])", re.IGNORECASE)
_KANA = re.compile("[\u3041-\u3096\u30A1-\u30FA]")
COUNTRIES = {"TW": _TAIWAN, "TH": _THAILAND, "JP": _JAPAN}


class CountryWords:
    """Cells naming Taiwan, Thailand or Japan, anywhere in the file (`add` per row)."""

    def __init__(self, headers: list | tuple = ()):
        self.found: dict[str, list[str]] = {}
        self.chars = 0
        self.add(list(headers))

    def add(self, values: list) -> None:
        if len(self.found) == len(COUNTRIES) or self.chars > BUDGET:
            return
        # one search per country over the row's text cells joined by a separator that is
        # no letter (a word never runs from one cell into the next)
        text = "\x1f".join(v for v in values if isinstance(v, str) and v)
        if not text:
            return
        self.chars += len(text)
        for code, words in COUNTRIES.items():
            got = self.found.get(code, ())
            if len(got) >= EXAMPLES:
                continue
            for m in words.finditer(text):
                word = ("Thai script" if _THAI_SCRIPT.match(m.group(0)) else
                        "kana" if _KANA.match(m.group(0)) else m.group(0)[:20])
                if word not in got:
                    self.found.setdefault(code, []).append(word)
                    got = self.found[code]
                if len(got) >= EXAMPLES:
                    break

    def given(self, currency: str | None) -> None:
        """--currency TWD or THB: the user's word for the file's country."""
        code = {"TWD": "TW", "THB": "TH", "JPY": "JP"}.get((currency or "").upper())
        if code and currency.upper() not in self.found.get(code, ()):
            self.found.setdefault(code, []).insert(0, f"--currency {currency.upper()}")

    def points_to(self, code: str) -> bool:
        return bool(self.found.get(code))

    def why(self, code: str) -> str:
        """The words naming the country, for a summary line ("'TWD', '台北'")."""
        return ", ".join(f"'{v}'" for v in self.found.get(code, ()))
