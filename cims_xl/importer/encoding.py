"""Which text encoding a CSV file is written in, decided on evidence or not at all.

"It decodes" is no evidence: the byte pair of "çã" in cp1252 is also a valid GB2312
character, and almost any byte string decodes as cp1251. So every plausible reading
of the file's non-ASCII lines is weighed with charset-normalizer's mess measure
(`charset_normalizer.md.mess_ratio`: a CJK character between Latin letters of one
word, Cyrillic inside a Latin word, odd case changes and symbols all count as mess),
and for the CJK encodings with the share of characters common in that language, and
with our own word-shape check (`_odd_words`), which short files need. The
reading with clearly the least mess wins; when two readings that give different
text stay about as plausible, `EncodingUncertain` stops the import and shows both.

UTF-8 is decided by validity: text with UTF-8 multi-byte sequences and no invalid
byte is UTF-8. A file that is UTF-8 except for a few bytes (one stray 0xFF) is
damaged UTF-8, not cp1251: it stops with the line, unless the user says
`--encoding utf-8`, when the unreadable bytes are kept visible as U+FFFD "�" and
the summary says how many there were.

Candidates weighed when the file is not UTF-8: gb18030, big5, cp932 (Shift_JIS),
cp1252 (Western Windows "ANSI"), cp1251 (Cyrillic Windows), and the regional code
pages cp949 (Korean; EUC-KR is its subset), EUC-JP (Japanese on Unix), cp1250 and
ISO-8859-2 (Central European: they differ in Ą ą Ś ś Š š Ť ť Ź ź Ž ž; "Śląsk" in
ISO-8859-2 reads "¦l±sk" in Windows-1250, symbols inside a word), cp1253 (Greek), cp1254 (Turkish), cp1255 (Hebrew),
cp1256 (Arabic), cp1257 (Baltic), cp1258 (Vietnamese), KOI8-R and KOI8-U (Ukrainian
і ї є ґ), CP866 (Cyrillic DOS), ISO-8859-15 (Latin-9, "€" at 0xA4), Mac Roman, and the
DOS code pages CP850 (Western), CP437 (United States) and CP852 (Central European),
which must be better by DOS_BIAS.
(ISO-8859-1 reads every byte as Windows-1252 does except 0x80-0x9F, control
characters in it: its text is taken as Windows-1252.) A regional reading must be
better by REGIONAL_BIAS (they read common text as well, only differently). Beyond the
mess measure every reading is weighed with:
- whether each word's accented letters are one language's alphabet (CLDR exemplar
  characters: "Dvoøák" mixes Danish ø and Czech á, "Dvořák" is Czech);
- whether each line's words fit one language (a line is one customer: "Hélène Crème
  Brûlée à" is French; its cp1250 reading "Hélčne Crčme Brűlée ŕ" no one language);
- whether the letter pairs around each accented letter (a word's start and end
  included) occur in CLDR's own texts of a language whose alphabet holds the word
  ("François": "nç", "ço"; its Windows-1257 reading "Franēois": "ēo" in none);
- when the file has a country column (found by its header as the import maps it),
  whether each row's words are in the alphabet of its country's official languages
  (CLDR via babel): "Gdańsk" in a row of Poland, "Gdañsk" in a row of Spain;
- for Greek and Cyrillic words, vowels and Greek's accent and final-sigma rules;
- for Cyrillic, Greek, Hebrew and Arabic words, whether they are pronounceable in a
  language of their script: the share of their runs of three letters (start and end
  included) found in the 20,000 commonest words of Russian, Ukrainian, Bulgarian,
  Macedonian, Greek, Hebrew, Arabic, Persian or Urdu (wordfreq). GBK "莫强" read as
  Windows-1251 is "ДЄЗї", as Windows-1256 "ؤھا؟": no word of those languages holds
  them (`_script_word_fit`); a short Hebrew file's Windows-1251 reading "гег ажемай"
  loses likewise;
- for every reading, whether each row's words are in a script written by the languages
  of the countries its ASCII cells name: its country column ("China", "CN") and its
  international phone numbers ("+86 …"): Hangul in a "+86" row is not (`_region_fit`);
- for CJK readings, the share of their characters that occur in the language's common
  words (wordfreq: a name's characters "翁怡君" do, though CLDR's texts hold few of them;
  a Latin file read as GB18030 gives characters of no common word), and, relative to the
  best CJK reading, the share of characters that CLDR's own texts in that language
  use (babel's locale data: Korean read as GB18030 gives rare characters such as "辫刮荐"),
  kana counting against a Chinese or Korean reading (GB2312 and KS X 1001 hold kana at
  the bytes of EUC-JP's: "有限会社テスト" in EUC-JP reads "铜嘎柴家テスト" in GB18030);
  and, relative to the best CJK reading, how many neighbouring characters sit together
  in a word of the language's ~30,000 commonest (wordfreq) and how many characters
  occur in them (`_word_fit`: "田中,京都" in EUC-JP reads "拍面,叠旁" in GB18030,
  common characters that no Chinese word puts together).
When readings giving different text stay within CLOSE of each other (a two-line file
"Piotr,Gdańsk" is Polish in cp1250 and Spanish-looking in cp1252), the import stops
and names each reading of the first differing cell with its `--encoding` option.
When the evidence is thin (fewer than THIN_WORDS distinct accented words, no country
column, a Latin-script best reading: one customer "Gülşen Doğru" reads as plausibly as
Estonian-looking "Gülžen Došru" in cp1257), a reading must win by THIN_CLOSE, else the
import stops naming every reading within that margin, least garbled first.
Any other Python codec is used when given with `--encoding NAME`.

Valid UTF-8 is looked through for text saved twice ("JosÃ© MÃ¼ller": UTF-8 read as
Windows-1252 and saved again as UTF-8, found and repaired with ftfy): the import stops
naming the column and what the text probably was, and `--encoding utf-8-double`
repairs it line by line as it is read. A file whose non-ASCII lines are partly UTF-8
and partly not (rows pasted from an older file, "张伟" in UTF-8 above "李四" in GBK)
stops naming both sets of lines and how each reads, the others in the code page their
own bytes decide (weighed as above), and `--encoding utf-8-or-NAME` reads each line
that is not UTF-8 in NAME, the others as UTF-8 (see line_codecs). One UTF-8 line is
evidence enough when it reads clearly better as UTF-8 than in that code page: a short
GBK line is valid UTF-8 now and then, and then reads as common Chinese in GBK and as
scripts thrown together in UTF-8 (`_refuse_mixed`).
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
import unicodedata
from dataclasses import dataclass

from . import line_codecs
from .errors import ImportRefused

line_codecs.register()          # --encoding utf-8-double and utf-8-or-NAME (see line_codecs)

_WORDS = re.compile(r"[\s!-/:-@\[-`{-~\u3000-\u3002\uff0c]+")

CANDIDATES = ("gb18030", "big5", "cp932", "cp1252", "cp1251")
# Taken only when clearly better than every reading in CANDIDATES (see the docstring).
REGIONAL = ("cp949", "euc_jp", "cp1250", "iso8859_2", "cp1253", "mac_roman", "cp1254", "cp1257", "cp1255",
            "cp1256", "cp1258", "koi8_r", "koi8_u", "cp866", "iso8859_15", "cp850", "cp437", "cp852")
REGIONAL_BIAS = 0.03         # a regional reading must be this much better to win (see the docstring)
DOS = frozenset({"cp850", "cp437", "cp852", "cp866"})
DOS_BIAS = 0.3               # ... and a DOS one this much, and it is no rival to a better reading in
#                              another code page when the evidence is thin: files from DOS programs are
#                              rare now, a Windows file's few accented words often read as letters in
#                              them too ("Währung" is "Wõhrung" in CP850, "Łukasz" "úukasz"), while a
#                              DOS file read as Windows gives symbols and gaps ("Fran‡ois", "Pe¤a")
LANGUAGE_WEIGHT = 0.5        # the whole file's words fitting one language
COUNTRY_WEIGHT = 1.0         # each row's words fitting its country's language
PAIRS_WEIGHT = 0.3           # accented letters beside the letters their language writes them beside
LATIN_RUNS_WEIGHT = 1.0      # accented letters in runs of three the common words of their language hold
#                              (CP850 "Straße" read as Windows-1252 is "Straáe": "aáe" is in no language's words)
RUNS_WORDS = 3               # ... weighed on this many different words or more
CJK_PAIRS_WEIGHT = 1.0       # CJK characters beside the ones their language's words put them beside
SCRIPT_WORDS_WEIGHT = 1.0    # Cyrillic, Greek, Hebrew, Arabic letters beside the ones their words put them beside
#                              (see SCRIPT_WORDS_REACH below)
REGION_WEIGHT = 0.5          # a row's words in a script its country's (phone's) languages write
MINOR_SHARE = 0.02           # a regional reading differing in this share of words or less is noise
CJK = {"gb18030", "big5", "cp932", "cp949", "euc_jp"}
_CJK_LOCALE = {"gb18030": "zh", "big5": "zh_Hant", "cp932": "ja", "cp949": "ko", "euc_jp": "ja"}
WEIGH_CHARS = 64 * 1024      # non-ASCII lines looked at when weighing readings
PRUNE_CHARS = 4 * 1024       # ... every reading weighed on this many first (more lines than that)
PRUNE_MARGIN = 1.0           # ... and only those this close to the best there on all of them
CLOSE = 0.05                 # mess ratios closer than this cannot tell two readings apart
THIN_WORDS = 8               # fewer distinct non-ASCII words than this are thin evidence
THIN_CLOSE = (0.6, 0.2)      # ... and a reading must then win by this much (up to 3 words, more)
SCRIPT_WORDS_REACH = max(PRUNE_MARGIN, *THIN_CLOSE, CLOSE)    # readings weighed by SCRIPT_WORDS_WEIGHT
#                              only this near the best: the measure only adds, farther ones lose anyway
SHOWN = 5                    # readings named in the stop message (all within THIN_CLOSE when thin)

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))

NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with BOM)", "utf-16": "UTF-16", "utf-16-le": "UTF-16",
         "utf-16-be": "UTF-16", "utf-32": "UTF-32", "gb18030": "GB18030 (Chinese, simplified)",
         "big5": "Big5 (Chinese, traditional)", "cp932": "Shift_JIS (Japanese)",
         "cp1252": "Windows-1252 (Western European)", "cp1251": "Windows-1251 (Cyrillic)",
         "cp949": "EUC-KR / CP949 (Korean)", "cp1250": "Windows-1250 (Central European)",
         "cp1253": "Windows-1253 (Greek)", "mac_roman": "Mac Roman (old Mac Western)",
         "cp1254": "Windows-1254 (Turkish)", "cp1257": "Windows-1257 (Baltic)",
         "cp1255": "Windows-1255 (Hebrew)", "cp1256": "Windows-1256 (Arabic)",
         "cp1258": "Windows-1258 (Vietnamese)", "koi8_r": "KOI8-R (Russian)",
         "iso8859_15": "ISO-8859-15 (Latin-9, Western European with €)", "ascii": "ASCII",
         "euc_jp": "EUC-JP (Japanese, Unix)", "iso8859_2": "ISO-8859-2 (Latin-2, Central European)",
         "koi8_u": "KOI8-U (Ukrainian)", "cp866": "CP866 (Cyrillic, DOS)",
         "cp850": "CP850 (Western European, DOS)", "cp437": "CP437 (DOS, United States)",
         "cp852": "CP852 (Central European, DOS)"}


class EncodingUncertain(ImportRefused):
    """The file's bytes read as more than one plausible text, or as damaged UTF-8.

    names: the codecs of the plausible readings, likeliest first (empty when none is)."""

    def __init__(self, message: str, names: tuple[str, ...] = ()):
        super().__init__(message)
        self.names = tuple(names)


@dataclass(frozen=True)
class Encoding:
    """The decision: the codec name, why, and how to decode (errors="replace" only when asked)."""

    name: str
    evidence: str
    errors: str = "strict"
    replaced: int = 0           # bytes that could not be read (only with errors="replace")

    @property
    def label(self) -> str:
        return describe(self.name)


def describe(name: str) -> str:
    """A readable name for a codec ("cp1252" -> "Windows-1252 (Western European)")."""
    try:
        key = codecs.lookup(name).name
    except LookupError:
        return name
    if key == line_codecs.DOUBLE:
        return "UTF-8, repaired where it was saved twice (\"JosÃ©\" read as \"José\")"
    fallback = line_codecs.fallback_of(key)
    if fallback:
        return f"UTF-8, and {describe(fallback)} for the lines that are not UTF-8"
    key = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf_16": "utf-16", "utf-16": "utf-16",
           "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be", "gb18030": "gb18030", "big5": "big5",
           "cp932": "cp932", "cp1252": "cp1252", "cp1251": "cp1251", "cp949": "cp949",
           "euc_kr": "cp949", "cp1250": "cp1250", "cp1253": "cp1253", "mac-roman": "mac_roman",
           "mac_roman": "mac_roman", "koi8-r": "koi8_r", "iso8859-15": "iso8859_15", "euc_jp": "euc_jp",
           "iso8859-2": "iso8859_2", "koi8-u": "koi8_u"}.get(key, key)
    return NAMES.get(key, name)


def check_codec(name: str) -> str:
    """The Python codec for `--encoding NAME`; ImportRefused when there is none."""
    try:
        return codecs.lookup(str(name).strip()).name
    except LookupError:
        raise ImportRefused(f"--encoding {str(name)[:40]!r} is not an encoding Python knows; "
                            "try utf-8, cp1252, gb18030, big5, shift_jis or cp1251") from None


def bom_or_utf16(sample: bytes) -> str | None:
    """An encoding the bytes announce (BOM) or show (UTF-16's NUL pattern), or None."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if len(sample) >= 4:
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) // 2
        if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
            return "utf-16-le"
        if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
            return "utf-16-be"
        # Text mostly in CJK or another script has few NULs, but in UTF-16 every one of
        # them is the high byte of an ASCII character (the delimiters, the line ends):
        # all on one side, and the whole reads as clean text.
        for nuls, others, name in ((odd_nuls, even_nuls, "utf-16-le"), (even_nuls, odd_nuls, "utf-16-be")):
            if nuls >= 2 and not others and _clean_text(sample[: len(sample) & ~1], name):
                return name
    return None


