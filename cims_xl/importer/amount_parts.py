"""Which column is the order's amount when a total stands beside a net or a subtotal,
decided on the values of the whole file (issue 14: never silently wrong).

A file with "Total" beside "Net" or "Subtotal" (Shopify's Subtotal, Shipping, Taxes,
Total; a German Zwischensumme beside Gesamtsumme; 小计 beside 合计) has the amount taken
from the total by its heading. The headings are not enough: a "Total" may be a line's
total (Quantity x Unit price) beside the invoice's "Net", a "Subtotal" may be larger than
the "Total" (a discount the file does not show, or columns the other way round), a
"Total" may count items. So the rows are weighed (`AmountParts`, fed by the first pass):

- Total = Subtotal (or Net) + Shipping + Tax - Discount, for some of those columns the
  file has (Shopify's Subtotal is after its discount, other shops' before; a price with
  tax included has no tax added), or Total = Subtotal: the row agrees with the headings;
- Total = Quantity x Unit price (and not the Subtotal): a line's total;
- Total below the Subtotal: not its total;
- Total above the Subtotal by something no column gives: no contradiction.

When no row contradicts the headings (or nine in ten rows agree, the few others named),
the total is the amount and the summary says on what evidence. Otherwise the import
stops before writing, naming both columns, the file's examples and the --map of each.
A --map for the amount settles it.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from decimal import Decimal

from ..domain import money
from . import net_gross

# rows kept for the decision (those with both a total and a subtotal): beyond them the
# rows seen decide, and the summary says how many were weighed
MAX_ROWS = 200_000
EXAMPLES = 3

# Words a heading may add to a part's own word ("Shipping Cost", "Tax Amount", "Tax 1 Value")
_FILLER = frozenset(("amount", "amt", "cost", "costs", "fee", "fees", "charge", "charges", "value", "price", "total",
                     "sum", "order", "line", "lines", "betrag", "kosten", "gebühr", "montant", "frais", "importe",
                     "valor", "gastos", "costo", "costi", "importo", "bedrag", "kosten", "de", "des", "du", "la",
                     "le", "el", "del", "der", "die", "1", "2", "3", "in", "incl", "inkl"))
_PARTS: dict[str, frozenset[str]] = {
    "subtotal": frozenset(("subtotal", "sub-total", "sub total", "subtotals", "zwischensumme", "teilsumme",
                           "sous-total", "sous total", "subtotale", "subtotaal", "delsumma", "mellansumma",
                           "ara toplam", "промежуточный итог", "suma częściowa", "item subtotal", "items subtotal",
                           "merchandise subtotal", "product subtotal")),
    "shipping": frozenset(("shipping", "freight", "delivery", "postage", "handling", "shipping and handling",
                           "shipping & handling", "carriage", "duties", "duty", "tip", "tips", "gratuity",
                           "versand", "versandkosten", "porto", "fracht", "lieferung", "lieferkosten", "port",
                           "livraison", "frais de port", "envío", "envio", "gastos de envío", "gastos de envio",
                           "frete", "spedizione", "verzending", "verzendkosten", "trinkgeld", "pourboire",
                           "propina", "доставка")),
    "tax": frozenset(("tax", "taxes", "vat", "gst", "hst", "pst", "qst", "sales tax", "mwst", "ust", "mwst.",
                      "umsatzsteuer", "mehrwertsteuer", "steuer", "steuern", "tva", "taxe", "iva", "impuesto",
                      "impuestos", "imposto", "impostos", "btw", "moms", "alv", "ндс", "налог", "kdv")),
    "discount": frozenset(("discount", "discounts", "rebate", "coupon", "voucher", "rabatt", "nachlass", "skonto",
                           "remise", "réduction", "reduction", "descuento", "descuentos", "desconto", "sconto",
                           "korting", "скидка", "indirim", "i̇ndirim")),
}
_PARTS_CJK: dict[str, tuple[str, ...]] = {
    "subtotal": ("小计", "小計", "소계"),
    "shipping": ("运费", "運費", "送料", "配送料", "배송비", "快递费"),
    "tax": ("税额", "稅額", "税金", "稅金", "消费税", "消費税", "增值税", "세액", "부가세"),
    "discount": ("折扣", "优惠", "優惠", "割引", "値引", "할인"),
}
_SPLIT = re.compile(r"[\s_:/()\[\].,#]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_SIGN = {"shipping": 1, "tax": 1, "discount": -1}


def _plain(header: str) -> str:
    return unicodedata.normalize("NFKC", str(header)).casefold().strip()


def part_of(header: str) -> str | None:
    """"subtotal", "shipping", "tax" or "discount" for a heading naming that part of an
    order's total ("Subtotal", "Shipping Cost", "Taxes", "Tax 1 Value", "Discount Amount",
    Zwischensumme, Versand, MwSt, Rabatt, 小计, 运费, 税额, 折扣), else None. "Discount Code",
    "Shipping Method", "Shipping Name" name something else: None."""
    h = _plain(header)
    if _CJK.search(h):
        return next((part for part, words in _PARTS_CJK.items() if any(w in h for w in words)), None)
    whole = " ".join(w for w in _SPLIT.split(h) if w)
    for part, words in _PARTS.items():
        if whole in words:
            return part
    kept = " ".join(w for w in _SPLIT.split(h) if w and w not in _FILLER)
    return next((part for part, words in _PARTS.items() if kept in words), None)


def is_subtotal(header: str) -> bool:
    """Whether a heading names an order's amount before what a total adds: a subtotal
    ("Subtotal", Zwischensumme, 小计) or a net amount ("Net", "Netto", "HT", 不含税)."""
    return part_of(header) == "subtotal" or net_gross.is_net(header)


_PLAIN = re.compile(r"-?\d{1,15}(?:\.\d{1,6})?")


def _number(value: object, mark: str | None) -> float | None:
    """A cell's amount (a float: only compared, within a cent), None for a blank or a cell
    that is no amount. Plain "1234.50" is read at once; any other text as money reads it."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and mark != "," and _PLAIN.fullmatch(value.strip()):
        return float(value)
    try:
        got = money.parse_money(value, mark)[0]
    except (ValueError, ArithmeticError):
        return None
    return float(got) if got is not None else None


