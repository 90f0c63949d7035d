"""Yes/no columns written with one-letter marks, read on the whole column's evidence.

A mark of one letter means different things in different languages: "E" is Evet (yes)
in Turkish but Ei (no) in Finnish and Estonian; "T" is Tak (yes) in Polish but Tidak
(no) in Indonesian. Reading each cell by one fixed table stores the opposite of what a
Finnish file says (K/E: Kyllä/Ei). So a yes/no column's one-letter values are read
together:

- the languages whose yes and no letters hold every letter of the column are the
  candidates (the letters are glibc's LC_MESSAGES yesexpr/noexpr of each language's
  locale, where y/n are accepted too; plus English t/f for true/false). When the
  candidates all read each letter alike, that reading is used ("J"/"E": only Estonian
  has both, J = jah, E = ei);
- when they disagree, the file's own evidence narrows them: the languages of its
  headings (heading_language, Hangul and kana), of the countries in its Country column
  and of the region (--region or the store's), CLDR's official languages via babel.
  One reading left: used, and said in the summary with its evidence;
- otherwise the import stops before writing, naming the column, the letters and the
  option that says what they are: ``--value "E=no"``.

The maru/batsu marks of Japanese and Korean forms are one more convention: a column
whose marks are O-like (O, ○, ◯, 〇) beside X-like (X, ×, ✕, ✖) reads O as yes and X
as no: an X there is a cross, not a tick. A column of X-like marks and blanks alone is a
tick in most files, but a cross ("no") where maru/batsu is written: in a file whose
evidence is Japanese or Korean it stops with the option; elsewhere X is a tick, said
in the summary.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from ..domain import normalize as nz
from .errors import ImportRefused

SHOWN = 4

# glibc localedata LC_MESSAGES yesexpr / noexpr (the letters after "+1" / "-0"), each
# language's y/n beside its own letters as glibc accepts them.
_GLIBC = {
    "en": ("y", "n"), "de": ("jy", "n"), "fr": ("oy", "n"), "es": ("sy", "n"), "it": ("sy", "n"),
    "pt": ("sy", "n"), "nl": ("jy", "n"), "sv": ("jy", "n"), "da": ("jy", "n"), "nb": ("jy", "n"),
    "is": ("jy", "n"), "fi": ("ky", "en"), "et": ("jy", "en"), "tr": ("ey", "hn"), "pl": ("ty", "n"),
    "cs": ("ay", "n"), "sk": ("ay", "n"), "hu": ("iy", "n"), "ro": ("dy", "n"), "hr": ("dy", "n"),
    "sl": ("dy", "n"), "lt": ("ty", "n"), "lv": ("jy", "n"), "id": ("y", "tn"), "ms": ("y", "tn"),
    "vi": ("cy", "kn"), "ru": ("дy", "нn"), "uk": ("тy", "нn"), "bg": ("дy", "нn"), "el": ("νy", "οn"),
}
# English t/f: TRUE/FALSE as spreadsheets shorten them
_EXTRA = {"en": ("t", "f")}
LETTERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    lang: (frozenset(yes + _EXTRA.get(lang, ("", ""))[0]), frozenset(no + _EXTRA.get(lang, ("", ""))[1]))
    for lang, (yes, no) in _GLIBC.items()}

MARU = frozenset("o○◯〇")
BATSU = frozenset("x×✕✖")
MARU_LANGUAGES = frozenset({"ja", "ko"})


def mark_of(text: str) -> str | None:
    """The one-letter (or maru/batsu) mark a cell is, case folded; None for anything else."""
    t = nz.without_format(unicodedata.normalize("NFKC", text)).strip().casefold().rstrip(".")
    if len(t) != 1:
        return None
    if t in MARU or t in BATSU or t.isalpha():
        return t
    return None


class YesNoMarks:
    """The one-letter marks of an import's yes/no columns, and their reading."""

    def __init__(self, columns: dict[int, tuple[str, str]]):
        """columns: file column -> (heading, field key) of the yes/no fields."""
        self.columns = dict(columns)
        self.seen: dict[int, Counter] = {c: Counter() for c in self.columns}

    def add(self, values: list) -> None:
        n = len(values)
        for c, counter in self.seen.items():
            v = values[c] if c < n else None
            if isinstance(v, str) and (m := mark_of(v)) is not None:
                counter[m] += 1

    def keep_only(self, targets: dict[str, str | None]) -> None:
        self.columns = {c: (h, k) for c, (h, k) in self.columns.items() if targets.get(h) == k}

    def decide(self, languages: dict[str, str], given: dict[str, dict[str, str]]
               ) -> tuple[dict[str, dict[str, bool]], list[dict]]:
        """({field: {mark: True/False}}, inferences). `languages`: language -> the words for
        the evidence naming it (headings, countries, region); `given`: --value (field ->
        {text: value}), whose yes/no targets settle a mark. Raises ImportRefused where a
        column's marks read both ways and the evidence does not settle them."""
        out: dict[str, dict[str, bool]] = {}
        inferences: list[dict] = []
        for c, (header, key) in self.columns.items():
            marks = set(self.seen.get(c, ()))
            if not marks:
                continue
            said = {m: nz.parse_bool(given[key][m]) for m in marks if m in given.get(key, {})}
            open_marks = marks - set(said)
            reading, why = self._read(header, open_marks, marks, languages)
            reading.update(said)
            if reading:
                out.setdefault(key, {}).update(reading)
            if why:
                shown = ", ".join(f"'{m.upper()}' = {'yes' if reading[m] else 'no'}" for m in sorted(reading))
                inferences.append({"what": f"yes/no marks in '{header}'", "decided": shown, "evidence": why})
        return out, inferences

    def _read(self, header: str, marks: set[str], all_marks: set[str],
              languages: dict[str, str]) -> tuple[dict[str, bool], str]:
        if not marks:
            return {}, ("--value" if all_marks else "")
        maru, batsu = all_marks & MARU, all_marks & BATSU
        if batsu and maru and not (all_marks - MARU - BATSU):
            return ({m: m in MARU for m in marks},
                    "the column writes O-marks beside X-marks (maru/batsu: ○ = yes, × = no), so X is a cross")
        if batsu and not (all_marks - BATSU):
            where = sorted(MARU_LANGUAGES & set(languages))
            if where:
                example = next(iter(sorted(batsu)))
                raise ImportRefused(
                    f"column '{header}': its marks are only '{example.upper()}' and blanks, in a file whose evidence "
                    f"is {', '.join(_name(w) for w in where)} ({'; '.join(languages[w] for w in where)}), where X "
                    f"marks no (maru/batsu: ○ yes, × no) but elsewhere a tick. Nothing was imported. Say which "
                    f"with --value \"{example.upper()}=yes\" or --value \"{example.upper()}=no\".")
            return {m: True for m in marks}, ""       # a tick, as the fixed words read it
        if maru and not (all_marks - MARU):
            return {m: True for m in marks if m != "o"}, ""   # ○ alone: the maru, yes
        letters = {m for m in marks if m not in MARU | BATSU or m == "o"}
        if not letters or letters <= {"y", "n"}:
            return {}, ""
        fits = {lang: {m: m in yes for m in all_marks}
                for lang, (yes, no) in LETTERS.items() if all(m in yes or m in no for m in all_marks)}
        if not fits:
            return {}, ""          # not one language's marks: each cell is read (and refused) alone
        readings = {tuple(sorted(r.items())) for r in fits.values()}
        if len(readings) == 1:
            reading = dict(next(iter(readings)))
            if letters <= {"y", "n", "t", "f"}:
                return {}, ""      # yes/no, true/false: as everyone reads them
            names = ", ".join(_name(lang) for lang in sorted(fits))
            return ({m: reading[m] for m in marks},
                    f"the only language whose yes/no letters are {_listed(all_marks)} is {names}")
        near = {lang: r for lang, r in fits.items() if lang in languages}
        near_readings = {tuple(sorted(r.items())) for r in near.values()}
        if len(near_readings) == 1:
            reading = dict(next(iter(near_readings)))
            evidence = "; ".join(f"{_name(lang)}: {languages[lang]}" for lang in sorted(near))
            return ({m: reading[m] for m in marks},
                    f"{_listed(all_marks)} read both ways ({_ways(fits)}); the file's evidence is {evidence}")
        m = next(iter(sorted(letters - {"y", "n"}) or sorted(letters)))
        raise ImportRefused(
            f"column '{header}': the marks {_listed(all_marks)} read both ways ({_ways(fits)}) and nothing in "
            f"the file (its headings' language, a Country column, the region) settles which. Nothing was "
            f"imported. Say what each is with --value \"{m.upper()}=yes\" or --value \"{m.upper()}=no\" "
            f"(repeatable), or --region for the file's country.")


