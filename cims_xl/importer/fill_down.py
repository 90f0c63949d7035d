"""A report that writes a group's customer once: on the group's first row, blank below.

    Customer  | Order ID | Order Date | Amount
    Acme Ltd  | 1        | 2024-03-01 | 12
              | 2        | 2024-03-02 | 13
    Beta GmbH | 4        | 2024-03-04 | 15
              | 5        | 2024-03-05 | 16

Printed and pivot-style reports ("repeat item labels" off) leave the cells under a
label blank without merging them (merged cells are filled down already: merged_rows).
Read row by row, every row under the first is an order of no customer, rejected.

`CustomerGaps` watches the customer columns of records that belong to a customer
(orders, tickets, deals, contacts, interactions): when the first data row names a
customer and at least two rows, a third of the rows or more, name none in any customer
column (name, id, email, phone), the layout is taken as this one, but it is never
filled down unasked (a row may lack its customer by mistake): the import stops before
writing, naming the column, the rows and ``--fill-down "Customer"``, which gives each
blank cell of the column the value above it (`table.MergeFiller.fill_down`); the
summary then says so.
"""

from __future__ import annotations

from .errors import ImportRefused
from .table import is_blank_cell

CUSTOMER_KEYS = ("customer_name", "customer_ref", "customer_id", "customer_email", "customer_phone",
                 "customer_company")
SHOWN = 4


def columns_named(headers: list, columns: list[int], names) -> dict[str, int]:
    """{heading: sheet column} for the --fill-down headings (case and spaces folded);
    ImportRefused naming the headings there are when one is not the file's."""
    if not names:
        return {}
    if isinstance(names, str):
        names = [names]
    key = {" ".join(str(h).split()).casefold(): (str(h), c) for h, c in zip(headers, columns) if h is not None}
    out: dict[str, int] = {}
    for name in names:
        found = key.get(" ".join(str(name).split()).casefold())
        if found is None:
            raise ImportRefused(f"--fill-down: the file has no column '{name}'; its columns are "
                                + ", ".join(f"'{h}'" for h in headers if h is not None)[:400])
        out[found[0]] = found[1]
    return out


class CustomerGaps:
    """The rows whose customer columns are all blank, for the group layout above."""

    def __init__(self, ent_kind: str, mapping, columns: list[int]):
        self.cols = [(columns[j], c.header, c.target) for j, c in enumerate(mapping.columns)
                     if c.target in CUSTOMER_KEYS] if ent_kind != "customer" else []
        self.rows = 0
        self.first_named: bool | None = None
        self.blank: list[int] = []
        self.named = 0

    @property
    def active(self) -> bool:
        return bool(self.cols)

    def add(self, number: int, values: list) -> None:
        n = len(values)
        named = any(c < n and not is_blank_cell(values[c]) for c, _, _ in self.cols)
        if self.first_named is None:
            self.first_named = named
        self.rows += 1
        if named:
            self.named += 1
        elif len(self.blank) < 10_000:
            self.blank.append(number)

    def check(self, filled: dict[str, int], skipped=frozenset()) -> None:
        """ImportRefused when the rows look like the group layout and --fill-down says
        nothing of it. `skipped`: rows that are no records (footers, subtotals)."""
        if skipped:
            self.rows -= sum(1 for r in self.blank if r in skipped)
            self.blank = [r for r in self.blank if r not in skipped]
        if not self.cols or not self.first_named or filled or len(self.blank) < 2 or len(self.blank) * 3 < self.rows:
            return
        header = next((h for _, h, t in self.cols if t == "customer_name"), self.cols[0][1])
        rows = ", ".join(str(r) for r in self.blank[:SHOWN]) + (" …" if len(self.blank) > SHOWN else "")
        raise ImportRefused(
            f"column '{header}' names a customer on {self.named} of {self.rows} rows, the first among them, and is "
            f"blank on {len(self.blank)} (rows {rows}): the layout of a report that writes a group's customer "
            f"once, on its first row. Nothing was imported. If each blank means the customer above, say "
            f"--fill-down \"{header}\"; otherwise give those rows their customer in the file.")


def inference(filled: dict[str, int], counts: dict[int, int]) -> list[dict]:
    return [{"what": f"fill down '{h}'", "decided": f"{counts.get(c, 0)} blank cell(s) given the value above",
             "evidence": "--fill-down"} for h, c in filled.items()]
