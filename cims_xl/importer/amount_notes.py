"""What people type beside an amount that is not the amount: a magnitude suffix and a tax note.

- **Magnitude suffixes** typed after the number: ``10k``, ``2.5K``, ``$1.5M``, ``€3m``,
  ``1.2bn``, ``1.5MM``, ``1,5 Mio. €``, ``3 Mrd.``, ``20 Tsd.`` (×1,000, ×1,000,000,
  ×10⁹). ``m`` and ``M`` are also metres and minutes, ``k`` a kilo: a suffix is read only
  in an amount column, and only when no cell of that column writes a unit word after its
  number ("5 min", "3 km"); a column holding both stops the import, naming the column and
  both kinds of cell. A suffix is never dropped: the cell is read as the number times
  the suffix (the Chinese and Korean number words, 万, 만, 억, 千, are read by
  domain.money itself).
- **Tax notes**: ``1,200円（税込）``, ``1,000円(税抜)``, ``税別 500円``, ``€ 100 (incl. VAT)``,
  ``100 € zzgl. MwSt.``, ``120 € TTC``, ``100 € HT``. The note does not change the number:
  it is left out, and the summary says whether the column's amounts are with tax or
  without. A column holding both kinds stops the import, naming the column and an
  example of each: one amount field cannot mean both.

Both are decided on the whole column (`AmountNotes.add` per row, `decide` once), and
applied to the cells the same way in the scan and in the write pass (`rewrite`).
"""

from __future__ import annotations

import re
import unicodedata

from ..domain import money
from .errors import ImportRefused

EXAMPLES = 3

# suffix as written (case kept where it matters) -> the number word domain.money reads
# for the same power of ten: k = 千 (10³), M = 百万 (10⁶), bn = 十亿 (10⁹)
_SUFFIXES = {"k": "千", "K": "千", "Tsd.": "千", "Tsd": "千", "tsd.": "千", "TSD": "千",
             "m": "百万", "M": "百万", "mn": "百万", "Mn": "百万", "MN": "百万", "MM": "百万", "Mio.": "百万",
             "Mio": "百万", "mio.": "百万",
             "bn": "十亿", "Bn": "十亿", "BN": "十亿", "B": "十亿", "Mrd.": "十亿", "Mrd": "十亿", "mrd.": "十亿"}
# scale words written out, in any case ("1.5 lakh", "3.5 Lacs", "2 crore", "USD 2.5 million",
# "3 Millionen", "1,2 milliard", "R$ 2 milhões"): CLDR's long decimal format patterns
# (babel locale.decimal_formats['long']: "0 thousand", "0 million", "0 Millionen",
# "0 milliard", "0 milhões", "0 lakh", "0 crore") and the common short forms (mln, lac)
_SPELLED = {**{w: "千" for w in ("thousand", "thousands", "tausend", "mil")},
            **{w: "百万" for w in ("million", "millions", "mln", "mio", "mio.", "millionen", "millió", "milhão",
                                   "milhões", "millón", "millones", "milione", "milioni", "miljoen", "miljoner",
                                   "miljoona", "miljonen", "milioane", "milionów", "miliony")},
            **{w: "十亿" for w in ("billion", "billions", "bn", "mrd", "mrd.", "milliard", "milliards", "milliarden",
                                   "miliardi", "miliardo", "miljard", "miljarder", "miliardów", "miliardy")},
            **{w: "十万" for w in ("lakh", "lakhs", "lac", "lacs", "lakh rupees")},
            **{w: "千万" for w in ("crore", "crores")}}
# "50L": L is lakh only in an Indian file (rupees); elsewhere it may be litres
_LAKH_LETTER = "L"
# "15 mil", "2,5 mil": thousand in Spanish and Portuguese (mil = 1,000; CLDR es, pt
# "0 mil"), but "$15 mil" is English shorthand for million: read only where the file is
# Spanish or Portuguese (its headings, or the currency of its amounts: _mil_languages)
_MIL = "mil"
_MIL_LANGUAGES = ("es", "pt")
_WORDS = {"千": "thousands", "百万": "millions", "十亿": "billions", "十万": "lakhs (100,000)",
          "千万": "crores (10,000,000)"}