def _shown(value: float) -> str:
    return f"{value:.2f}" if abs(value * 100 - round(value * 100)) < 1e-6 else f"{value:g}"


class AmountParts:
    """The first pass's evidence: for a table with a column headed as a subtotal or net
    amount, the rows' values of it, of every column that may be the amount (`totals`:
    file columns), of the parts (shipping, tax, discount) and of a quantity and a unit
    price. `add(number, values)` per data row; `decide(...)` once the mapping is known."""

    def __init__(self, headers: list[str], columns: list[int], totals: list[int], quantity: int | None):
        self.headers = {c: h for c, h in zip(columns, headers)}
        self.subtotals = [c for c, h in zip(columns, headers) if is_subtotal(h)]
        self.parts = [(c, part_of(h)) for c, h in zip(columns, headers)
                      if part_of(h) in ("shipping", "tax", "discount")][:6]
        self.totals = [c for c in totals if c not in self.subtotals and c not in dict(self.parts)]
        self.quantity = quantity
        self.price = next((c for c, h in zip(columns, headers)
                           if c != quantity and (net_gross.is_unit_price(h) or net_gross.is_price(h))), None)
        self.active = bool(self.subtotals and self.totals)
        wanted = list(dict.fromkeys(self.totals + self.subtotals + [c for c, _ in self.parts]
                                    + [c for c in (quantity, self.price) if c is not None]))
        self.wanted = wanted
        self.rows: list[tuple[int, tuple]] = []
        self.seen = 0

    def add(self, number: int, values: list) -> None:
        n = len(values)
        if self.subtotals[0] >= n or _blank(values[self.subtotals[0]]):
            return
        self.seen += 1
        if len(self.rows) < MAX_ROWS:
            self.rows.append((number, tuple(values[c] if c < n else None for c in self.wanted)))

    def decide(self, amount_col: int, mark: str | None) -> tuple[dict | None, str | None]:
        """(the summary's line, None) when the rows agree with the headings (the column
        `amount_col` is the order's total beside the subtotal); (None, the refusal) when
        they contradict them; (None, None) when there is nothing to weigh."""
        if not self.active or amount_col not in self.totals:
            return None, None
        sub = self.subtotals[0]
        at = {c: i for i, c in enumerate(self.wanted)}
        parts = [(c, kind) for c, kind in self.parts if c != amount_col]
        subsets = [s for r in range(len(parts) + 1) for s in itertools.combinations(range(len(parts)), r)]
        agree: list[int] = []
        kept = subsets          # the parts' subsets every agreeing row so far is made of
        mixed = False           # agreeing rows made of different parts
        line: list[tuple[int, str]] = []
        below: list[tuple[int, str]] = []
        above = 0
        examples: dict[str, list[str]] = {"total": [], "subtotal": []}
        signs = [_SIGN[kind] for _c, kind in parts]
        for number, got in self.rows:
            total, subtotal = _number(got[at[amount_col]], mark), _number(got[at[sub]], mark)
            if total is None or subtotal is None:
                continue
            for key, v in (("total", got[at[amount_col]]), ("subtotal", got[at[sub]])):
                if len(examples[key]) < 2:
                    examples[key].append(str(v).strip())
            values = [signs[i] * abs(_number(got[at[c]], mark) or 0.0) for i, (c, _k) in enumerate(parts)]
            rest, tol = total - subtotal, 0.011 + abs(total) * 0.0005

            def fits(s: tuple[int, ...]) -> bool:
                return abs(rest - sum(values[i] for i in s)) <= tol

            matched = [s for s in kept if fits(s)]
            if matched:
                kept = matched
            elif any(fits(s) for s in subsets):
                mixed = True
            else:
                q = _number(got[at[self.quantity]], mark) if self.quantity is not None else None
                p = _number(got[at[self.price]], mark) if self.price is not None else None
                if q is not None and p is not None and q != 0 and abs(total - q * p) <= tol:
                    count = f"{q:g}" if q == int(q) else _shown(q)
                    line.append((number, f"row {number}: {count} × {_shown(p)} = {_shown(total)}"))
                elif total < subtotal:
                    below.append((number, f"row {number}: {_shown(total)} < {_shown(subtotal)}"))
                else:
                    above += 1
                continue
            agree.append(number)
        compared = len(agree) + len(line) + len(below) + above
        if not compared:
            return None, None
        t_head, s_head = self.headers[amount_col], self.headers[sub]
        contra = len(line) + len(below)
        if contra and len(agree) * 10 < compared * 9:
            return None, self._refusal(t_head, s_head, compared, line, below, examples)
        # the parts every agreeing row's total is made of: the most parts all of them allow
        best = max(kept, key=len) if agree and not mixed else None
        if best is None:
            how = (f"'{s_head}' plus or less some of " + ", ".join(f"'{self.headers[c]}'" for c, _k in parts))
        else:
            how = f"'{s_head}'" + "".join(f" {'-' if _SIGN[parts[i][1]] < 0 else '+'} '{self.headers[parts[i][0]]}'"
                                          for i in best)
        said = [f"on {len(agree):,} of {compared:,} rows '{t_head}' = {how}" if agree else ""]
        if above:
            said.append(f"on {above:,} row(s) '{t_head}' is above '{s_head}' by amounts no column of the file gives")
        if contra:
            said.append("rows that do not agree, to check: " + "; ".join(e for _n, e in (line + below)[:EXAMPLES]))
        if self.seen > len(self.rows):
            said.append(f"the first {len(self.rows):,} of {self.seen:,} rows weighed")
        other = s_head.replace('"', "'")
        return {"what": f"the order's amount: '{t_head}' or '{s_head}'",
                "decided": f"'{t_head}' is the amount (the order's total); '{s_head}' is kept in Notes",
                "evidence": "; ".join(s for s in said if s)
                            + f" (the values agree with the headings); --map \"{other}=Amount\" takes '{s_head}'"}, None

    def _refusal(self, t_head: str, s_head: str, compared: int, line: list, below: list,
                 examples: dict[str, list[str]]) -> str:
        said = []
        if line:
            q, p = self.headers[self.quantity], self.headers[self.price]
            said.append(f"on {len(line)} of {compared} rows '{t_head}' is '{q}' × '{p}', a line's total "
                        f"({'; '.join(e for _n, e in line[:EXAMPLES])})")
        if below:
            said.append(f"on {len(below)} of {compared} rows '{t_head}' is less than '{s_head}' with no discount "
                        f"column to explain it ({'; '.join(e for _n, e in below[:EXAMPLES])})")

        def shown(key: str) -> str:
            return f" (e.g. {', '.join(repr(v) for v in examples[key])})" if examples[key] else ""

        t_map, s_map = t_head.replace('"', "'"), s_head.replace('"', "'")
        return (f"'{t_head}'{shown('total')} and '{s_head}'{shown('subtotal')} do not relate as an order's total "
                f"and its {'subtotal' if part_of(s_head) == 'subtotal' else 'net amount'}: " + "; ".join(said)
                + ". Which one is the order's amount is not guessed. Nothing was imported. Say which with "
                f"--map \"{t_map}=Amount\" or --map \"{s_map}=Amount\"; the other column is kept in Notes.")


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())
