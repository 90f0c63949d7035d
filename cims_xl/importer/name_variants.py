"""Names one customer may be written under in two files: a Chinese name in Traditional
and in Simplified characters (`ScriptNamesakes`, `duplicates.simplified`), a person's name
with the family name first or last (`turned_names`; `word_bag`/`add_turned` index them).
Used by importer.plan: a customers file keeps such names apart and says so; an orders,
contacts ... file links a row to the one customer so named (docs/import-name-scripts-and-order.md).
"""

from __future__ import annotations

from ..domain.duplicates import company_key, fold_latin, parse_name, simplified

# Holders of one name kept for its warnings (which name three at most).
NAMESAKES_KEPT = 8


class ScriptNamesakes:
    """Names that are one name written in Traditional and in Simplified Chinese characters
    ("深圳明達科技有限公司" and "深圳明达科技有限公司", `simplified`): a Hong Kong or Taiwan
    company and a mainland one may share a name, so the import makes both and says so,
    it does not merge them."""

    def __init__(self) -> None:
        self._folded: dict[str, list[tuple[str, str, str]]] = {}   # folded key -> (who, name, key)

    def add(self, who: str, name: str) -> None:
        if name and not name.isascii():
            key = company_key(name)
            holders = self._folded.setdefault(company_key(simplified(name)), [])
            if sum(k == key for _w, _n, k in holders) < NAMESAKES_KEPT:   # a name many rows share: linear
                holders.append((who, name, key))

    def find(self, name: str) -> list[tuple[str, str]]:
        """(who, name) of the names added that are `name` in the other script (not those
        written as it is: those are its duplicates, or a namesake the other keys tell apart)."""
        if not name or name.isascii():
            return []
        key = company_key(name)
        return [(who, n) for who, n, k in self._folded.get(company_key(simplified(name)), ()) if k != key]


def add_turned(index: dict[str, dict[str, list[tuple[str, str, str]]]], who: str, name: str, email: str,
               bag: tuple[str, str] | None = None) -> None:
    """Add (who, name, email) to `index` (word bag -> words in order -> holders), at
    most `NAMESAKES_KEPT` per order: a file of a thousand "Wang Wei" rows stays linear."""
    words, order = bag or word_bag(name)
    holders = index.setdefault(words, {}).setdefault(order, [])
    if len(holders) < NAMESAKES_KEPT:
        holders.append((who, name, email))


def word_bag(name: str) -> tuple[str, str]:
    """(a name's words in sorted order, its words in order), case and Latin marks aside:
    names that may be one another turned round (`turned_names`) have the same bag."""
    text = name.casefold()
    if not text.isascii():
        text = fold_latin(text)
    words = text.replace(",", " ").split()
    return " ".join(sorted(words)), " ".join(words)


def turned_names(name: str) -> list[str]:
    """A person's name (`name_key`) with its family name moved to the other end, as
    languages that write it first (Hungarian, Russian lists, Vietnamese) and those that
    write it last would write it: "Иван Иванов" -> ["иванов иван"], "Иван Петрович
    Иванов" -> ["иванов иван петрович", "петрович иванов иван"] (either end may hold it).
    [] for a name of one word, a CJK name, or one with a title or generation."""
    p = parse_name(name)
    if p.cjk or p.titled or p.generation or not p.given:
        return []
    words = [*p.given, p.family]
    turned = [" ".join(words[1:] + words[:1]), " ".join(words[-1:] + words[:-1])]
    return [t for t in dict.fromkeys(turned) if t != p.key]
