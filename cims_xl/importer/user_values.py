"""Names in an import's user columns (a ticket's Assignee, a customer's Owner).

A help desk's or CRM's export names its own agents ("Maria Lopez"). Such a name is
stored as the file writes it; one that is a cims user's, by user name or display name
in any case ("BOSS", "Wang Wei"), is stored as that user's name, as every write does
(services.records.as_user_names): the user's own records and role checks then find it.
`UserValues` collects the distinct names of each user column while the rows are planned,
so that the summary and the dry run say which names were matched and which kept.
"""

from __future__ import annotations

from ..domain.schema import CUSTOMER, Entity
from ..services.records import user_for

DISTINCT_MAX = 1_000     # distinct names remembered per field
SHOWN = 3                # names shown per side in the summary


class UserValues:
    """The distinct values of the user fields of the rows planned for writing."""

    def __init__(self, ent: Entity):
        self.ent = ent
        self.keys = [f.key for f in ent.fields if f.kind == "user"]
        self.customer_keys = [f.key for f in CUSTOMER.fields if f.kind == "user"] if ent.kind != "customer" else []
        self.seen: dict[str, dict[str, None]] = {}

    def add(self, planned) -> None:
        """Remember the user-field values of one planned chunk (plan.Planned)."""
        for _out, values in planned.creates:
            self._take(self.keys, values)
        for _out, _rid, changes, _ver in planned.updates:
            self._take(self.keys, changes)
        for _placeholder, values in planned.new_customers:
            self._take(self.customer_keys, values, prefix="customer_")

    def _take(self, keys: list[str], values: dict, prefix: str = "") -> None:
        for key in keys:
            v = values.get(key)
            if isinstance(v, str) and v:
                seen = self.seen.setdefault(prefix + key, {})
                if len(seen) < DISTINCT_MAX:
                    seen.setdefault(v, None)

    def inferences(self, names: dict[str, str], headers: dict[str, str]) -> list[dict]:
        """One summary line per user column with values: the names that are cims users
        ('BOSS' = user boss) and those kept as written. `names`: records.user_names;
        `headers`: field key -> the file's column."""
        out = []
        for key, seen in self.seen.items():
            matched = {v: u for v in seen if (u := user_for(names, v)) is not None}
            kept = [v for v in seen if v not in matched]
            parts = []
            if matched:
                parts.append("; ".join(f"'{v}' = user {u}" for v, u in list(matched.items())[:SHOWN])
                             + (f" and {len(matched) - SHOWN} more" if len(matched) > SHOWN else ""))
            if kept:
                parts.append(f"{len(kept)} name(s) kept as written, no cims user ("
                             + ", ".join(f"'{v}'" for v in kept[:SHOWN]) + (", …" if len(kept) > SHOWN else "")
                             + ")")
            out.append({"what": f"names in '{headers.get(key, key)}'", "decided": "; ".join(parts),
                        "evidence": "a name that is a cims user's (user name or display name, any case) "
                                    "is stored as that user's name; any other is stored as written"})
        return out
