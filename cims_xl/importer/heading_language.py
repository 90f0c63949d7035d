"""The language of a file whose headings are written in Latin letters, as evidence for the
currency of amounts that name none (issue 14; file_language does the same for files
headed in their own alphabet: Thai, Greek, Cyrillic …).

"Kunde", "Bestelldatum", "Betrag" are the headings of a German file; "Cliente",
"Importe", "Fecha" of a Spanish one. Each heading is looked up in the importer's own
heading words, labelled by language: the words of header_words.LANGUAGES (Polish,
Dutch, Czech, Hungarian, Swedish …, one list per language there) and, for German, French,
Spanish, Italian and Portuguese (whose words header_words keeps together), the common
order and customer headings below, each one of the importer's words (tests check it).
A heading that is an English heading word too ("Segment", "Status", "Client", "Name")
says nothing.

The file is in a language when at least two headings are its words, no other language
has all of them, and they outnumber the English headings. Its currencies are those of
the countries where it is official (CLDR territory languages and currencies via babel:
German -> DE, AT, CH, LI, LU, BE -> EUR, CHF); the language's name is babel's.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from .file_language import LanguageVerdict

EXAMPLES = 3
# languages written in Latin letters whose headings header_words.LANGUAGES lists
_FROM_LANGUAGES = ("pl", "nl", "cs", "sk", "hu", "ro", "hr", "sv", "da", "nb", "fi", "tr", "id", "ms")
# German, French, Spanish, Italian, Portuguese: order, customer and payment headings of
# header_words.WORDS (test_import_amounts_by_heading_language checks each is one)
_WORDS = {
    "de": ["kunde", "kundenname", "kundennummer", "kundennr.", "bestellnummer", "bestellnr.", "bestelldatum",
           "auftragsnummer", "betrag", "gesamtbetrag", "summe", "datum", "straße", "strasse",
           "postleitzahl", "plz", "ort", "stadt", "telefon", "vorname", "nachname", "währung", "bemerkung",
           "anschrift", "menge", "umsatz", "firmenname"],
    "fr": ["nom du client", "numéro de commande", "n° commande", "date de commande", "montant", "montant total",
           "quantité", "code postal", "ville", "pays", "téléphone", "prénom", "nom de famille", "devise",
           "société", "raison sociale", "adresse postale", "courriel", "remarques"],
    "es": ["nombre del cliente", "número de pedido", "fecha", "importe", "monto",
           "cantidad", "dirección", "código postal", "ciudad", "teléfono", "apellido", "apellidos",
           "moneda", "razón social", "observaciones", "correo electrónico"],
    "it": ["numero ordine", "data ordine", "importo", "quantità", "indirizzo", "cap", "città",
           "cognome", "valuta", "azienda", "ragione sociale", "nome cliente", "note", "osservazioni"],
    "pt": ["número do pedido", "data do pedido", "valor", "quantidade", "endereço", "cep", "cidade",
           "telefone", "sobrenome", "moeda", "razão social", "nome do cliente", "observações"],
    # words two of them write alike: evidence for both ("Cliente": es, it, pt)
    ("es", "it", "pt"): ["cliente"],
    ("es", "pt"): ["pedido", "país", "empresa"],
    ("it", "pt"): ["data", "nome"],
    ("es", "it"): ["telefono"],
}


@functools.cache
def _lexicon() -> dict[str, frozenset[str]]:
    """norm(heading) -> the Latin-letter languages it is a heading word of (English ones left out)."""
    from .header_words import LANGUAGES
    from .mapping import norm

    out: dict[str, set[str]] = {}
    for lang in _FROM_LANGUAGES:
        for words in LANGUAGES.get(lang, {}).values():
            for w in words:
                out.setdefault(norm(w), set()).add(lang)
    for langs, words in _WORDS.items():
        for w in words:
            out.setdefault(norm(w), set()).update((langs,) if isinstance(langs, str) else langs)
    english = _english()
    return {k: frozenset(v) for k, v in out.items() if k and k not in english}


@functools.cache
def _english() -> frozenset[str]:
    """The English (and Chinese) heading words of mapping.SYNONYMS, normalised."""
    from .mapping import SYNONYMS, norm

    return frozenset(norm(w) for fields in SYNONYMS.values() for words in fields.values() for w in words
                     if w.isascii())


def heading_languages(heading: object) -> frozenset[str]:
    """The languages (ISO 639-1) whose heading word `heading` is, () for an English or
    unknown one."""
    from .mapping import _plain_latin, norm

    if not isinstance(heading, str) or not heading.strip():
        return frozenset()
    n = norm(heading)
    lex = _lexicon()
    return lex.get(n) or lex.get(_plain_latin(n)) or frozenset()


def language_name(lang: str) -> str:
    """"German" for "de": babel's English name of the language."""
    from babel import Locale
    return Locale("en").languages.get(lang, lang)


def latin_verdict(headers: Iterable[object]) -> LanguageVerdict:
    """The Latin-letter language the headings are written in (see the module), else an
    empty verdict."""
    from .mapping import norm

    english = _english()
    found: list[tuple[str, frozenset[str]]] = []
    plain_english = 0
    for h in headers:
        if not isinstance(h, str) or not any(ch.isalpha() for ch in h):
            continue
        if norm(h) in english:
            plain_english += 1
        elif langs := heading_languages(h):
            found.append((h.strip(), langs))
    if len(found) < 2 or len(found) <= plain_english:
        return LanguageVerdict()
    together = frozenset.intersection(*(langs for _, langs in found))
    if len(together) != 1:
        return LanguageVerdict()
    lang = next(iter(together))
    shown = ", ".join(f"'{h[:30]}'" for h, _ in found[:EXAMPLES])
    return LanguageVerdict(lang, evidence=[f"its headings are {language_name(lang)} words (e.g. {shown})"])
