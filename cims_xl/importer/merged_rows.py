"""Cells merged down over several data rows (合并单元格).

A name or a date merged over an order's product lines is every line's: it is filled
down (table.MergeFiller). An amount or a quantity merged over rows is NOT: it is the
group's, written once ("Amount 150" merged over the Mug and T-shirt rows is one sale of
150, not two). So, decided from the sheet's merges and the column mapping:

- orders: the rows a merged amount spans are one order: its first row is stored with
  the amount, the other rows' products (and quantities) are added to it, and the other
  rows are counted as lines of it, not stored again;
- every kind: a merged amount or quantity is not copied onto the rows below its first.

The summary says which columns were filled down and which amounts were kept once.
"""

from __future__ import annotations

# field kinds whose merged-down value is the group's, once
ONCE_KINDS = ("money", "decimal", "int")


def _rows(spans: list[tuple[int, int]]) -> str:
    shown = ", ".join(f"{a}–{b}" for a, b in spans[:4])
    return shown + (f" and {len(spans) - 4} more" if len(spans) > 4 else "")


def decide(filler, ent, table, mapping, folded_rows=frozenset(), footer=frozenset()):
    """(sheet columns kept on the first row only, {further row: first row},
    {first row: (further lines' (product, quantity), count)}, inferences) for the
    merges of `filler` (made with keep_rows). `folded_rows`: rows already folded into
    an order by its order number (shop_orders)."""
    if not filler.down:
        return frozenset(), {}, {}, []
    kinds = {f.key: f.kind for f in ent.fields}
    target_of = {col: c.target for col, c in zip(table.columns, mapping.columns) if c.target}
    header_of = dict(zip(table.columns, table.headers))
    once = frozenset(col for col, t in target_of.items() if kinds.get(t) in ONCE_KINDS)
    filled: dict[str, list[tuple[int, int]]] = {}
    kept: dict[str, list[tuple[int, int]]] = {}
    further: dict[int, int] = {}
    folds: dict[int, tuple[list, int]] = {}
    product = next((col for col, t in target_of.items() if t == "product"), None)
    quantity = next((col for col, t in target_of.items() if t == "quantity"), None)
    amount = next((col for col, t in target_of.items() if t == "amount"), None)
    rows = filler.kept or {}
    from .mapping import CUSTOMER_LINKS
    people = [col for col, t in target_of.items() if t in CUSTOMER_LINKS]
    for top, bottom, c0, c1 in filler.down:
        cols = [c for c in range(c0, c1 + 1) if c in header_of]
        if not cols:
            continue
        span = (top + 1, bottom + 1)
        for c in cols:
            (kept if c in once else filled).setdefault(header_of[c], []).append(span)
        if ent.kind != "order" or amount not in cols:
            continue
        first = top + 1
        lines = [r for r in range(top + 2, bottom + 2) if r - 1 in rows and r not in footer]
        if first in folded_rows or first in footer or not lines:
            continue
        whose = {str(rows[r - 1][c]).strip() for r in (first, *lines) if r - 1 in rows for c in people
                 if c < len(rows[r - 1]) and str(rows[r - 1][c]).strip()}
        if len(whose) > 1:
            from .errors import ImportRefused
            raise ImportRefused(
                f"'{header_of[amount]}' is merged over rows {first}–{bottom + 1}, which name different customers ("
                + ", ".join(f"'{w}'" for w in sorted(whose)[:3]) + "): one amount for several customers' orders "
                "cannot be told apart. Nothing was imported. Unmerge the cells and give each row its own amount.")
        q_merged = quantity is not None and any(t <= top and b >= bottom and a <= quantity <= z
                                                for t, b, a, z in filler.down)
        more = []
        for r in lines:
            values = rows[r - 1]
            p = values[product] if product is not None and product < len(values) else None
            q = values[quantity] if quantity is not None and quantity < len(values) and not q_merged else None
            more.append((p, q))
            further[r] = first
        folds[first] = (more if product is not None or (quantity is not None and not q_merged) else [],
                        len(lines), q_merged)
    inferences = []
    if filled:
        inferences.append({"what": "merged cells", "decided": "filled down over the rows they span: "
                           + ", ".join(f"'{h}'" for h in filled),
                           "evidence": "; ".join(f"'{h}' merged over rows {_rows(s)}" for h, s in filled.items())})
    if kept:
        how = ("one order: its amount stored once on the first row, the other rows' products added to it "
               "and the rows counted as lines of it, not stored again" if further else
               "kept on the first row of the merge only, not copied to the rows below")
        inferences.append({"what": "merged amounts", "decided": how,
                           "evidence": "; ".join(f"'{h}' merged over rows {_rows(s)}" for h, s in kept.items())
                           + ": a merged amount or quantity is the group's, counted once"})
    return once, further, folds, inferences