_SUFFIX = re.compile(
    r"^(?P<head>.*?\d)\s?(?P<suf>(?i:" + "|".join(sorted((re.escape(s) for s in _SPELLED), key=len, reverse=True))
    + r")|" + "|".join(sorted((re.escape(s) for s in [*_SUFFIXES, _LAKH_LETTER]), key=len, reverse=True))
    + r")(?![^\W\d_])(?P<tail>\s*\S.*?)?\s*$")
_INDIAN_WORDS = ("lakhs (100,000)", "crores (10,000,000)")
_INR_MARK = re.compile(r"₹|\bINR\b|\bRs\.?(?![^\W\d_])|\brupees?\b", re.I)
# a number then a word of letters: "5 min", "3 km", "2 kg", "10 m²", "1.5 ha"
_UNIT_WORD = re.compile(r"^[-+(]?[\d.,'\s]*\d\s*(?P<word>[^\W\d_][^\W\d_.²³/]*[²³]?\.?)\s*$")

# Tax notes: included, excluded. CJK notes stand directly beside the number or its
# currency; Latin ones after a space or in brackets.
_INCL_CJK = ("税込み", "税込", "内税", "含税", "含稅", "稅込")
_EXCL_CJK = ("税抜き", "税抜", "税別", "外税", "不含税", "不含稅", "未税", "未稅", "稅抜")
_INCL_LATIN = ("tax incl.", "tax included", "incl. tax", "incl tax", "inc. tax", "incl. vat", "incl vat",
               "inc. vat", "inc vat", "including vat", "vat incl.", "vat included", "incl. gst", "incl gst",
               "inc. gst", "inc gst", "gst incl.", "inkl. mwst.", "inkl. mwst", "inkl mwst", "inkl. ust.",
               "inkl. ust", "brutto", "ttc", "iva incluida", "iva incluido", "iva incl.", "iva inclusa",
               "부가세 포함", "vat 포함", "세금 포함")
_EXCL_LATIN = ("tax excl.", "excl. tax", "excl tax", "plus tax", "excl. vat", "excl vat", "ex. vat", "ex vat",
               "excluding vat", "vat excl.", "plus vat", "+ vat", "+vat", "zzgl. mwst.", "zzgl. mwst",
               "zzgl mwst", "exkl. mwst.", "exkl. mwst", "zzgl. ust.", "zzgl. ust", "netto", "ht", "h.t.",
               "iva excluida", "iva excluido", "+ iva", "+iva", "más iva", "excl. gst", "excl gst", "ex gst",
               "plus gst", "+ gst", "부가세 별도", "vat 별도", "세금 별도")
_KIND = {**{m: "incl" for m in _INCL_CJK + _INCL_LATIN}, **{m: "excl" for m in _EXCL_CJK + _EXCL_LATIN}}
_CJK = "|".join(re.escape(m) for m in sorted(_INCL_CJK + _EXCL_CJK, key=len, reverse=True))
_LATIN = "|".join(re.escape(m) for m in sorted(_INCL_LATIN + _EXCL_LATIN, key=len, reverse=True))
_OPEN, _CLOSE = r"[(（\[［]", r"[)）\]］]"
_TAX_AFTER = re.compile(
    rf"^(?P<rest>.*?\d.*?)\s*(?:{_OPEN}\s*(?P<b>{_CJK}|{_LATIN})\s*{_CLOSE}|(?P<c>{_CJK})"
    rf"|(?<![^\W\d_])(?P<l>{_LATIN})(?![^\W\d_]))\s*$", re.I)
_TAX_BEFORE = re.compile(
    rf"^\s*(?:{_OPEN}\s*(?P<b>{_CJK}|{_LATIN})\s*{_CLOSE}|(?P<c>{_CJK})|(?P<l>{_LATIN})(?![^\W\d_]))"
    rf"\s*(?P<rest>.*\d.*)$", re.I)
_TAX_WORDS = {"incl": "tax included", "excl": "tax excluded (net)"}


