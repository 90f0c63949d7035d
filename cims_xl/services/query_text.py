"""The query language of a customer search, one for every door: the worksheet
functions CIMS_FIND/CIMS_COUNT, the Find button and `cims customer search TEXT`.

Free text (every word must match; a phrase in quotes is one term) plus filters written
`key:value` (city:, province:, country:, segment:, tag:, owner:, source:) and lifetime
value bounds (`ltv>=1000`, `ltv<=9.77`, `ltv=9.77`). AND between two terms is what writing
them side by side means, and is read so. What the language has not (OR/NOT, a word or
filter negated with - or !, a word marked + or a negated or `=` filter, a key that is no
filter, a filter with no value) is refused with the form to write, never searched as words
that then match nothing (a count of 0 looks like an answer). A word ending in a colon with
a space after it ("Re: order", "Note: call") is text, unless the word names a customer field
or a filter mistyped ("Name: Alice", "cty: 上海"); a colon with a value right after it
("cty:上海") is read as a filter. A filter read so whose key is none is refused. services.search_customers
does the search.
"""

from __future__ import annotations

import re
from typing import Any

from ..domain.schema import SOURCE_TAG
from ..errors import CimsError

FIND_FILTERS = ("city", "province", "country", "segment", "tag", "owner", "source")
# A query of more terms (words, phrases, filters) than this is refused in words before any
# SQL is built: every term is a condition, and a thousand of them outgrow SQLite's expression tree.
MAX_TERMS = 32


def refuse_too_many_terms(count: int) -> None:
    """Refuse (CimsError) a search of more than MAX_TERMS terms, saying how many it has."""
    if count > MAX_TERMS:
        raise CimsError(f"this search has {count} terms (words, phrases and filters); a search takes at most "
                        f"{MAX_TERMS}: keep the words that tell the customer apart")


# A token that starts with a word of letters (any script; no digit, so "10:30" is text)
# and a colon (":" or the full-width "："), its value not starting with a slash (a URL,
# C:\ or D:/ paths): a filter's key.
_KEY = re.compile(r"([^\W\d_][^\W\d]{0,23})[:：](?![/\\])(.*)", re.S)
_TOKEN = re.compile(r'(?:[^\s"]+|"[^"]*")+')
# "ltv>=1000", "ltv<=9.77", "ltv=9.77" in a CIMS_FIND/CIMS_COUNT query
_LTV_BOUND = re.compile(r"(?i)^ltv\s*(>=|<=|=|>|<)\s*((?![<>=])\S.*)$")
_LTV_OPEN = re.compile(r"(?i)^ltv\s*(>=|<=|=|>|<)$")          # "ltv>= 5": the value cut off by a space
# Query grammar CIMS_FIND/CIMS_COUNT do not have: refused, never counted as a search for the
# words ("OR" matching "Order Ltd", "-segment:VIP" a name containing it).
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_NEGATED = re.compile(r"^[-!](\w+)[:：=]")
# A word negated ("-Jones", "!Smith", also with the full-width and minus signs) or marked
# as required ("+Boston"): the language has neither; a letter must follow (a phone
# number's "+86", an amount's "-5" are text).
_EXCLUDED_WORD = re.compile(r"^[-!\u2212\uff0d\uff01]+([^\W\d_].*)$", re.S)
_REQUIRED_WORD = re.compile(r"^[+\uff0b]+([^\W\d_].*)$", re.S)
_EQUALS_KEY = re.compile(r"^(\w+)=(.+)$")
# A comparison the language has not: "country!=GB", "ltv=>1000", "ltv!=0", "created>=2026-12-02",
# "tickets>0" (≠ ≥ ≤ too). Refused when its left side is a filter, ltv, a customer field or
# one of the search's other conditions; never searched as a word that matches nothing.
_COMPARISON = re.compile(r"^([^\W\d_][^\W]{0,23})\s*(!=|<>|=>|=<|>=|<=|==|[=<>≠≥≤])\s*(.*)$", re.S)
# the search's conditions that are options of `cims customer search`, not query filters
_OPTION_CONDITIONS = {
    "created": "--created-from/--created-to YYYY-MM-DD", "updated": "--updated-from/--updated-to YYYY-MM-DD",
    "created_at": "--created-from/--created-to YYYY-MM-DD", "updated_at": "--updated-from/--updated-to YYYY-MM-DD",
    "tickets": "--open-tickets / --no-open-tickets", "ticket": "--open-tickets / --no-open-tickets",
    "open_tickets": "--open-tickets / --no-open-tickets",
}