def _clean_text(sample: bytes, name: str) -> bool:
    try:
        text = codecs.getincrementaldecoder(name)().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return not any(ord(c) < 32 and c not in "\t\r\n" for c in text)


def decide(sample: bytes, *, complete: bool, file_name: str, given: str | None = None) -> Encoding:
    """The encoding of a text file whose first bytes (all of them when `complete`) are `sample`.

    given: the user's `--encoding` (wins; damaged bytes then show as "�").
    Raises EncodingUncertain when the evidence does not decide.
    """
    if given:
        name = check_codec(given)
        replaced = _undecodable(sample, name, complete)
        how = f"given with --encoding {given}"
        if replaced:
            how += f"; {replaced} unreadable byte(s) kept as \ufffd"
        how += _line_codec_evidence(sample, name, complete)
        return Encoding(name, how, errors="replace" if replaced else "strict", replaced=replaced)
    announced = bom_or_utf16(sample)
    if announced == "utf-8-sig":
        # A UTF-8 byte order mark does not vouch for every byte after it: a stray byte
        # typed in another program is damaged UTF-8 (shown with its line), as below.
        body = codecs.getincrementaldecoder("utf-8")("replace").decode(sample[3:], final=complete)
        if "\ufffd" in body and "\ufffd".encode() not in sample:
            _refuse_damaged(sample, body.count("\ufffd"), file_name)
        _refuse_double(sample, body, file_name)
    if announced:
        return Encoding(announced, "byte order mark" if sample[:2] in (b"\xff\xfe", b"\xfe\xff")
                        or sample[:3] == codecs.BOM_UTF8 else "UTF-16 byte pattern")
    if sample.isascii():
        return Encoding("utf-8", "only ASCII characters")
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample, final=complete)
    # U+FFFD the file itself holds (EF BF BD) is valid UTF-8, not a byte that is not
    bad = text.count("\ufffd") - sample.count("\ufffd".encode())
    if not bad:
        _refuse_double(sample, text, file_name)
        return Encoding("utf-8", "valid UTF-8 throughout" + _lost_before(text))
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    if good >= 3 and good >= 2 * bad:
        _refuse_damaged(sample, bad, file_name)
    # UTF-8 lines beside lines in a code page: weighed line set by line set, since a
    # short GBK line is valid UTF-8 now and then (see _refuse_mixed)
    _refuse_mixed(sample, complete, file_name, bad)
    return _weigh(sample, complete, file_name)


def _refuse_damaged(sample: bytes, bad: int, file_name: str):
    """Stop for a UTF-8 file with bytes that are not UTF-8. The lines holding them are
    weighed as a file of their own (`_weigh`): when they read as text in a code page
    (rows pasted from an older file), the message shows them so and offers
    `--encoding utf-8-or-NAME`, which reads each such line in NAME and loses nothing."""
    line, shown = _first_bad_line(sample)
    offer = ""
    header, numbers, lines = _not_utf8_lines(sample)
    names: tuple[str, ...] = ()
    if lines:
        try:
            names = (_weigh(header + b"\n".join(lines) + b"\n", True, file_name).name,)
        except EncodingUncertain as stop:
            names = stop.names[:3]
    names = tuple(n for n in names if n not in CJK or len(lines) > 1)
    if names:
        where = ", ".join(map(str, numbers[:5])) + (" …" if len(numbers) > 5 else "")
        reads = " or ".join(f"{lines[0].decode(n, 'replace')[:60]!r} in {describe(n)}" for n in names)
        options = " or ".join(f"--encoding {line_codecs.OR_PREFIX}{n}" for n in names)
        offer = (f" {len(numbers)} line(s) are not UTF-8 (line {where}); line {numbers[0]} reads {reads}. "
                 f"Give {options} to read those lines so and the others as UTF-8 (nothing lost). Or")
    raise EncodingUncertain(
        f"{file_name} is UTF-8 text except for {bad} byte(s) that are not valid UTF-8 "
        f"(first on line {line}: {shown!r}). Nothing was imported.{offer} {'f' if offer else 'F'}ix that "
        "text, or give --encoding utf-8 to import it with the unreadable byte(s) shown as \ufffd.",
        tuple(f"{line_codecs.OR_PREFIX}{n}" for n in names))