def _fixed(mark: str) -> bool | None:
    try:
        return nz.parse_bool(mark)
    except ValueError:
        return None


def _listed(marks: set[str]) -> str:
    return "/".join(f"'{m.upper()}'" for m in sorted(marks))


def _ways(fits: dict[str, dict[str, bool]]) -> str:
    by: dict[tuple, list[str]] = {}
    for lang, r in sorted(fits.items()):
        by.setdefault(tuple(sorted(r.items())), []).append(_name(lang))
    parts = []
    for reading, langs in list(by.items())[:SHOWN]:
        parts.append(", ".join(f"{m.upper()} = {'yes' if v else 'no'}" for m, v in reading
                               if m not in ("y", "n")) + " in " + ", ".join(langs[:SHOWN])
                     + (" …" if len(langs) > SHOWN else ""))
    return "; ".join(parts)


def _name(lang: str) -> str:
    from .heading_language import language_name
    return language_name(lang)


def file_languages(headers, region: str | None, countries) -> dict[str, str]:
    """language -> the words for the evidence naming it: the headings' languages
    (heading_language; Hangul, kana), the official languages (CLDR, babel) of the
    region and of the countries the Country column names."""
    from babel.languages import get_official_languages

    from ..domain.countries import region_for_country
    from .file_language import _is_hangul, _is_kana
    from .heading_language import heading_languages

    out: dict[str, str] = {}
    for h in headers:
        if not isinstance(h, str):
            continue
        for lang in heading_languages(h):
            out.setdefault(lang, f"heading '{h.strip()[:30]}'")
        if any(_is_hangul(ord(ch)) for ch in h):
            out.setdefault("ko", f"heading '{h.strip()[:30]}' (Hangul)")
        if any(_is_kana(ord(ch)) for ch in h):
            out.setdefault("ja", f"heading '{h.strip()[:30]}' (kana)")
    for text in countries:
        try:
            code = region_for_country(text)
        except ValueError:
            code = None
        if code:
            for lang in get_official_languages(code):
                out.setdefault(lang.split("_")[0], f"Country '{str(text).strip()[:30]}'")
    if region:
        for lang in get_official_languages(region):
            out.setdefault(lang.split("_")[0], f"region {region}")
    return out