def parse_query(query: Any, *, door: str = "worksheet",
                usable: tuple[str, ...] = FIND_FILTERS) -> tuple[str | None, dict[str, str]]:
    """(free text, {filter: value}) of a search query (CIMS_FIND/CIMS_COUNT, the Find button,
    `cims customer search`) ("ltv>=1000" and
    "ltv<=9.77" bound the lifetime value, in the store's currency, compared with the
    value as shown: a converted one rounded half up to its decimals). A query that cannot
    mean what it says is refused (CimsError), never read as a search matching nothing
    (0 looks like an answer): a quote left open ('"Acme'), a filter without its value
    ("tag:", "tag: vip"), a quoted phrase with nothing in it ('""'), and a key that is
    no filter ("name:王小明", "cty:上海", "城市：上海"), refused naming the filters,
    closest first; a word negated or marked required ("-Jones", "!Smith", "+Boston"),
    OR and NOT. Text with a colon that is no key stays text: "10:30", a URL ("https://…"), a
    quoted phrase ('"Re: order"'), a word whose colon has a space after it ("Re: order",
    "Note: call"), unless it names a customer field or a filter ("Name: Alice", "cty: 上海",
    "tag: vip": refused, its value cut off or its key none). AND between two terms is dropped: side by side they must all match anyway."""
    text = "" if query is None else str(query).strip()
    if text.count('"') % 2:
        raise CimsError(f"a quote is left open in {text[:30]!r}: close it (\"New York\") or leave it out")
    words, filters = [], {}
    tokens = _TOKEN.findall(text)
    refuse_too_many_terms(len([t for t in tokens if t != "AND"]))
    for at, token in enumerate(tokens):   # "New York" is one phrase; an apostrophe (O'Brien) is a letter
        part = token.replace('"', "")
        if token in ("&", "&&", "＆"):
            token = "AND"               # "Ann && Store": what AND says
        if token in ("|", "||", "｜"):
            token = "OR"                # "Ann | Store": refused as OR is (below)
        if token == "AND" and len(tokens) > 1:
            # side by side, terms must all match: AND says the same, between two terms
            if at in (0, len(tokens) - 1):
                raise CimsError("AND joins two terms (Smith AND Boston), and here it has one; "
                                "write the terms side by side (Smith Boston)")
            continue
        if not token.startswith('"'):
            _refuse_grammar(token, text, door)
        if not token.startswith('"') and (bound := _LTV_BOUND.match(token)) is not None:
            # a lifetime value bound, compared with the value as shown (search_customers)
            op, value = bound.group(1), bound.group(2).strip()
            if op in ("<", ">"):
                raise CimsError(f"{token}: write ltv{op}={value} (the value as shown counts: a lifetime value "
                                f"shown {value} is {'at least' if op == '>' else 'at most'} {value})")
            if op in (">=", "="):
                filters["ltv_min"] = value
            if op in ("<=", "="):
                filters["ltv_max"] = value
            continue
        key = None if token.startswith('"') else _KEY.fullmatch(token)
        if key is None:
            if not part.strip():
                raise CimsError("an empty quoted phrase (\"\") finds nothing: write words, or leave the query "
                                "empty")
            words.append(token)      # a quoted phrase stays one (services.search._query_terms)
            continue
        name, value = key.group(1).lower(), key.group(2).replace('"', "").strip()
        if name + ":" == SOURCE_TAG and value:
            # "src:98765432": the tag an imported customer keeps its old system's id in, as
            # the user sees it; searched as the text it is (as '"src:98765432"' is)
            words.append(token)
            continue
        if name not in FIND_FILTERS and not key.group(2) and not _names_a_field(name):
            # "Re: order", "Note: call": a word ending in a colon, a space after it, is text
            # (the colon at its edge is no part of the word: services.search); "Name: Alice",
            # "cty: 上海" name a field or a filter mistyped: refused below
            words.append(token)
            continue
        if name not in FIND_FILTERS:
            raise CimsError(f"no filter {key.group(1)}: (use {', '.join(k + ':' for k in _closest(name, usable))})")
        if not value:
            raise CimsError(f"{key.group(1)}: has no value; write it with its value and no space, e.g. "
                            f"{name}:{_FILTER_EXAMPLES[name]}")
        filters[name] = value
    return (" ".join(words) or None), filters


def _refuse_grammar(token: str, text: str, door: str = "worksheet") -> None:
    """CimsError for a term written in a query language these functions do not speak: an
    operator (AND/OR/NOT in capitals, between other terms), a negated filter ("-segment:VIP"),
    a filter written with "=" ("segment=VIP"), an "ltv>=" bound whose value a space cut off.
    Terms are combined with AND, each filter narrows the search."""
    if token in _OPERATORS and text.strip() != token:
        raise CimsError(f"{token}: queries have no OR/NOT; every term must match (write the terms "
                        + ("side by side, and use two cells for an OR)" if door == "worksheet"
                           else "side by side, and run two searches for an OR)"))
    if (neg := _NEGATED.match(token)) is not None and neg.group(1).lower() in FIND_FILTERS:
        raise CimsError(f"{token}: a filter cannot be negated; count all and subtract "
                        + (f"(=CIMS_COUNT(\"\")-CIMS_COUNT(\"{token[1:]}\"))" if door == "worksheet"
                           else f"(search without it, and with {token[1:]})"))
    if (left := _EXCLUDED_WORD.match(token)) is not None:
        word = left.group(1)
        raise CimsError(f"{token}: a search cannot leave a word out (no NOT); "
                        + (f"subtract counts: =CIMS_COUNT(\"…\")-CIMS_COUNT(\"… {word}\")" if door == "worksheet"
                           else f"search with and without {word} and compare, or put \"{token}\" in quotes "
                                "to find it as written"))
    if (req := _REQUIRED_WORD.match(token)) is not None:
        raise CimsError(f"{token}: every word must match already; write {req.group(1)} without the +")
    if (eq := _EQUALS_KEY.match(token)) is not None and eq.group(1).lower() in FIND_FILTERS:
        raise CimsError(f"{token}: write it with a colon, {eq.group(1).lower()}:{eq.group(2)}")
    if (cut := _LTV_OPEN.match(token)) is not None:
        raise CimsError(f"{token}: give its value with no space, e.g. ltv{cut.group(1)}1000")
    if (cmp := _COMPARISON.match(token)) is not None:
        _refuse_comparison(token, cmp.group(1), cmp.group(2), cmp.group(3), door)
    if _OPERATOR_START.match(token):
        # "ltv >= 0", "ltv >=0": the comparison split by spaces would be searched as words
        raise CimsError(f"{token}: a comparison is written with no spaces, e.g. ltv>=1000 or ltv<=500")