def tax_note(text: str) -> tuple[str, str, str] | None:
    """(the amount without its tax note, "incl" or "excl", the note as written) for
    "1,200円（税込）" -> ("1,200円", "incl", "税込"); None when `text` has no tax note."""
    for pattern in (_TAX_AFTER, _TAX_BEFORE):
        match = pattern.match(text)
        if match is not None:
            note = match["b"] or match["c"] or match["l"]
            rest = match["rest"].strip()
            if rest and any(ch.isdigit() for ch in rest):
                return rest, _KIND[note.casefold()], note
    return None


def _currency_tail(tail: str | None) -> bool:
    tail = (tail or "").strip()
    return not tail or bool(money.currency_candidates(tail))


def magnitude(text: str) -> tuple[str, str, str] | None:
    """(the cell with its suffix as the number word domain.money reads, the suffix, its
    scale word) for "$1.5M" -> ("$1.5百万", "M", "millions"); None when `text` has no
    magnitude suffix or reads as an amount as it is."""
    match = _SUFFIX.match(text)
    if match is None or not _currency_tail(match["tail"]):
        return None
    try:
        money.read_money(text)
        return None                         # an amount as written (a currency sign, not a suffix)
    except ValueError:
        pass
    suf = match["suf"]
    word = _SUFFIXES.get(suf) or ("十万" if suf == _LAKH_LETTER else _SPELLED[suf.casefold()])
    new = f"{match['head']}{word}{match['tail'] or ''}"
    try:
        money.read_money(new)
    except money.CurrencyError:
        return None
    except ValueError:
        pass                                # "1.500k": the column's decimal mark decides
    return new, match["suf"], _WORDS[word]


_HANGUL_WORDS = ("만", "억", "천")
_PLAIN = re.compile(r"^[0-9.,' +-]*$")


def _bare(text: str) -> bool:
    """`text` reads as an amount naming no currency."""
    try:
        return money.read_money(text).currency is None
    except ValueError:
        return False


def _norm(v: object) -> str | None:
    if type(v) is not str or not v.strip():
        return None
    return unicodedata.normalize("NFKC", v).strip() if not v.isascii() else v.strip()


