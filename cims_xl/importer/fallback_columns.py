"""A second column for a field, taken where the first is empty (try24f A9).

Exports write one column per email or phone a person has: a duplicate heading ("Email",
"Email" — read as "Email (2)"), Google's "E-mail 1 - Value" / "E-mail 2 - Value",
"Phone 2", "Secondary Email", "Other Phone", "备用邮箱", Shopify's "Default Address Phone"
beside "Phone". The first is the field; the others
stay in Notes. A row whose first column is empty and whose second is not lost its only
address to Notes: now the first filled one of the field's other columns is the field's
value (in heading order), the rest stay in Notes, and the summary counts the rows and
names the columns.

A column is another of a field's when its heading, without a trailing number ("2",
"(2)", "2 - Value") or a leading word for "another" (`_ANOTHER`), is a heading of a mapped
field of `FIELDS` (the entity's synonym table says which), and the column is unmapped.
"""

from __future__ import annotations

import re

from .table import is_blank_cell
from . import mapping as mp

FIELDS = ("email", "phone", "customer_email", "customer_phone")
_NUMBERED = re.compile(r"^(?P<rest>.+?)\s*(?:[(（#]\s*\d{1,2}\s*[)）]?|[-_ ]?\d{1,2})(?:\s*-\s*(?:value|wert|valeur|valor))?$",
                       re.IGNORECASE)
_ANOTHER = re.compile(r"^(?:secondary|second|2nd|alternate|alternative|alt\.?|other|additional|backup|weitere|zweite|"
                      r"autre|otro|outro|altro|备用|其他|第二|副|予備|その他|보조|다른)\s*[-_ ]?\s*(?P<rest>.+)$",
                      re.IGNORECASE)
_VALUE = re.compile(r"^(?P<rest>.+?)\s*-\s*(?:value|wert|valeur|valor)$", re.IGNORECASE)


def _base(header: str) -> str | None:
    text = " ".join(header.split())
    for pattern in (_VALUE, _NUMBERED, _ANOTHER):
        if (m := pattern.match(text)) is not None:
            text = m.group("rest").strip()
            if pattern is _NUMBERED:
                return text
            if pattern is _ANOTHER:
                return _VALUE.match(text).group("rest") if _VALUE.match(text) else text
    return None


class Fallbacks:
    """`apply(out)` per row (the mapped columns' values, in the mapping's order);
    `inferences()` for the summary. Empty (`bool(self)` False) when no field has another
    column."""

    def __init__(self, ent, mapping):
        table = mp._synonym_table(ent)
        where = {c.target: j for j, c in enumerate(mapping.columns) if c.target in FIELDS}
        self.others: list[tuple[int, list[int]]] = []
        self.used: dict[int, int] = {}              # other column -> rows it gave the value
        self.headers = [c.header for c in mapping.columns]
        for target, j in where.items():
            alts = []
            for k, c in enumerate(mapping.columns):
                if k == j or c.target is not None or c.how in ("ignored", "secret"):
                    continue
                base = _base(c.header)
                # "Default Address Phone" beside "Phone": the phone of the address (mapping.address_part_hit)
                hit = (table.get(mp.norm(base)) if base else None) or mp.address_part_hit(table, c.header)
                if hit is not None and hit[0] == target:
                    alts.append(k)
            if alts:
                self.others.append((j, alts))

    def __bool__(self) -> bool:
        return bool(self.others)

    def apply(self, out: list) -> list:
        for j, alts in self.others:
            if j < len(out) and not is_blank_cell(out[j]):
                continue
            for k in alts:
                if k < len(out) and not is_blank_cell(out[k]):
                    out[j], out[k] = out[k], ""
                    self.used[k] = self.used.get(k, 0) + 1
                    break
        return out

    def inferences(self) -> list[dict]:
        lines = []
        for j, alts in self.others:
            used = [(k, self.used[k]) for k in alts if self.used.get(k)]
            if not used:
                continue
            took = "; ".join(f"{n} from '{self.headers[k]}'" for k, n in used)
            lines.append({"what": "several columns for one field",
                          "decided": f"{sum(n for _, n in used)} row(s) with '{self.headers[j]}' empty took the "
                                     f"value of another column of the field: {took}",
                          "evidence": f"the headings name one field ('{self.headers[j]}', "
                                      + ", ".join(f"'{self.headers[k]}'" for k in alts)
                                      + "); where the first is filled the others stay in Notes"})
        return lines