def _refuse_mixed(sample: bytes, complete: bool, file_name: str, bad: int) -> None:
    """Stop when some of the file's non-ASCII lines are UTF-8 and the others text in a
    code page ("张伟,…,上海" saved as UTF-8 above "李四,…,北京" in GBK): read in one encoding,
    one set of lines would be stored garbled ("寮犱紵" for "张伟"), so no single reading is
    taken. The message names both sets with an example of each and offers
    `--encoding utf-8-or-NAME` (line_codecs), which reads each line that is UTF-8 as UTF-8
    and the others in NAME, and says so in the summary.

    One line is enough evidence when its UTF-8 reading is clearly the less garbled of
    the two (`_utf8_reads_better`): text in a code page is rarely valid UTF-8, and when a
    short GBK line is (about one in a thousand), its UTF-8 reading is letters of scripts
    thrown together while its GBK reading is common Chinese, so it is weighed, not counted.
    Returns when the lines are all UTF-8, all not, or the UTF-8 ones read better in the
    code page of the others (a file in that code page)."""
    lines = sample.removeprefix(codecs.BOM_UTF8).splitlines()
    if not complete and lines:
        lines = lines[:-1]               # the last line may be cut in the middle
    utf8: list[tuple[int, bytes]] = []
    other: list[tuple[int, bytes]] = []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other.append((number, line))
        else:
            utf8.append((number, line))
    if not utf8 or not other:
        return
    taken = _cut(b"\n".join(line for _, line in utf8))
    # the UTF-8 lines are few beside a file in a code page: weighed in the common ones
    # first, before the other lines are weighed to find theirs
    if not all(_utf8_reads_better(taken, name) for name in CANDIDATES):
        return
    header = lines[0] + b"\n" if lines[0].isascii() else b""
    try:
        names: tuple[str, ...] = (_weigh(header + b"\n".join(line for _, line in other) + b"\n", True,
                                         file_name).name,)
    except EncodingUncertain as stop:
        names = tuple(n for n in stop.names[:3] if n in CANDIDATES + REGIONAL)
    if not names:
        _refuse_damaged(sample, bad, file_name)      # the other lines read as no text: damaged UTF-8
    if not all(_utf8_reads_better(taken, name) for name in names if name not in CANDIDATES):
        return
    first_utf8, first_other = utf8[0], other[0]
    where = lambda found: ", ".join(str(n) for n, _ in found[:5]) + (" …" if len(found) > 5 else "")  # noqa: E731
    shown = lambda line, name: repr(line.decode(name, "replace")[:60])                               # noqa: E731
    name = names[0]
    reads = " or ".join(f"{shown(first_other[1], n)} in {describe(n)}" for n in names)
    options = " or ".join(f"--encoding {line_codecs.OR_PREFIX}{n}" for n in names)
    raise EncodingUncertain(
        f"{file_name} mixes two text encodings: {len(utf8)} line(s) are UTF-8 (line {where(utf8)}): line "
        f"{first_utf8[0]} reads {shown(first_utf8[1], 'utf-8')}; {len(other)} line(s) are not UTF-8 "
        f"(line {where(other)}): line {first_other[0]} reads {reads}. Read in one encoding, one set would "
        f"be stored garbled (line {first_utf8[0]} in {describe(name)}: {shown(first_utf8[1], name)}). "
        f"Nothing was imported. Give {options} to read the UTF-8 lines as UTF-8 and the others so "
        "(nothing lost, the summary says how many), or save the file again in one encoding (UTF-8); "
        "--encoding utf-8 imports it with the other lines' letters shown as \ufffd.",
        tuple(f"{line_codecs.OR_PREFIX}{n}" for n in names))


def _cut(lines: bytes) -> bytes:
    """`lines` up to about WEIGH_CHARS bytes, cut at a line end."""
    if len(lines) <= WEIGH_CHARS:
        return lines
    cut = lines.rfind(b"\n", 0, WEIGH_CHARS)
    return lines[:cut] if cut > 0 else lines


def _utf8_reads_better(lines: bytes, name: str) -> bool:
    """Whether valid UTF-8 `lines` read clearly less garbled as UTF-8 than in code page
    `name` (by CLOSE), weighed alike: charset-normalizer's mess ratio, odd words, and for
    text with CJK characters how common they are (the best of the CJK languages for the
    UTF-8 reading, `name`'s language for its own, as `_score` does)."""
    from charset_normalizer.md import mess_ratio

    theirs = _score(lines, name)
    if theirs is None:
        return True                      # they do not even decode in `name`
    text = lines.decode("utf-8")
    ours = mess_ratio(text, 1.0) + _odd_words(text)
    if _CJK_CHAR.search(text):
        ours += 1.0 - max(_cjk_plausibility(text, n) for n in ("gb18030", "big5", "cp932", "cp949"))
    return ours + CLOSE < theirs[0]


_CJK_CHAR = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff]")


