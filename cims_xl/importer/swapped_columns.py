"""Columns whose values contradict their heading: swapped or shifted under a header row
(cols22, "never silently wrong").

A file without a header row has its columns checked against their values
(run._check_columns_by_position). A file WITH one can be as wrong: someone swapped Name
and Email, or Phone and Postal Code, when building the sheet. Stored as headed, each
customer is named `ann@x.com`, or has the postal code `+1 617 555 0101`.

Over the whole file (every row, not the first few), a column mapped to a name, a place
or a postal code whose EVERY filled value is an email address, or a phone number, is
no such field: the import stops before writing, naming the column, its values and the
--map that fits (the column that holds the field's values, where one does). A few
names with an @ among names, or numeric postal codes (02134, a Brazilian 01310-100),
are no such evidence. A column mapped by --map is taken as the user says.
"""

from __future__ import annotations

import re

from .header_evidence import value_shape
from .table import is_blank_cell

# Fields that never hold an email address or a phone number (a name, a place)
NAME_FIELDS = frozenset({"name", "customer_name", "company", "customer_company", "first_name", "last_name",
                         "customer_first_name", "customer_last_name", "contact_name"})
PLACE_FIELDS = frozenset({"city", "province", "country", "customer_city", "customer_province",
                          "customer_country"})
POSTAL_FIELDS = frozenset({"postal_code", "customer_postal_code"})
EMAIL_FIELDS = frozenset({"email", "customer_email"})
PHONE_FIELDS = frozenset({"phone", "mobile", "customer_phone"})
WATCHED = NAME_FIELDS | PLACE_FIELDS | POSTAL_FIELDS | EMAIL_FIELDS | PHONE_FIELDS

_DIGIT_GROUPS = re.compile(r"\d+")
EXAMPLES = 3


def _phone_not_postal(text: str) -> bool:
    """A phone number no postal code is written as: with + or a bracketed area code, or
    ten digits or more in three groups or more ("617-555-0101"); a Brazilian CEP
    01310-100 or an Iranian 11936-53471 is a postal code."""
    t = text.strip()
    if t.startswith(("+", "(")):
        return True
    groups = _DIGIT_GROUPS.findall(t)
    return sum(len(g) for g in groups) >= 10 and len(groups) >= 3


class ColumnValues:
    """Tallies one column's filled values: how many, how many are an email address, a
    phone number (and one no postal code is), and a few of each for the message."""

    def __init__(self, target: str | None = None) -> None:
        self.target = target
        self.filled = 0
        self.emails = 0
        self.phones = 0
        self.strong_phones = 0
        self.examples: list[str] = []
        # decided before the last row: a name/place/postal column with a value that is
        # neither an email nor a phone (or both kinds) can hold no one shape in every row;
        # an email (phone) column needs only to be seen holding one. Later values are not
        # weighed (the common file pays one shape test per column, not one per cell).
        self.mixed = False
        self.done = False

    def add(self, value: object) -> None:
        if self.done or is_blank_cell(value):
            return
        self.filled += 1
        text = value.strip() if isinstance(value, str) else str(value)
        if len(self.examples) < EXAMPLES and text not in self.examples:
            self.examples.append(text)
        shape = value_shape(value)
        if shape == "an email address":
            self.emails += 1
        elif shape == "a phone number":
            self.phones += 1
            self.strong_phones += _phone_not_postal(text)
        if self.target in EMAIL_FIELDS:
            self.done = self.emails > 0
        elif self.target in PHONE_FIELDS:
            self.done = self.phones > 0
        elif self.target is not None and (shape not in ("an email address", "a phone number")
                                          or (self.emails and self.phones)):
            self.mixed = self.done = True

    def holds(self, target: str) -> str | None:
        """What every value of the column is when that is plainly not `target`'s: "email
        addresses", "phone numbers"; None when the values may be the field's."""
        if not self.filled or self.mixed:
            return None
        if target in NAME_FIELDS | PLACE_FIELDS | POSTAL_FIELDS and self.emails == self.filled:
            return "email addresses"
        phones = self.strong_phones if target in POSTAL_FIELDS else self.phones
        if target in NAME_FIELDS | PLACE_FIELDS | POSTAL_FIELDS and phones == self.filled:
            return "phone numbers"
        return None


def watched_columns(mapping, columns: list[int]) -> dict[int, ColumnValues]:
    """{table column: ColumnValues} for the mapped columns whose field `check` judges."""
    return {columns[j]: ColumnValues(c.target) for j, c in enumerate(mapping.columns)
            if c.target in WATCHED and c.how != "override"}


def _field_for(shape: str, allowed: dict[str, str]) -> str | None:
    keys = ("email", "customer_email") if shape == "email addresses" else ("phone", "customer_phone", "mobile")
    return next((allowed[k] for k in keys if k in allowed), None)


def check(mapping, columns: list[int], tallies: dict[int, ColumnValues]) -> str | None:
    """The stop message's body when a mapped column's values across the file are all of
    another field's shape (emails under Name, phones under Postal Code); None otherwise."""
    wrong: list[str] = []
    fixes: list[str] = []
    for j, c in enumerate(mapping.columns):
        got = tallies.get(columns[j]) if j < len(columns) else None
        if got is None or c.target not in WATCHED or c.how == "override":
            continue
        shape = got.holds(c.target)
        if shape is None:
            continue
        label = mapping.labels.get(c.target, c.target)
        shown = ", ".join(f"'{t}'" for t in got.examples)
        wrong.append(f"'{c.header}' ({label}) holds {shape} in every row ({shown})")
        quoted = c.header.replace('"', "'")
        if (field := _field_for(shape, mapping.labels)) is not None:
            fixes.append(f'--map "{quoted}={field}"')
        # the column headed as what this one holds, holding none of it: the two swapped
        own = EMAIL_FIELDS if shape == "email addresses" else PHONE_FIELDS
        for i, o in enumerate(mapping.columns):
            other = tallies.get(columns[i]) if i != j and i < len(columns) else None
            if other is not None and o.target in own and other.filled and not (
                    other.emails if shape == "email addresses" else other.phones):
                fixes.append(f'--map "{o.header.replace(chr(34), chr(39))}={label}"')
                break
    if not wrong:
        return None
    return ("; ".join(wrong) + ": its heading and its values disagree (the columns may be swapped or shifted "
            "under the header). Nothing was imported. Say which column is which with --map"
            + (f", e.g. {' '.join(dict.fromkeys(fixes))}" if fixes else "") + ".")
