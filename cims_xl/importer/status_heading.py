"""An orders file's heading that means the order's status or something else ("Estado":
status or state/province in Spanish and Portuguese; "État", "Stato" likewise), settled
by the column's values, read on the whole column.

The status changes what is stored (a refunded row is no sale), so such a column is never
left quietly in Notes when its values are statuses: when every value is a status the
importer knows (`domain.models` order status words, or a refund written with its amount,
`refunds.refund_in_status`) the column is taken as the status and the summary says so;
when no value is one, the other reading stands (the column is kept in Notes, as before,
and said); when some values are statuses and others are not, the import stops before
writing, naming the column, examples of both and the `--map` that settles it.
"""

from __future__ import annotations

from . import refunds
from .errors import ImportRefused

EXAMPLES = 3


class AmbiguousStatus:
    """Watches the columns whose heading could be the order's status or another field."""

    def __init__(self, columns: dict[int, tuple[str, tuple[str, ...], str]], labels: dict[str, str]):
        self.columns = columns           # table column -> (heading, readings, label of the status)
        self.labels = labels
        self.status: dict[int, list[str]] = {c: [] for c in columns}
        self.other: dict[int, list[str]] = {c: [] for c in columns}
        self.counts: dict[int, list[int]] = {c: [0, 0] for c in columns}
        self._check = record_model_status()

    @classmethod
    def find(cls, ent, table, mapping) -> AmbiguousStatus | None:
        if ent.kind != "order":
            return None
        found = {table.columns[j]: (c.header, c.could_be, mapping.labels.get("status", "Order Status"))
                 for j, c in enumerate(mapping.columns)
                 if c.target is None and "status" in c.could_be and j < len(table.columns)}
        return cls(found, mapping.labels) if found else None

    def add(self, values: list) -> None:
        for c in self.columns:
            if c >= len(values):
                continue
            v = values[c]
            text = "" if v is None else str(v).strip()
            if not text:
                continue
            known = self._check(text) or refunds.refund_in_status(text) is not None
            self.counts[c][0 if known else 1] += 1
            shown = (self.status if known else self.other)[c]
            if len(shown) < EXAMPLES and text[:40] not in shown:
                shown.append(text[:40])

    def decide(self, mapping, table, where: str) -> list[dict]:
        """Map the columns whose values are all statuses; stop on a column whose values are
        both; the inferences said in the summary."""
        inferences = []
        for c, (header, could_be, label) in self.columns.items():
            known, other = self.counts[c]
            readings = " or ".join(self.labels.get(k, k) for k in could_be)
            quoted = header.replace('"', "'")
            if known and other:
                raise ImportRefused(
                    f"{where}: column '{header}' could be {readings}, and its values do not settle which: "
                    f"{known} are order statuses ({', '.join(repr(s) for s in self.status[c])}) and {other} are "
                    f"not ({', '.join(repr(s) for s in self.other[c])}). A status changes what is stored (a "
                    f"refund is no sale), so nothing was imported: say which with "
                    + " or ".join(f'--map "{quoted}={self.labels.get(k, k)}"' for k in could_be))
            if known:
                j = table.columns.index(c)
                for k, col in enumerate(mapping.columns):
                    if k != j and col.target == "status":
                        mapping.columns[k] = type(col)(col.header, None, "unmapped")
                mapping.columns[j] = type(mapping.columns[j])(header, "status", "evidence")
                inferences.append({"what": f"column '{header}'", "decided": f"{label} (from its values)",
                                   "evidence": f"the heading means {readings}; every one of its {known} values "
                                               f"is an order status, such as "
                                               + ", ".join(f"'{s}'" for s in self.status[c])})
        return inferences


def record_model_status():
    """A function telling whether a text is an order status the importer knows."""
    from ..domain.schema import ENTITIES

    field = next(f for f in ENTITIES["order"].fields if f.key == "status")
    from ..domain.models import _enum_validator

    check = _enum_validator(field)
    choices = set(field.choices)

    def known(text: str) -> bool:
        try:
            return check(text) in choices
        except Exception:           # noqa: BLE001 - a value the validator refuses is no status
            return False

    return known