def _not_utf8_lines(sample: bytes) -> tuple[bytes, list[int], list[bytes]]:
    """(the header line when it is ASCII, else b"", the numbers of the lines that are not
    valid UTF-8, those lines)."""
    lines = sample.removeprefix(codecs.BOM_UTF8).splitlines()
    header = lines[0] + b"\n" if lines and lines[0].isascii() else b""
    numbers, bad = [], []
    for number, line in enumerate(lines, start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            numbers.append(number)
            bad.append(line)
    return header, numbers, bad


def _lost_before(text: str) -> str:
    """For the summary: the lines of valid UTF-8 `text` that hold U+FFFD themselves, a
    letter lost before this file was written (a program that could not read it wrote
    the replacement character instead). Nothing can bring it back; it is shown, never
    passed over. "" when there are none."""
    if "\ufffd" not in text:
        return ""
    lines = text.lstrip("\ufeff").split("\n")
    numbers = [n for n, line in enumerate(lines, start=1) if "\ufffd" in line]
    first = lines[numbers[0] - 1].strip()
    at = first.index("\ufffd")
    shown = first[max(0, at - 25):at + 25]
    return (f"; {len(numbers)} line(s) already hold \ufffd where a letter was lost before this file was "
            f"written (line {numbers[0]}: {shown!r}): correct them after the import")


def _refuse_double(sample: bytes, text: str, file_name: str) -> None:
    """Stop when lines of a UTF-8 text hold UTF-8 that was read as Windows-1252 and
    saved again ("JosÃ© MÃ¼ller" for "José Müller": ftfy's `fix_encoding` repairs
    them, see line_codecs), naming the column, an example and the options that settle
    it. Only lines with the tell-tale character pairs are looked at (line_codecs.MOJIBAKE)."""
    if not line_codecs.MOJIBAKE_BYTES.search(sample):
        return
    lines = text.lstrip("\ufeff").split("\n")
    found = [(number, line, line_codecs.repair(line)) for number, line in enumerate(lines, start=1)
             if line_codecs.MOJIBAKE.search(line)]
    found = [f for f in found if f[2] != f[1]]
    if not found:
        return
    number, line, fixed = found[0]
    column, (was, probably) = _differing_cells(sample.removeprefix(codecs.BOM_UTF8), "utf-8", [line, fixed])
    where = f"line {number}" + (f", column '{column}'" if column else "")
    lines_with = len([x for x in lines if not x.isascii()])
    raise EncodingUncertain(
        f"{file_name}: {len(found)} of {lines_with} line(s) with accented letters hold text saved twice as "
        f"UTF-8 (read as Windows-1252 once, then saved again): {where} has {was!r}, probably "
        f"{probably!r}.{_lost_in_saving(found)} Nothing was imported. Give --encoding {line_codecs.DOUBLE} "
        "to repair such text as it is read, or --encoding utf-8 to keep it as it is.",
        (line_codecs.DOUBLE, "utf-8"))


def _lost_in_saving(found: list[tuple[int, str, str]]) -> str:
    """Said when lines saved twice still hold U+FFFD once repaired: a letter whose second
    UTF-8 byte Windows-1252 has no character for (0x81, 0x8D, 0x8F, 0x90, 0x9D: Á, Í,
    Ï, Ð, Ý after "Ã") was written as the replacement character and cannot come back."""
    lost = [(number, fixed) for number, _line, fixed in found if "\ufffd" in fixed]
    if not lost:
        return ""
    number, fixed = lost[0]
    at = fixed.index("\ufffd")
    return (f" In {len(lost)} of those line(s) a letter was lost in the second saving and cannot be "
            f"repaired (line {number}: {fixed[max(0, at - 25):at + 25]!r}, e.g. \"Á\" or \"Í\"): "
            "correct them after the import.")


def _line_codec_evidence(sample: bytes, name: str, complete: bool) -> str:
    """What a line-by-line codec did to `sample`'s lines, for the summary ("" for others)."""
    fallback = line_codecs.fallback_of(name)
    if fallback:
        _, numbers, _ = _not_utf8_lines(sample)
        return f"; {len(numbers)} line(s) read as {describe(fallback)}, the others as UTF-8"
    if name == line_codecs.DOUBLE:
        text = sample.decode("utf-8", "replace")
        fixed = [(line, line_codecs.repair(line)) for line in text.splitlines()]
        repaired = sum(1 for line, after in fixed if after != line)
        lost = [after for line, after in fixed if after != line and "\ufffd" in after]
        out = f"; {repaired} line(s) repaired from text saved twice as UTF-8"
        if lost:
            at = lost[0].index("\ufffd")
            out += (f"; in {len(lost)} of them a letter lost in the second saving stays \ufffd "
                    f"({lost[0][max(0, at - 25):at + 25]!r}): correct them after the import")
        return out
    return ""


def _undecodable(sample: bytes, name: str, complete: bool) -> int:
    dec = codecs.getincrementaldecoder(name)("replace")
    text = dec.decode(sample, final=complete)
    clean = codecs.getincrementaldecoder(name)("ignore").decode(sample, final=complete)
    return max(0, text.count("\ufffd") - clean.count("\ufffd"))


def _first_bad_line(sample: bytes) -> tuple[int, str]:
    for number, line in enumerate(sample.removeprefix(codecs.BOM_UTF8).splitlines(), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number, line.decode("utf-8", "replace")[:60]
    return 1, ""


def _non_ascii_lines(sample: bytes, complete: bool) -> tuple[bytes, list[int]]:
    """The lines that hold non-ASCII bytes (up to WEIGH_CHARS), and their line numbers."""
    lines = sample.splitlines()
    if not complete and lines:
        lines = lines[:-1]               # the last line may be cut in the middle
    picked, numbers, size = [], [], 0
    for number, line in enumerate(lines, start=1):
        if not line.isascii():
            picked.append(line)
            numbers.append(number)
            size += len(line)
            if size >= WEIGH_CHARS:
                break
    return b"\n".join(picked), numbers


def _score(lines: bytes, name: str) -> tuple[float, float, str] | None:
    """(how garbled `lines` read in codec `name` look: charset-normalizer's mess ratio
    plus odd words plus, for CJK codecs, how implausible the characters are; that
    plausibility; the text), or None when they do not decode."""
    from charset_normalizer.md import mess_ratio

    try:
        text = lines.decode(name)
    except UnicodeDecodeError:
        return None
    if name == "cp1258":
        text = unicodedata.normalize("NFC", text)     # tone marks written apart (see readers)
    plausible = _cjk_plausibility(text, name) if name in CJK else 1.0
    return mess_ratio(text, 1.0) + _odd_words(text) + (1.0 - plausible), plausible, text


def _weigh(sample: bytes, complete: bool, file_name: str) -> Encoding:
    lines, numbers = _non_ascii_lines(sample, complete)
    countries = _CountryColumn.of(sample)
    names = CANDIDATES + REGIONAL
    if len(lines) > PRUNE_CHARS:
        # Every reading weighed on the first lines first; only those within PRUNE_MARGIN
        # of the best there (far more than any margin below) are weighed on all of them.
        cut = lines.rfind(b"\n", 0, PRUNE_CHARS)
        first = _readings(lines[:cut] if cut > 0 else lines.split(b"\n", 1)[0], names, countries)
        if first:
            least = min(r[0] for r in first)
            kept = {r[3] for r in first if r[0] <= least + PRUNE_MARGIN}
            names = tuple(n for n in names if n in kept)
    readings = _readings(lines, names, countries)
    if not readings:
        raise EncodingUncertain(
            f"{file_name}: the text encoding could not be recognised (it is not UTF-8, GB18030, "
            "Big5, Shift_JIS, Windows-1252 or Windows-1251). Nothing was imported. Save it again "
            "as UTF-8 CSV, or give its encoding with --encoding NAME.")
    readings.sort()
    best = readings[0]
    # A few accented words (one customer "Gülşen Doğru") read plausibly in several
    # single-byte code pages, and the measures then differ by chance: unless a country
    # column says which languages, a reading must win by THIN_CLOSE, else the import stops.
    words = len(set(_non_ascii_words(best[4])))
    thin = countries.index is None and best[3] not in CJK and _latin(best[4]) and words < THIN_WORDS
    margin = THIN_CLOSE[words > 3] if thin else CLOSE
    rivals = [r for r in readings[1:] if r[4] != best[4] and (
        r[0] - best[0] < CLOSE or r[3] not in CJK and r[0] - best[0] < margin)
        and not (thin and r[3] in DOS and best[3] not in DOS and not _dos_words_fit(r[4], best[4]))]
    minor = ""
    if best[3] in CANDIDATES:
        # A regional reading as plausible as a common one, that reads almost every word
        # the same (one product "Imàge" or "Imąge" among hundreds of "Bühler", "Résumé"
        # read alike): the common code page is taken, and the summary names the words.
        differing = {r[3]: _differing_words(best[4], r[4]) for r in rivals if r[3] in REGIONAL}
        minor = "; ".join(f"{len(words)} word(s) would read otherwise in {name} ('{words[0]}')"
                          for name, words in differing.items() if words and len(words) <= _minor(best[4]))
        rivals = [r for r in rivals if not (r[3] in differing and len(differing[r[3]]) <= _minor(best[4]))]
    if rivals:
        plausible = [best, *_distinct(rivals)]
        raise EncodingUncertain(_uncertain_message(file_name, sample, plausible, numbers, by_score=thin),
                                tuple(r[3] for r in sorted(plausible, key=lambda r: r[0])))
    others = ", ".join(f"{r[3]} {r[0]:.2f}" for r in readings[1:4]) or "none other"
    return Encoding(best[3], f"least garbled reading (mess {best[0]:.2f}, alphabets, languages, words of "
                             f"each script and common characters counted{countries.evidence}; next: {others})"
                             + (f"; {minor}" if minor else ""))


def _readings(lines: bytes, names: tuple[str, ...], countries: "_CountryColumn") -> list[tuple]:
    """Each reading of `lines` in the codecs `names` that decode them, as (how garbled,
    -plausibility, rank, name, text), regional code pages with REGIONAL_BIAS added and
    CJK readings weighed against each other by their words (`_weigh_cjk_words`)."""
    order = CANDIDATES + REGIONAL
    # (garbled, -plausibility, rank, name, text): equal readings go to the more common encoding
    readings: list[tuple[float, float, int, str, str]] = []
    seen: dict[str, float] = {}          # text -> score: code pages often read a file alike
    regions = _row_regions(lines, countries)
    for name in names:
        rank = order.index(name)
        if name not in CJK:
            try:
                text = lines.decode(name)
            except UnicodeDecodeError:
                continue
            if text in seen:
                readings.append((seen[text] + _bias(name), -1.0, rank, name, text))
                continue
        scored = _score(lines, name)
        if scored is not None:
            score, plausible, text = scored
            score += _refinement(name, text, countries) + REGION_WEIGHT * (1.0 - _region_fit(name, text, regions))
            if name not in CJK:
                seen[text] = score
            readings.append((score + _bias(name), -plausible, rank, name, text))
    return _weigh_script_words(_weigh_cjk_words(readings))


def _weigh_script_words(readings: list[tuple]) -> list[tuple]:
    """`readings` with each one in Cyrillic, Greek, Hebrew or Arabic letters raised by how
    unpronounceable its words are in a language of that script (`_script_word_fit`).
    Weighed least garbled first, and only while a reading could still win or be a rival
    (the measure only adds): a Latin file's Cyrillic reading ("Mьller") needs no word list."""
    readings = sorted(readings)
    best = float("inf")
    out = []
    for r in readings:
        if r[0] < best + SCRIPT_WORDS_REACH and r[3] not in CJK:
            r = (r[0] + SCRIPT_WORDS_WEIGHT * (1.0 - _script_word_fit(r[4])), *r[1:])
        best = min(best, r[0])
        out.append(r)
    return out


_PHONE = re.compile(r"\s*(?:\+|00)[1-9][\d\s().\-/]{6,}\Z")
_CJK_SCRIPTS = {"gb18030": {"Hans", "Hant"}, "big5": {"Hans", "Hant"}, "cp932": {"Jpan"}, "euc_jp": {"Jpan"},
                "cp949": {"Kore"}}
_LETTER_SCRIPTS = (("CYRILLIC", "Cyrl"), ("GREEK", "Grek"), ("HEBREW", "Hebr"), ("ARABIC", "Arab"),
                   ("HANGUL", "Kore"), ("HIRAGANA", "Jpan"), ("KATAKANA", "Jpan"), ("HALFWIDTH KATAKANA", "Jpan"),
                   ("CJK", "Hani"), ("THAI", "Thai"))


def _row_regions(lines: bytes, countries: "_CountryColumn") -> list[frozenset[str]]:
    """For each of `lines`, the countries its ASCII cells name: the country column's
    ("China", "CN"), and an international phone number's ("+86 138 …": China), whatever
    the text encoding (ASCII reads alike in all of them)."""
    import phonenumbers

    from ..domain.countries import region_for_country

    out = []
    for line in lines.split(b"\n"):
        found = set()
        try:
            cells = next(csv.reader(io.StringIO(line.decode("latin-1")), delimiter=countries.delimiter))
        except (csv.Error, StopIteration):
            cells = []
        for j, cell in enumerate(cells):
            if not cell.isascii():
                continue
            if j == countries.index:
                found.add(region_for_country(cell))
            elif _PHONE.match(cell):
                try:
                    number = phonenumbers.parse(cell.strip().replace("00", "+", 1) if cell.strip().startswith("00")
                                                else cell, None)
                except phonenumbers.NumberParseException:
                    continue
                found.add(phonenumbers.region_code_for_country_code(number.country_code))
        out.append(frozenset(r for r in found if r and r.isalpha()))
    return out


@functools.cache
def _region_scripts(region: str) -> frozenset[str]:
    """The scripts (ISO 15924) the official languages of `region` are written in (CLDR)."""
    from babel.core import get_global
    from babel.languages import get_official_languages

    likely = get_global("likely_subtags")
    scripts = set()
    for lang in get_official_languages(region, de_facto=True):
        parts = likely.get(lang, likely.get(lang.split("_")[0], "")).split("_")
        scripts.update(p for p in parts[1:2] if len(p) == 4)
    if scripts & {"Hans", "Hant"}:
        scripts.add("Hani")              # Chinese in either form: a GB18030 or Big5 reading's characters
    return frozenset(scripts)


def _region_fit(name: str, text: str, regions: list[frozenset[str]]) -> float:
    """Share of the words with non-Latin letters or only symbols, in lines whose ASCII
    cells name countries (`_row_regions`), that are in a script those countries'
    languages write: Hangul or Cyrillic words, or symbols ("¶∂≤Q™‚"), in a row whose
    phone is "+86 …" are not (China writes Han characters). A CJK reading's characters
    are its language's (Han characters read as Shift_JIS are Japanese). Countries whose
    languages are all written in Latin letters say nothing here (a Chinese name in a
    "+44" row is no misreading). 1.0 when no such line has such a word."""
    words = fit = 0
    for line, found in zip(text.split("\n"), regions):
        if not found:
            continue
        written = set().union(*map(_region_scripts, found))
        if not written - {"Latn"}:
            continue                     # "+44", "USA": people of every script live there
        for word in _WORDS.split(line):
            if word.isascii():
                continue
            marks = [c for c in word if ord(c) > 127 and c not in _TYPOGRAPHY]
            if not marks:
                continue
            # its non-ASCII letters' scripts, Latin aside (names are written in Latin letters
            # everywhere: "Đorđević" with a "+381" phone); symbols alone ("¶∂≤™‚") are no script's
            letters = {_script_code(c, name) for c in marks if c.isalpha()}
            scripts = letters - {"Latn"} if letters else {"other"}
            if not scripts:
                continue
            words += 1
            fit += scripts <= written
    return fit / words if words else 1.0


def _script_code(ch: str, name: str) -> str:
    if ord(ch) < 0x250:
        return "Latn"
    if name in _CJK_SCRIPTS and (0x2E80 <= ord(ch) <= 0xFFEF):
        # a CJK codec's characters are its language's: Han read as Shift_JIS is Japanese
        scripts = _CJK_SCRIPTS[name]
        return "Hani" if scripts == {"Hans", "Hant"} else next(iter(scripts))
    label = unicodedata.name(ch, "")
    if label.startswith("LATIN"):
        return "Latn"
    return next((code for prefix, code in _LETTER_SCRIPTS if label.startswith(prefix)), "other")


def _bias(name: str) -> float:
    """What a reading in code page `name` must be better by to win: DOS_BIAS for the DOS
    code pages, REGIONAL_BIAS for the other regional ones, none for CANDIDATES."""
    return DOS_BIAS if name in DOS else REGIONAL_BIAS if name in REGIONAL else 0.0


def _latin(text: str) -> bool:
    """Whether the non-ASCII letters of `text` are mostly Latin ones (not Greek, Cyrillic,
    Hebrew, Arabic or CJK, whose readings the word-shape measures tell apart)."""
    letters = [c for c in text if ord(c) > 127 and c.isalpha()]
    latin = sum(1 for c in letters if unicodedata.name(c, "").startswith("LATIN"))
    return bool(letters) and latin * 2 > len(letters)


def _non_ascii_words(text: str) -> list[str]:
    return [w for w in _WORDS.split(text) if not w.isascii()]


def _minor(text: str) -> int:
    """How many differing words are too few to weigh against the rest of the file
    (MINOR_SHARE of its non-ASCII words, never fewer than none)."""
    return int(len(_non_ascii_words(text)) * MINOR_SHARE)


def _differing_words(a: str, b: str) -> list[str]:
    """The words of reading `b` that differ from reading `a` (both of single-byte code
    pages, so word for word); every word when the readings do not align."""
    wa, wb = _non_ascii_words(a), _non_ascii_words(b)
    if len(wa) != len(wb):
        return wb
    return [y for x, y in zip(wa, wb) if x != y]


def _distinct(readings: list) -> list:
    """`readings` without a second reading of the same text (cp1252 and cp1254 read most
    bytes alike)."""
    seen, out = set(), []
    for r in readings:
        if r[4] not in seen:
            seen.add(r[4])
            out.append(r)
    return out


class _CountryColumn:
    """The file's country column (found by its header, as the import maps it), whose
    rows' countries say which languages, so which alphabets, their words are written in."""

    def __init__(self, index: int | None, delimiter: str):
        self.index, self.delimiter = index, delimiter

    @property
    def evidence(self) -> str:
        return "" if self.index is None else ", rows' countries"

    @classmethod
    def of(cls, sample: bytes) -> "_CountryColumn":
        from .mapping import entity_for, resolve_target

        header = sample.split(b"\n", 1)[0].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf").strip("\r")
        delimiter = max(",;\t|", key=header.count)
        try:
            heads = next(csv.reader(io.StringIO(header), delimiter=delimiter))
        except (csv.Error, StopIteration):
            return cls(None, delimiter)
        ent = entity_for("customers")
        for i, head in enumerate(heads):
            if not head.isascii():
                continue            # its letters depend on the reading; English headers are the rule
            try:
                if resolve_target(ent, head) == "country":
                    return cls(i, delimiter)
            except ImportRefused:
                continue
        return cls(None, delimiter)

    def fit(self, text: str) -> float:
        """Share of accented Latin words whose letters are in the alphabet of a language
        of their row's country (1.0 when no row's country has such a language)."""
        if self.index is None:
            return 1.0
        from babel.languages import get_official_languages

        from ..domain.countries import region_for_country

        words = fit = 0
        for line in text.split("\n"):
            try:
                cells = next(csv.reader(io.StringIO(line), delimiter=self.delimiter))
            except (csv.Error, StopIteration):
                continue
            if self.index >= len(cells):
                continue
            region = region_for_country(cells[self.index])
            if not region:
                continue
            alphabets = [_ALPHABETS[lang] for lang in get_official_languages(region, de_facto=True)
                         if lang in _ALPHABETS]
            if not alphabets:
                continue        # English, or a language we hold no alphabet for: no evidence
            for j, cell in enumerate(cells):
                if j == self.index:
                    continue
                for letters in _latin_words(cell):
                    words += 1
                    fit += any(letters <= a for a in alphabets)
        return fit / words if words else 1.0


def _refinement(name: str, text: str, countries: _CountryColumn) -> float:
    """The measures beyond charset-normalizer's mess that a reading is weighed with
    (CJK readings: see `_weigh_cjk_words`): whether each word's letters are one
    language's alphabet, whether the whole file's words are one language's, whether
    each row's words are its country's language's, and whether Greek and Cyrillic words
    hold vowels (and, in `_readings`, whether Cyrillic, Greek, Hebrew and Arabic words
    are pronounceable in a language of their script: `_script_word_fit`)."""
    if name in CJK:
        return 0.0                       # weighed with the other CJK readings (`_weigh_cjk_words`)
    lines = [_latin_words(line) for line in text.split("\n")]
    words = [w for line in lines for w in line]
    return ((1.0 - _alphabet_fit(words)) + LANGUAGE_WEIGHT * (1.0 - _language_fit(lines))
            + PAIRS_WEIGHT * (1.0 - _pairs_fit(text)) + LATIN_RUNS_WEIGHT * (1.0 - _latin_runs_fit(text))
            + COUNTRY_WEIGHT * (1.0 - countries.fit(text)) + (1.0 - _voweled(text)))


# The languages of each script (besides Latin and CJK) whose words a code page's reading
# is weighed against: the SCRIPT_WORDS commonest words of each in wordfreq's lists.
_SCRIPT_LANGUAGES = {"CYRILLIC": ("ru", "uk", "bg", "mk"), "GREEK": ("el",), "HEBREW": ("he",),
                     "ARABIC": ("ar", "fa", "ur")}
SCRIPT_WORDS = 20000


def _script_word_fit(text: str) -> float:
    """Mean, over the words of `text` written in Cyrillic, Greek, Hebrew or Arabic letters,
    of the share of their runs of three characters (a word's start and end included)
    that occur in a common word of a language of that script (the best one): how
    pronounceable the reading is there. GBK "莫强" read as Windows-1251 is "ДЄЗї": "дєз"
    and "ЄЗЇ" are in no Russian, Ukrainian, Bulgarian or Macedonian word; read as
    Windows-1256 it is "ؤھا؟", Arabic, Persian and Urdu letters no word of theirs puts
    together, ending in a question mark. 1.0 when there is no such word."""
    scores = [s for s in map(_script_word, _WORDS.split(text)) if s is not None]
    return sum(scores) / len(scores) if scores else 1.0


@functools.lru_cache(maxsize=8192)
def _script_word(word: str) -> float | None:
    if word.isascii():
        return None
    scripts = [s for s in (_letter_script(c) for c in word if c.isalpha()) if s]
    if not scripts:
        return None
    marked = "^" + _folded(word).translate(_DIGITS) + "$"          # "Петров2" is a word with a number
    runs = [marked[i:i + 3] for i in range(len(marked) - 2)]
    best = 0.0
    for lang in _SCRIPT_LANGUAGES[max(set(scripts), key=scripts.count)]:
        known = _word_runs(lang)
        best = max(best, sum(r in known for r in runs) / len(runs))
        if best == 1.0:
            break                        # the other languages' lists are not needed for it
    return best


_DIGITS = str.maketrans("", "", "0123456789")


def _folded(word: str) -> str:
    """`word` as wordfreq keeps words: case-folded (final sigma as σ), without vowel points
    and other combining marks, and "ё" written "е" as Russian mostly does."""
    return word.translate(_MARKS).casefold().replace("ё", "е")


# combining marks of the scripts weighed by their words (vowel points, harakat, accents written apart)
_MARKS = {cp: None for cp in range(0x300, 0x800) if unicodedata.category(chr(cp)).startswith("M")}


def _letter_script(ch: str) -> str | None:
    name = unicodedata.name(ch, "")
    return next((s for s in _SCRIPT_LANGUAGES if name.startswith(s)), None)


@functools.cache
def _word_runs(lang: str) -> frozenset[str]:
    """The runs of three characters, "^" and "$" marking a word's start and end, in the
    SCRIPT_WORDS commonest words of `lang` (wordfreq's "small" list)."""
    import itertools

    import wordfreq

    words = itertools.islice(wordfreq.iter_wordlist(lang, wordlist="small"), SCRIPT_WORDS)
    text = "\n^" + _folded("$\n^".join(words)) + "$\n"
    return frozenset({text[i:i + 3] for i in range(len(text) - 2)})


_VOWELS = frozenset("аеёиоуыэюяіїєўαεηιουωάέήίόύώϊϋΐΰ")


def _voweled(text: str) -> float:
    """Share of Greek and Cyrillic words (two letters or more) holding a vowel of their
    script, as words of those languages do: Greek bytes read as Cyrillic give
    "Рбрбдьрпхлпт" (1.0 when there is no such word)."""
    words = voweled = 0
    for word in _WORDS.split(text):
        letters = [c for c in word.lower() if c.isalpha()]
        if len(letters) < 2 or not all(0x370 <= ord(c) < 0x530 for c in letters):
            continue
        words += 1
        voweled += any(c in _VOWELS for c in letters)
    return voweled / words if words else 1.0


# Accented letters of the languages the Latin code pages write (CLDR exemplar
# characters, main set, lower case), by language code (CLDR's, as babel gives a
# country's languages): a word whose accented letters no single alphabet holds is a
# misreading, and a file's words mostly fit one language, or its rows' countries'.
_ALPHABETS: dict[str, frozenset[str]] = {code: frozenset(letters) for code, letters in (
    ("pl", "ąćęłńóśźż"),
    ("cs", "áčďéěíňóřšťúůýž"),
    ("sk", "áäčďéíĺľňóôŕšťúýž"),
    ("hu", "áéíóöőúüű"),
    ("ro", "ăâîșțşţ"),
    ("hr", "čćđšž"), ("bs", "čćđšž"), ("sl", "čšž"), ("sr", "čćđšž"),
    ("sq", "çë"),
    ("de", "äöüß"),
    ("fr", "àâæçéèêëîïôœùûüÿ"),
    ("es", "áéíñóúü"), ("gl", "áéíñóú"),
    ("pt", "áàâãçéêíóôõú"),
    ("it", "àèéìíîòóùú"),
    ("nl", "áäéëíïóöúü"),
    ("ca", "àçèéíïòóú·"),
    ("sv", "åäöé"),
    ("da", "åæøé"), ("nb", "åæøé"), ("no", "åæøé"),
    ("fi", "äöšžå"),
    ("is", "áðéíóúýþæö"),
    ("et", "äöõüšž"),
    ("cy", "âêîôûŵŷ"),
    ("tr", "çğıöşüâîû"),
    ("lt", "ąčęėįšųūž"),
    ("lv", "āčēģīķļņšūž"),
    ("vi", "àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"),
)}


def _latin_words(text: str) -> list[frozenset[str]]:
    """The accented letters (lower case) of each Latin-script word of `text` that has any
    (composed first: Vietnamese code page 1258 writes tone marks as separate characters)."""
    out = []
    for word in _WORDS.split(unicodedata.normalize("NFC", text)):
        if word.isascii():
            continue
        letters = frozenset(c for c in word.lower() if ord(c) > 127 and c.isalpha())
        if letters and all(ord(c) < 0x250 or 0x1E00 <= ord(c) < 0x1F00 for c in letters):
            out.append(letters)      # other scripts: other measures judge them
    return out


@functools.lru_cache(maxsize=4096)
def _fits(letters: frozenset[str]) -> tuple[bool, ...]:
    """Whether `letters` are in each alphabet of _ALPHABETS (in its order)."""
    return tuple(letters <= a for a in _ALPHABETS.values())


def _pairs_fit(text: str) -> float:
    """Mean, over the Latin words with accented letters, of the share of their letter
    pairs around an accented letter (a word's start and end count as a letter) that
    CLDR's own texts in a language whose alphabet holds the word use: "François" ("nç",
    "ço": French and Turkish write them) against its Windows-1257 reading "Franēois"
    ("nē" yes, "ēo" no language here). 1.0 when there is no such word."""
    scores = [_word_pairs(w) for w in _WORDS.split(unicodedata.normalize("NFC", text)) if not w.isascii()]
    scores = [s for s in scores if s is not None]
    return sum(scores) / len(scores) if scores else 1.0


@functools.lru_cache(maxsize=8192)
def _word_pairs(word: str) -> float | None:
    letters = frozenset(c for c in word.lower() if ord(c) > 127 and c.isalpha())
    if not letters or not all(ord(c) < 0x250 or 0x1E00 <= ord(c) < 0x1F00 for c in letters) \
            or sum(c.isalpha() for c in word) < 2:
        return None                       # not Latin, or one letter alone: a code, not a word
    marked = "^" + word.lower() + "$"
    pairs = [a + b for a, b in zip(marked, marked[1:]) if a in letters or b in letters]
    best = 0.0
    for lang, fits in zip(_ALPHABETS, _fits(letters)):
        if fits:
            known = _cldr_pairs(lang)
            best = max(best, sum(p in known for p in pairs) / len(pairs))
    return best


# wordfreq's code of the languages of _ALPHABETS it has lists for under another code
_WORDFREQ_CODE = {"hr": "sh", "bs": "sh", "sr": "sh", "no": "nb"}


def _latin_runs_fit(text: str) -> float:
    """Mean, over the Latin words of `text` with accented letters, of the share of their
    runs of three characters holding an accented letter (a word's start and end count)
    that occur in the SCRIPT_WORDS commonest words (wordfreq) of a language whose alphabet
    holds the word's letters (the best one): whether the reading writes words of a
    language. A DOS file's "Hauptstraße" (ß is byte E1) read as Windows-1252 is
    "Hauptstraáe", whose "aáe" and "áe" end no language writes; German writes "straße"
    (wordfreq keeps it case-folded, "strasse", and so is the word compared). 1.0 when
    there is no such word, or fewer than RUNS_WORDS different ones (names: "Gdańsk" or
    "Gdañsk" is one the lists may not know)."""
    words = [w for w in _WORDS.split(unicodedata.normalize("NFC", text)) if not w.isascii()]
    if len({w.casefold() for w in words}) < RUNS_WORDS:
        return 1.0                        # a word or two: any reading's runs may be a name's
    return _runs_mean(words)


def _runs_mean(words: list[str]) -> float:
    scores = [s for s in map(_latin_runs, words) if s is not None]
    return sum(scores) / len(scores) if scores else 1.0


def _dos_words_fit(dos: str, best: str) -> bool:
    """Whether a DOS reading's words are clearly a language's and the better reading's are
    not (`_latin_runs`, however few the words): thin evidence, so no winner, but the DOS
    reading is one the stop names ("Hauptstraße" beside "Hauptstraáe")."""
    def mean(text: str) -> float:
        return _runs_mean([w for w in _WORDS.split(unicodedata.normalize("NFC", text)) if not w.isascii()])

    return mean(dos) >= mean(best) + 0.5


@functools.lru_cache(maxsize=8192)
def _latin_runs(word: str) -> float | None:
    letters = frozenset(c for c in word.lower() if ord(c) > 127 and c.isalpha())
    if not letters or not all(ord(c) < 0x250 or 0x1E00 <= ord(c) < 0x1F00 for c in letters) \
            or sum(c.isalpha() for c in word) < 3:
        return None                       # not Latin, or too short to say
    folded, marked = "^", [False]
    for c in word.translate(_DIGITS):
        part = c.casefold()
        folded += part
        marked += [ord(c) > 127] * len(part)
    folded += "$"
    marked.append(False)
    runs = [folded[i:i + 3] for i in range(len(folded) - 2) if any(marked[i:i + 3])]
    if not runs:
        return None
    available = _wordfreq_languages()
    best = 0.0
    for lang, fits in zip(_ALPHABETS, _fits(letters)):
        code = _WORDFREQ_CODE.get(lang, lang)
        if fits and code in available:
            known = _latin_word_runs(code)
            best = max(best, sum(r in known for r in runs) / len(runs))
            if best == 1.0:
                break
    return best


@functools.cache
def _wordfreq_languages() -> frozenset[str]:
    import wordfreq

    return frozenset(wordfreq.available_languages(wordlist="small"))


@functools.cache
def _latin_word_runs(lang: str) -> frozenset[str]:
    """The runs of three characters ("^" and "$" a word's start and end) of the
    SCRIPT_WORDS commonest words of `lang`, as wordfreq keeps them (case-folded)."""
    import itertools

    import wordfreq

    words = itertools.islice(wordfreq.iter_wordlist(lang, wordlist="small"), SCRIPT_WORDS)
    text = "\n^" + "$\n^".join(words) + "$\n"
    return frozenset({text[i:i + 3] for i in range(len(text) - 2)})


@functools.cache
def _cldr_pairs(lang: str) -> frozenset[str]:
    """Letter pairs holding a non-ASCII letter in the words of CLDR's texts for `lang`
    (babel: territory, language, script, currency, unit, month and day names), with
    "^" and "$" for a word's start and end."""
    from babel import Locale, UnknownLocaleError

    try:
        loc = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return frozenset()
    words: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            words.update(w.lower() for w in re.findall(r"\w+", value) if not w.isascii())
        elif isinstance(value, dict) or hasattr(value, "items"):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for v in value:
                walk(v)

    for attr in ("territories", "languages", "scripts", "currencies", "months", "days", "quarters", "eras",
                 "unit_display_names", "time_zones", "meta_zones"):
        try:
            walk(getattr(loc, attr))
        except (AttributeError, KeyError, TypeError):
            continue
    out = set()
    for w in words:
        marked = "^" + w + "$"
        out.update(a + b for a, b in zip(marked, marked[1:]) if ord(a) > 127 or ord(b) > 127)
    return frozenset(out)


def _alphabet_fit(words: list[frozenset[str]]) -> float:
    """Share of words whose accented letters are all in one language's alphabet (1.0
    when there is no such word)."""
    if not words:
        return 1.0
    return sum(any(_fits(w)) for w in words) / len(words)


def _language_fit(lines: list[list[frozenset[str]]]) -> float:
    """Share of words that the one language fitting most words of their line writes: a
    line (a customer) is mostly in one language ("Ayþe Þiþli" fits Icelandic, but not
    with "Çaðdaþ" beside it; Turkish "Ayşe Şişli Çağdaş" fits Turkish; "Hélčne Crčme
    Brűlée ŕ" fits no one language, "Hélène Crème Brûlée à" French)."""
    words = sum(len(line) for line in lines)
    if not words:
        return 1.0
    return sum(max(map(sum, zip(*(_fits(w) for w in line)))) for line in lines if line) / words


def _weigh_cjk_words(readings: list[tuple]) -> list[tuple]:
    """`readings` with each CJK reading's score raised by how few of its characters occur
    in its language's common words, by how many fewer of them CLDR's texts in that
    language use, and by how far fewer of its neighbouring characters sit together in
    its language's words, than in the CJK reading where most do (`_word_fit`).

    The first is absolute: it weighs a CJK reading against the code pages' readings of
    the same bytes, and the characters of names ("张伟", "翁怡君", "桃園") are common
    words' characters though CLDR's texts hold few of them. The others are relative:
    they tell the CJK readings apart ("田中,京都" in EUC-JP reads "拍面,叠旁" in GB18030,
    common characters no Chinese word puts together), and names no word list holds
    leave every reading as it was."""
    # A reading without CJK characters (Shift_JIS bytes of GBK text read as half-width
    # katakana "ﾐｻﾎｰ") has no word to fit: it sets no standard for the others, and
    # CLDR's share of its characters is all it is weighed with.
    fits = {r[3]: (*_word_fit(r[4], _CJK_LOCALE[r[3]]), _cldr_share(r[4], _CJK_LOCALE[r[3]]))
            for r in readings if r[3] in CJK and _CJK_RUN.search(r[4])}
    if not fits:
        return [(r[0] + 1.0 - _cldr_share(r[4], _CJK_LOCALE[r[3]]), *r[1:]) if r[3] in CJK else r
                for r in readings]
    top_pairs = max(p for p, _, _ in fits.values())
    top_cldr = max(c for _, _, c in fits.values())
    out = []
    for r in readings:
        if r[3] in fits:
            pairs, chars, cldr = fits[r[3]]
            r = (r[0] + (1.0 - chars) + (top_cldr - cldr) + CJK_PAIRS_WEIGHT * (top_pairs - pairs), *r[1:])
        elif r[3] in CJK:
            r = (r[0] + 1.0 - _cldr_share(r[4], _CJK_LOCALE[r[3]]), *r[1:])
        out.append(r)
    return out


_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff]+")


def _word_fit(text: str, locale: str) -> tuple[float, float]:
    """(share of the pairs of neighbouring CJK characters in `text` that occur together
    inside a word of the language's common words, share of its CJK characters that
    occur in them) for `locale` ("zh", "zh_Hant", "ja", "ko"); words: wordfreq's
    "small" list of the language's ~30,000 commonest words (Wikipedia, subtitles, web
    text, books), Traditional Chinese compared in its Simplified form (OpenCC t2s).
    "田中,京都" read as EUC-JP: pairs 田中 and 京都 are Japanese words (1.0); read as
    GB18030 it is "拍面,叠旁", common characters (1.0) in pairs no Chinese word holds
    (0.0). Each is 1.0 when `text` has no such pair or character."""
    lang = locale.split("_")[0]
    if locale == "zh_Hant":
        from ..domain.duplicates import simplified
        text = simplified(text)
    pairs, chars = _common_words(lang)
    runs = _CJK_RUN.findall(text)
    seen = [r[i:i + 2] for r in runs for i in range(len(r) - 1)]
    letters = "".join(runs)
    return (sum(p in pairs for p in seen) / len(seen) if seen else 1.0,
            sum(c in chars for c in letters) / len(letters) if letters else 1.0)


@functools.cache
def _common_words(lang: str) -> tuple[frozenset[str], frozenset[str]]:
    """(pairs of neighbouring CJK characters, CJK characters) in wordfreq's list of the
    commonest words of `lang` ("zh", "ja", "ko")."""
    import wordfreq

    words = wordfreq.get_frequency_dict(lang, wordlist="small")
    pairs: set[str] = set()
    chars: set[str] = set()
    for word in words:
        for run in _CJK_RUN.findall(word):
            chars.update(run)
            pairs.update(run[i:i + 2] for i in range(len(run) - 1))
    return frozenset(pairs), frozenset(chars)


def _cldr_share(text: str, locale: str) -> float:
    """Share of CJK characters (ideographs, Hangul, kana) in `text` that CLDR's own texts
    for `locale` use (babel's locale data: territory, language, script, currency, unit
    and calendar names)."""
    chars = [c for c in text if ord(c) >= 0x2E80]
    if not chars:
        return 1.0
    common = _cldr_chars(locale)
    return sum(c in common or 0x3040 <= ord(c) <= 0x30FF for c in chars) / len(chars)


@functools.cache
def _cldr_chars(locale: str) -> frozenset[str]:
    from babel import Locale

    loc = Locale.parse(locale)
    seen: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            seen.update(c for c in value if ord(c) >= 0x2E80)
        elif isinstance(value, dict) or hasattr(value, "items"):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for v in value:
                walk(v)

    for attr in ("territories", "languages", "scripts", "currencies", "variants", "months", "days",
                 "quarters", "eras", "unit_display_names", "time_zones", "meta_zones", "list_patterns",
                 "currency_unit_patterns", "measurement_systems"):
        try:
            walk(getattr(loc, attr))
        except (AttributeError, KeyError, TypeError):
            continue
    return frozenset(seen)


def _uncertain_message(file_name: str, sample: bytes, readings: list, numbers: list[int],
                       by_score: bool = False) -> str:
    """The stop message: where the plausible readings first differ (line, column) and
    what each makes of that cell, with the --encoding option for each (every plausible
    reading, least garbled first, when `by_score`: thin evidence ranks them by chance)."""
    if by_score:
        readings = sorted(readings, key=lambda r: r[0])
    else:
        # the common code pages first (the likelier ones), then the best regional ones
        readings = sorted(readings, key=lambda r: (r[3] not in CANDIDATES, r[0]))[:SHOWN]
    texts = [r[4].split("\n") for r in readings]
    where, shown = "", [""] * len(readings)
    for i, line in enumerate(texts[0]):
        others = [t[i] if i < len(t) else "" for t in texts[1:]]
        if any(o != line for o in others):
            column, shown = _differing_cells(sample, readings[0][3], [line, *others])
            where = f"line {numbers[i]}" + (f", column '{column}'" if column else "")
            break
    read_as = " or ".join(f"{cell!r} as {r[3]} ({describe(r[3])})" for cell, r in zip(shown, readings))
    options = " or ".join(f"--encoding {r[3]}" for r in readings)
    return (f"{file_name}: cannot tell the text encoding: {where} reads {read_as}. Nothing was imported. "
            f"Say which with {options}.")


def _differing_cells(sample: bytes, name: str, lines: list[str]) -> tuple[str | None, list[str]]:
    """(the header of the first cell where `lines` (one line as each reading gives it)
    differ, that cell in each reading)."""
    header_bytes = sample.split(b"\n", 1)[0]
    header = header_bytes.decode(name, "replace").lstrip("\ufeff")
    delimiter = max(",;\t|", key=header.count)
    try:
        heads = next(csv.reader(io.StringIO(header), delimiter=delimiter))
        cells = [next(csv.reader(io.StringIO(line), delimiter=delimiter)) for line in lines]
    except (csv.Error, StopIteration):
        return None, _around_difference(lines)
    for j, first in enumerate(cells[0]):
        column = [c[j] if j < len(c) else "" for c in cells]
        if any(c != first for c in column):
            return (heads[j].strip() if j < len(heads) else None), _around_difference(column)
    return None, _around_difference(lines)


def _around_difference(texts: list[str], width: int = 40) -> list[str]:
    """Each text cut to `width` characters around where they first differ ("…" marks a cut)."""
    at = next((i for i, chars in enumerate(zip(*texts)) if len(set(chars)) > 1), 0)
    start = max(0, at - width // 2) if max(map(len, texts)) > width else 0
    return [("…" if start else "") + t[start:start + width] + ("…" if len(t) > start + width else "")
            for t in texts]


_TYPOGRAPHY = set("’‘“”„«»‹›–—·…№")    # non-ASCII punctuation real words do hold


def _odd_words(text: str) -> float:
    """Share of words (runs between spaces and ASCII punctuation) holding non-ASCII
    characters that no language writes that way: scripts mixed inside the word (Latin
    and Cyrillic, Latin and CJK), a capital after a small letter ("ГыіЖ"), or symbols
    among the letters ("–¼–³‚µ"). Short files give charset-normalizer's measures
    little to go on; this does."""
    import unicodedata

    words = odd = 0
    for word in _WORDS.split(text):
        if not word or word.isascii():
            continue
        words += 1
        letters = [c for c in word if c.isalpha()]
        scripts = {_script(c, unicodedata) for c in letters}
        lower_then_upper = any(a.islower() and b.isupper() for a, b in zip(letters, letters[1:]))
        symbols = any(ord(c) > 127 and not c.isalpha() and c not in _TYPOGRAPHY
                      and (c == "\u00a4" or not unicodedata.category(c).startswith(("M", "Sc", "Nd", "No")))
                      for c in word)         # "¤" no one types: "€" read in the wrong code page;
        #                                      "¾”", "m²" are typography (category No)
        lone = len(letters) == 1 < len(word) and ord(letters[0]) < 0x250 \
            and letters[0].lower() not in _ONE_LETTER_WORDS and not any(c.isdigit() for c in word)
        if len(scripts) > 1 or lower_then_upper or symbols or lone or _misplaced(word) or _not_greek(word) \
                or _not_hebrew(word) or _not_cyrillic(word):
            odd += 1
    # "Ђ 1.234,56": one accented or Cyrillic capital standing alone beside a number is a
    # currency sign misread ("€ 1.234,56" read as Windows-1251).
    lone = sum(1 for m in _LONE_LETTER.finditer(text) if (m.group(1) or m.group(2)).isupper())
    return (odd + lone) / (words + lone) if words else 0.0


_LONE_LETTER = re.compile(r"(?<!\w)([\u00c0-\u2dff])(?!\w)(?=\s?\d)|(?<=\d)\s?(?<!\w)([\u00c0-\u2dff])(?!\w)")


# Accented Latin letters that are words on their own (French à, Italian è, Portuguese é,
# Swedish å and ö, Danish ø, Icelandic á, Spanish ó): another one alone with a quote or
# symbol glued to it ("ľ”" for "¾”" read as Windows-1250) is a misreading. (A cell
# holding one letter is a code: any letter may be one.)
_ONE_LETTER_WORDS = frozenset("àáâèéìíòóôùúåäöøæçñý")

_TONOS = set("άέήίόύώΐΰ")


def _not_greek(word: str) -> bool:
    """Greek letters as Greek never writes them (Hebrew or Cyrillic bytes read as
    Windows-1253): a final sigma inside the word or "σ" at its end, "ΰ"/"ΐ" (rare
    anywhere), or a word of five letters or more in small letters without an accent
    (modern Greek marks the stressed vowel of every word of two syllables or more)."""
    letters = [c for c in word if c.isalpha()]
    if not letters or not all(0x370 <= ord(c) < 0x400 for c in letters):
        return False
    lower = "".join(letters)
    if "ς" in lower[:-1] or lower.endswith("σ") or "ΰ" in lower or "ΐ" in lower:
        return True
    return len(letters) >= 5 and any(c.islower() for c in letters) and not _TONOS & set(lower)


def _not_cyrillic(word: str) -> bool:
    """A Cyrillic word starting with Ы, Ъ or Ь, which no Russian, Ukrainian or
    Belarusian word does (Hebrew or Greek bytes read as KOI8-R: "ЫЛЕМ")."""
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and letters[0] in "ЫЪЬыъь" and all(0x400 <= ord(c) < 0x530 for c in letters)


_HEBREW_FINALS = set("ךםןףץ")


def _not_hebrew(word: str) -> bool:
    """Hebrew letters as Hebrew never writes them (Cyrillic bytes read as Windows-1255):
    a final letter (ך ם ן ף ץ) before the end of the word, or a vowel point with no
    letter before it."""
    letters = [c for c in word if 0x590 <= ord(c) < 0x600]
    if not letters:
        return False
    if unicodedata.category(letters[0]) == "Mn":
        return True
    inner = [c for c in word.rstrip("'\"׳״") if c.isalpha()][:-1]
    return any(c in _HEBREW_FINALS for c in inner)


_INSIDE_WORDS = set("’‘·")           # l’homme, O’Brien, Catalan l·l (only between two l's)


def _misplaced(word: str) -> bool:
    """Characters real words hold only elsewhere: a non-ASCII capital inside the word
    before a small letter ("JŸrgen", Mac Roman "ü" read as Windows-1252), punctuation
    or a currency sign glued to letters ("S‹o", "£ukasz"), one such letter on a number
    ("Ј99": "£99" read as Windows-1251)."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) == 1 and ord(letters[0]) > 127 and any(c.isdigit() for c in word) \
            and not 0x2E80 <= ord(letters[0]) <= 0xFFEF:
        return True                      # "Ј99": a lone accented or Cyrillic letter on a number
    for i in range(1, len(word) - 1):
        c, before, after = word[i], word[i - 1], word[i + 1]
        if ord(c) <= 127:
            continue
        if c.isupper() and before.isalpha() and after.islower():
            return True
        if not c.isalpha() and (c not in _INSIDE_WORDS or c == "·" and (before + after).lower() != "ll") \
                and before.isalpha() and after.isalpha():
            return True                  # "Hauptstra·e": CP850 ß read as Mac Roman
    first = word[0]
    return ord(first) > 127 and not first.isalpha() and first not in _TYPOGRAPHY \
        and len(word) > 1 and word[1].islower()


def _script(ch: str, unicodedata) -> str:
    if ord(ch) < 0x250:
        return "latin"
    name = unicodedata.name(ch, "")
    for script in ("CYRILLIC", "GREEK", "HANGUL", "ARABIC", "HEBREW", "THAI"):
        if name.startswith(script):
            return script
    if "CJK" in name or name.startswith(("HIRAGANA", "KATAKANA")):
        return "cjk"                   # Japanese writes kanji and kana in one word
    if name.startswith("LATIN"):
        return "latin"
    return "other"


def _cjk_plausibility(text: str, encoding: str) -> float:
    """Share of non-ASCII characters that are common in text written in `encoding`'s language."""
    chars = [c for c in text if ord(c) > 127]
    if not chars:
        return 0.0
    common = 0
    for c in chars:
        o = ord(c)
        if 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E:        # CJK punctuation, full-width
            common += 1
        elif 0x3040 <= o <= 0x30FF and encoding in ("gb18030", "big5", "cp949"):
            continue        # kana: GB2312 and KS X 1001 hold them, Chinese and Korean text does not use them
        elif encoding == "gb18030":
            common += _in_gb2312(c)
        elif encoding in ("cp932", "euc_jp"):
            if 0x3040 <= o <= 0x30FF or 0xFF61 <= o <= 0xFF9F:     # hiragana, katakana (half-width too)
                common += 1
            elif 0x4E00 <= o <= 0x9FFF:
                common += _jis_level1(c)
        elif encoding == "big5" and 0x4E00 <= o <= 0x9FFF:
            common += _big5_common(c)
        elif encoding == "cp949":
            common += 0xAC00 <= o <= 0xD7A3                        # Hangul syllables
    return common / len(chars)


def _in_gb2312(c: str) -> bool:
    try:
        b = c.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and b[0] >= 0xA1


def _jis_level1(c: str) -> bool:
    try:
        b = c.encode("shift_jis")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0x88 <= b[0] <= 0x98


def _big5_common(c: str) -> bool:
    try:
        b = c.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xA4 <= b[0] <= 0xC6
