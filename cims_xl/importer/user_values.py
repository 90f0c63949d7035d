"""Names in an import's user columns (a ticket's Assignee, a customer's Owner).

A help desk's or CRM's export names its own agents ("Maria Lopez"). Such a name is
stored as the file writes it; one that is a cims user's, by user name or display name
in any case ("BOSS", "Wang Wei"), is stored as that user's name, as every write does
(services.records.as_user_names): the user's own records and role checks then find it.
`UserValues` collects the distinct names of each user column while the rows are planned,
so that the summary and the dry run say which names were matched and which kept. A
name that is a *disabled* user's (someone who has left: they can no longer sign in)
still gives them the records, as the file says, since an old system's history is
theirs; but the summary and the dry run say so apart, naming the user and the number
of rows, and how to give the records to someone else.
"""

from __future__ import annotations

from ..domain.schema import CUSTOMER, Entity
from ..services.records import user_for

DISTINCT_MAX = 1_000     # distinct names remembered per field
SHOWN = 3                # names shown per side in the summary


class UserValues:
    """The distinct values of the user fields of the rows planned for writing."""

    def __init__(self, ent: Entity, names: dict[str, str] | None = None, disabled: frozenset[str] = frozenset()):
        """`names`: records.user_names; `disabled`: records.disabled_user_names (both
        read once, before the rows: every row naming a disabled user is counted)."""
        self.ent = ent
        self.keys = [f.key for f in ent.fields if f.kind == "user"]
        self.customer_keys = [f.key for f in CUSTOMER.fields if f.kind == "user"] if ent.kind != "customer" else []
        self.seen: dict[str, dict[str, None]] = {}
        self.names, self.disabled = names or {}, disabled
        # {field key: {disabled user: [rows, first written forms]}}
        self.gone: dict[str, dict[str, list]] = {}

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
                if self.disabled and (who := user_for(self.names, v)) in self.disabled:
                    count = self.gone.setdefault(prefix + key, {}).setdefault(who, [0, []])
                    count[0] += 1
                    if v not in count[1] and len(count[1]) < SHOWN:
                        count[1].append(v)

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
        for key, gone in self.gone.items():
            column = headers.get(key, key)
            for who, (rows, written) in gone.items():
                out.append({
                    "what": f"disabled user in '{column}'",
                    "decided": f"{rows} row(s) given to user {who}, who is disabled (can no longer sign in)",
                    "evidence": f"the column names them ({', '.join(repr(w) for w in written)}); the records are "
                                f"theirs as the file says. To give them to someone else, write that user's name "
                                f"in '{column}', or leave the column out with --map \"{column}=-\"; "
                                f"`cims user enable {who}` lets them sign in again"})
        return out