# a term that starts with a comparison sign: the left side of "ltv >= 0" was cut off by a space
_OPERATOR_START = re.compile(r"^(?:>=|<=|=>|=<|!=|<>|==|[=<>≠≥≤])")


def _refuse_comparison(token: str, key: str, op: str, value: str, door: str) -> None:
    """CimsError for a comparison written in a form the language has not ("country!=GB",
    "ltv=>1000", "created>=2026-12-02"), when its left side is something a search knows."""
    name = key.lower()
    written, op = op, {"≥": ">=", "≤": "<=", "=>": ">=", "=<": "<=", "≠": "!=", "<>": "!="}.get(op, op)
    if name == "ltv":
        if op in (">=", "<=") and written != op:
            raise CimsError(f"{token}: write ltv{op}{value or '1000'} (>= or <=, the sign after the comparison)")
        if op in ("!=", "=="):
            raise CimsError(f"{token}: lifetime value is bounded with ltv>= and ltv<= (ltv=9.77 for one value); "
                            "there is no \"not equal\"")
        return          # "ltv>5", "ltv=5", "ltv<5": _LTV_BOUND's own messages
    if name in FIND_FILTERS:
        if op in ("!=",):
            raise CimsError(f"{token}: a filter cannot be negated; count all and subtract "
                            + (f"(=CIMS_COUNT(\"\")-CIMS_COUNT(\"{name}:{value}\"))" if door == "worksheet"
                               else f"(search without it, and with {name}:{value})"))
        if op != "=":
            raise CimsError(f"{token}: {name}: compares by equality only; write {name}:{value or '…'}")
        return          # "segment=VIP": _EQUALS_KEY's message
    if name in _OPTION_CONDITIONS:
        raise CimsError(f"{token}: {name} is no query filter; "
                        + (f"in `cims customer search` use {_OPTION_CONDITIONS[name]}" if door != "worksheet"
                           else f"queries filter by {', '.join(k + ':' for k in FIND_FILTERS)} and ltv>=/ltv<= only"))
    if _names_a_field(name):
        raise CimsError(f"{token}: no filter {key} (use {', '.join(k + ':' for k in _closest(name))}, or "
                        "ltv>=/ltv<=)")


def _names_a_field(name: str) -> bool:
    """Whether `name` (casefolded) is a customer field's key or heading ("name", "email",
    "postal code") or a filter's key mistyped ("cty", "sgment": difflib's ratio 0.75 or
    more): a colon after it is read as a filter's, even with a space before the value."""
    import difflib

    from ..domain.schema import CUSTOMER

    fields = {f.key for f in CUSTOMER.fields} | {f.header.casefold().replace(" ", "_") for f in CUSTOMER.fields}
    return name in fields or bool(difflib.get_close_matches(name, FIND_FILTERS, n=1, cutoff=0.75))


def _closest(name: str, usable: tuple[str, ...] = FIND_FILTERS) -> list[str]:
    """The filters' keys the role may use (`usable`), the ones most like `name` first."""
    import difflib

    return sorted(usable, key=lambda k: -difflib.SequenceMatcher(None, name, k).ratio())


_FILTER_EXAMPLES = {"city": "Shanghai", "province": "广东", "country": "CN", "segment": "VIP", "tag": "wholesale",
                    "owner": "mei", "source": "Referral"}


def refuse_text_for_role(session: Any, text: str | None, door: str = "worksheet") -> None:
    """CimsError when free text is given by a role that may not read personal data (a
    viewer): free text looks in names, emails and phones, and what such a search could
    count (only the columns the role may read) would look like a real answer, and is not.
    The same refusal at every door: CIMS_FIND/CIMS_COUNT, `cims customer search TEXT`."""
    if not text or not str(text).strip() or session.may("read_personal", "customer"):
        return
    how = ("city:, country:, segment:, owner: … (=CIMS_COUNT(\"city:Berlin\"))" if door == "worksheet"
           else "--city, --country, --segment, --owner, --source (or city:Berlin in the text)")
    raise CimsError(f"names are personal data; {session.role} may not search by free text, only by {how}")