class AmountNotes:
    """The magnitude suffixes and tax notes of an import's amount columns (`columns`:
    file column -> heading)."""

    def __init__(self, columns: dict[int, str], currency: str | None = None, language: str | None = None):
        self.columns = dict(columns)
        self.currency = currency        # the import's --currency, when given
        self.language = language        # the language the file's headings are written in (heading_language)
        self.mil: dict[int, list[str]] = {c: [] for c in columns}      # "15 mil" examples
        self.mil_rows: dict[int, int] = {c: 0 for c in columns}
        self.lakh_letter: dict[int, list[str]] = {c: [] for c in columns}    # "50L" examples
        self.lakh_letter_rows: dict[int, int] = {c: 0 for c in columns}
        self.rupees: dict[int, str] = {}       # a cell of the column naming rupees ("₹ 1.2 Cr", "Rs. 500")
        self.indian: dict[int, list[str]] = {c: [] for c in columns}   # "1.5 lakh": Indian words, no currency
        self.indian_rows: dict[int, int] = {c: 0 for c in columns}
        self.inr: set[int] = set()      # columns whose bare lakh and crore amounts are decided INR
        self.suffixes: dict[int, dict[str, list[str]]] = {c: {} for c in columns}   # scale word -> examples
        self.suffix_rows: dict[int, int] = {c: 0 for c in columns}
        self.units: dict[int, list[str]] = {c: [] for c in columns}      # "5 min": a unit after the number
        self.taxes: dict[int, dict[str, list[str]]] = {c: {} for c in columns}    # incl/excl -> examples
        self.tax_rows: dict[int, dict[str, int]] = {c: {} for c in columns}
        self.words: dict[int, list[str]] = {c: [] for c in columns}      # "'120만원' = 1,200,000"
        self.word_rows: dict[int, int] = {c: 0 for c in columns}
        self.hangul: dict[int, list[str]] = {c: [] for c in columns}     # "3억": Korean number words, no currency
        self.hangul_rows: dict[int, int] = {c: 0 for c in columns}
        self.named: dict[int, dict[str, str]] = {c: {} for c in columns}  # currency a cell names -> example
        self.krw: set[int] = set()      # columns whose bare Korean number words are decided KRW
        self.active = bool(columns)

    def add(self, values: list) -> None:
        n = len(values)
        for c in self.columns:
            text = _norm(values[c]) if c < n else None
            if text is not None and not _PLAIN.match(text):
                self._currency_seen(c, text)
            if text is None or not any(ch.isalpha() for ch in text):
                continue
            shown = values[c].strip()[:30]
            if c not in self.rupees and _INR_MARK.search(text):
                self.rupees[c] = shown
            if (tax := tax_note(text)) is not None:
                rest, kind, _note = tax
                self.tax_rows[c][kind] = self.tax_rows[c].get(kind, 0) + 1
                examples = self.taxes[c].setdefault(kind, [])
                if len(examples) < EXAMPLES:
                    examples.append(shown)
                text = rest
            if (mag := magnitude(text)) is not None:
                self.suffix_rows[c] += 1
                if mag[2] in _INDIAN_WORDS and _bare(mag[0]):
                    self.indian_rows[c] += 1
                    if len(self.indian[c]) < EXAMPLES:
                        self.indian[c].append(shown)
                if mag[1].casefold() == _MIL:
                    self._currency_seen(c, mag[0])          # "R$ 15 mil": the currency written with it
                    self.mil_rows[c] += 1
                    if len(self.mil[c]) < EXAMPLES:
                        self.mil[c].append(shown)
                if mag[1] == _LAKH_LETTER:
                    self.lakh_letter_rows[c] += 1
                    if len(self.lakh_letter[c]) < EXAMPLES:
                        self.lakh_letter[c].append(shown)
                examples = self.suffixes[c].setdefault(mag[2], [])
                if len(examples) < EXAMPLES:
                    examples.append(shown)
            elif any(w in text for w in money._MULTIPLIERS):
                # "120만원", "1.2万", "3억": number words domain.money reads; said with their reading
                self.word_rows[c] += 1
                if len(self.words[c]) < EXAMPLES:
                    try:
                        amount = money.read_money(text).amount
                    except ValueError:
                        amount = None
                    if amount is not None:
                        self.words[c].append(f"'{shown}' = {amount:,f}")
            elif (unit := _UNIT_WORD.match(text)) is not None and not money.currency_candidates(unit["word"]):
                if len(self.units[c]) < EXAMPLES:
                    self.units[c].append(text[:30])

    def _currency_seen(self, c: int, text: str) -> None:
        """Note the currency `text` names, and a Korean number word written without one."""
        try:
            # "$15 mil" with --currency MXN: the "$" is the given currency's
            reading = money.read_money(text, prefer=(self.currency,) if self.currency else ())
        except ValueError:
            return
        if reading.currency:
            self.named[c].setdefault(reading.currency, text[:30])
        elif any(w in text for w in _HANGUL_WORDS):
            self.hangul_rows[c] += 1
            if len(self.hangul[c]) < EXAMPLES:
                self.hangul[c].append(text[:30])

    def _korean_won(self, c: int, header: str) -> dict | None:
        """"3억" beside "120만원": Korean number words are written of won; the column's bare
        ones are KRW when no cell names another currency, else the import stops."""
        if not self.hangul_rows[c]:
            return None
        other = {k: v for k, v in self.named[c].items() if k != "KRW"}
        if other:
            raise ImportRefused(
                f"column '{header}' writes amounts in Korean number words without a currency "
                f"({', '.join(repr(e) for e in self.hangul[c])}), which are won (KRW), beside amounts in "
                f"{', '.join(sorted(other))} ({', '.join(repr(e) for e in other.values())}): cims cannot tell "
                "which currency the bare ones are in. Write the currency after them ('3억원') or give a Currency "
                "column, and import again. Nothing was imported.")
        self.krw.add(c)
        return {"what": f"currency of Korean number words in '{header}'",
                "decided": f"{self.hangul_rows[c]} amount(s) in Korean number words without a currency read as "
                           "KRW (원): " + ", ".join(repr(e) for e in self.hangul[c]),
                "evidence": "Korean number words (만, 억, 천) are written of won"
                            + (", as the column's other cells say ('" + self.named[c]["KRW"] + "')"
                               if "KRW" in self.named[c] else "") + ", and no cell names another currency"}

    def _lakh_letter(self, c: int, header: str) -> str:
        """"50L" is 50 lakh in an Indian file (the column names rupees, or --currency INR);
        elsewhere L may be litres, and the import stops."""
        if self.currency == "INR":
            return "; 'L' read as lakh: --currency INR"
        if c in self.rupees:
            return f"; 'L' read as lakh: the column names rupees ('{self.rupees[c]}')"
        raise ImportRefused(
            f"column '{header}' has amounts written with 'L' after the number "
            f"({', '.join(repr(e) for e in self.lakh_letter[c])}, {self.lakh_letter_rows[c]} cell(s)): in India "
            "that is lakh (100,000), elsewhere it may be litres, and no cell of the column names rupees. "
            "Give --currency INR if they are lakh of rupees, or write the amounts in full (5000000 for 50L). "
            "Nothing was imported.")

    def _mil(self, c: int, header: str) -> str:
        """"15 mil" is 15,000 in a Spanish or Portuguese file; in English "mil" is short for
        million. Read as thousand where the file's headings are Spanish or Portuguese, or
        the currency of the column's amounts (or --currency) is legal tender only where
        one of them is official (BRL, MXN, ARS …, CLDR via babel); else the import stops."""
        from .file_language import english_currencies, home_currencies

        ours = frozenset().union(*(home_currencies(lang) for lang in _MIL_LANGUAGES))
        english = english_currencies()
        if self.language in _MIL_LANGUAGES:
            return f"; 'mil' read as thousand: the file's headings are {self.language_name()}"
        codes = set(self.named[c]) | ({self.currency} if self.currency else set())
        if codes and all(code in ours and code not in english for code in codes):
            return f"; 'mil' read as thousand (Spanish, Portuguese): the amounts are in {', '.join(sorted(codes))}"
        raise ImportRefused(
            f"column '{header}' has amounts written with 'mil' after the number "
            f"({', '.join(repr(e) for e in self.mil[c])}, {self.mil_rows[c]} cell(s)): in Spanish and Portuguese "
            "that is thousand (15 mil = 15,000), in English shorthand million, and neither the file's headings nor "
            "the amounts' currency say which language it is. Give --currency CODE when they are of a Spanish- or "
            "Portuguese-speaking country's currency (e.g. --currency BRL, --currency MXN), or write the amounts "
            "in full (15000 for 15 mil). Nothing was imported.")

    def language_name(self) -> str:
        from .heading_language import language_name
        return language_name(self.language) if self.language else ""

    def _indian_rupees(self, c: int, header: str) -> dict | None:
        """"1.5 lakh", "2 crore" without a currency: India's number words, written of rupees;
        the column's bare ones are INR when no cell names another currency and no
        --currency is given, else the import stops."""
        if not self.indian_rows[c] or self.currency:
            return None
        other = {k: v for k, v in self.named[c].items() if k != "INR"}
        if other:
            raise ImportRefused(
                f"column '{header}' writes amounts in lakh or crore without a currency "
                f"({', '.join(repr(e) for e in self.indian[c])}), India's number words, beside amounts in "
                f"{', '.join(sorted(other))} ({', '.join(repr(e) for e in other.values())}): cims cannot tell "
                "which currency the bare ones are in. Give --currency CODE for them, or write the currency with "
                "them ('₹ 1.5 lakh'), and import again. Nothing was imported.")
        self.inr.add(c)
        return {"what": f"currency of lakh and crore amounts in '{header}'",
                "decided": f"{self.indian_rows[c]} amount(s) in lakh or crore without a currency read as INR (₹): "
                           + ", ".join(repr(e) for e in self.indian[c]),
                "evidence": "lakh and crore are India's number words"
                            + (f", as the column's other cells say ('{self.rupees[c]}')" if c in self.rupees else "")
                            + ", and no cell names another currency (--currency CODE says otherwise)"}

    def decide(self) -> list[dict]:
        """Inferences for the summary; ImportRefused for a column whose suffixes sit beside
        unit words, or whose amounts are some with tax and some without."""
        out: list[dict] = []
        for c, header in self.columns.items():
            kinds = self.taxes[c]
            if len(kinds) > 1:
                raise ImportRefused(
                    f"column '{header}' holds amounts with tax ({', '.join(repr(e) for e in kinds['incl'])}) and "
                    f"amounts without ({', '.join(repr(e) for e in kinds['excl'])}): one amount cannot mean both, "
                    "and cims does not know the tax rate. Write them alike (all with tax, or all without), or "
                    "give the two kinds in two columns (the other one is kept in Notes with --map 'HEADER=Notes'). "
                    "Nothing was imported.")
            if kinds:
                kind = next(iter(kinds))
                out.append({"what": f"tax notes in '{header}'",
                            "decided": f"amounts {_TAX_WORDS[kind]}: {self.tax_rows[c][kind]} cell(s) say so, the "
                                       "note is left out and the amount stored as written",
                            "evidence": "every tax note of the column says the same (e.g. "
                                        + ", ".join(repr(e) for e in kinds[kind]) + ")"})
            if self.suffix_rows[c]:
                shown = "; ".join(f"{word}: " + ", ".join(repr(e) for e in ex) for word, ex in self.suffixes[c].items())
                if self.units[c]:
                    raise ImportRefused(
                        f"column '{header}' has amounts with a magnitude suffix ({shown}) beside cells with a unit "
                        f"({', '.join(repr(e) for e in self.units[c])}): 'k', 'm' and 'M' may be thousands and "
                        "millions or kilos, metres and minutes. Write the amounts in full (10000 for 10k) and the "
                        "other values in a column of their own. Nothing was imported.")
                lakh_why = ""
                if self.lakh_letter_rows[c]:
                    lakh_why = self._lakh_letter(c, header)
                if self.mil_rows[c]:
                    lakh_why += self._mil(c, header)
                out.append({"what": f"magnitude suffixes in '{header}'",
                            "decided": f"{self.suffix_rows[c]} amount(s) read with their suffix: k/thousand = "
                                       "thousand, M/m/mn/MM/Mio./million = million, bn/B/Mrd./billion/milliard = "
                                       "billion, lakh/lac/L = 100,000, crore = 10,000,000"
                                       + (", mil = thousand" if self.mil_rows[c] else "") + " (" + shown + ")",
                            "evidence": "an amount column, and no cell of it writes a unit after its number"
                                        + lakh_why})
            if (won := self._korean_won(c, header)) is not None:
                out.append(won)
            if (rupees := self._indian_rupees(c, header)) is not None:
                out.append(rupees)
            if self.words[c]:
                out.append({"what": f"number words in '{header}'",
                            "decided": f"{self.word_rows[c]} amount(s) read with their number word (万/만 = 10,000, "
                                       "亿/억 = 100,000,000, 千/천 = 1,000): " + ", ".join(self.words[c]),
                            "evidence": "the number word written after the number"})
        return out

    def rewrite(self, values: list) -> list:
        """`values` with the amount cells' tax notes left out and their magnitude suffixes
        written as number words domain.money reads ("$1.5M" -> "$1.5百万")."""
        out = values
        n = len(values)
        for c in self.columns:
            v = values[c] if c < n else None
            text = _norm(v)
            if text is None or not any(ch.isalpha() for ch in text):
                continue
            new = text
            if (tax := tax_note(new)) is not None:
                new = tax[0]
            if (mag := magnitude(new)) is not None:
                new = mag[0]
                if c in self.inr and mag[2] in _INDIAN_WORDS and _bare(new):
                    new = f"₹{new}"      # "1.5 lakh" in a column of rupees (_indian_rupees)
            if c in self.krw and any(w in new for w in _HANGUL_WORDS) and _bare(new):
                new = f"{new}원"         # "3억" in a column of won (_korean_won)
            if new != text:
                if out is values:
                    out = list(values)
                out[c] = new
        return out
