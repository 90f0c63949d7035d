"""An amount the file gives in two columns instead of one, made into the amount column.

- **Debit and Credit** in two columns (a customer ledger or bank statement: ``Debit``/
  ``Credit``, ``Soll``/``Haben``, ``借方金额``/``贷方金额``, ``Débit``/``Crédit``,
  ``Debe``/``Haber``, ``차변``/``대변``): each row's amount is the one of the two that is
  filled, with its side written as a DR or CR mark ("100.00 DR", "40.00 CR"). Which side
  is a sale depends on the ledger (a customer ledger: debit = invoice; a bank statement:
  credit = money received), so the marks are then read as every marked amount is
  (importer.ledger_marks): the import stops naming ``--ledger sales|bank`` until it is
  given. A row with both sides filled is left for the amount's check to reject.
- **A line's value** beside its quantity (Tally's ``Quantity``, ``Rate``, ``Value``): the
  ``Value`` is the amount as written.
- **Unit price and quantity** without a line total (``Qty`` + ``Price``, ``单价`` + ``数量``,
  ``Einzelpreis`` + ``Menge``): each row's amount is the price times the quantity, in
  exact Decimal, with the price's currency sign kept. A price or quantity that does not
  read leaves the amount as written ("20.00 × x") so the row is rejected naming it.

Both apply only when no column of the file is the amount (a --map to Amount settles it
otherwise); the derived column is appended to each row (`with_column`) and the summary
says how the amount was made.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation

from ..domain import money
from . import net_gross
from .heading_fold import fold

HEADING = "Amount"

_DEBIT = frozenset(("debit", "debits", "debit amount", "debit amt", "dr", "dr amount", "soll", "soll betrag",
                    "sollbetrag", "umsatz soll", "débit", "debe", "débito", "debito", "dare", "debet",
                    "借方", "借方金额", "借方金額", "借方发生额", "借方發生額", "借", "차변", "차변금액",
                    "дебет"))
_CREDIT = frozenset(("credit", "credits", "credit amount", "credit amt", "cr", "cr amount", "haben",
                     "haben betrag", "habenbetrag", "umsatz haben", "crédit", "haber", "crédito", "credito",
                     "avere", "贷方", "贷方金额", "貸方", "貸方金額", "贷方发生额", "貸方發生額", "贷",
                     "대변", "대변금액", "кредит"))
# a line's value beside its quantity (Tally's "Value"): the amount as written
_VALUE = frozenset(fold(w) for w in ("value", "line value", "total value", "wert", "gesamtwert", "valeur",
                                       "valor", "valore", "waarde", "värde", "价值", "價值"))
_DEBIT = frozenset(fold(w) for w in _DEBIT)
_CREDIT = frozenset(fold(w) for w in _CREDIT)


def _side(header: str) -> str | None:
    h = fold(header).strip().rstrip(":").replace("-", " ").replace("_", " ")
    h = " ".join(h.split())
    if h in _DEBIT:
        return "DR"
    if h in _CREDIT:
        return "CR"
    return None


@dataclasses.dataclass
class Derived:
    how: str                      # "debit_credit", "price_quantity" or "value"
    first: int                    # source column: Debit / unit price
    second: int                   # source column: Credit / quantity
    headers: tuple[str, str]
    at: int = -1                  # source column of the derived amount
    rows: int = 0

    def said(self) -> str:
        a, b = self.headers
        if self.how == "value":
            return f"The file has no amount column: its 'Amount' is '{a}', the line's value beside '{b}'"
        if self.how == "debit_credit":
            return (f"The file has no amount column: its 'Amount' is made of '{a}' (each amount marked DR) and "
                    f"'{b}' (marked CR)")
        return f"The file has no amount column: its 'Amount' is '{a}' × '{b}' (unit price times quantity)"

    def inference(self) -> dict:
        a, b = self.headers
        if self.how == "debit_credit":
            return {"what": "amount from two columns",
                    "decided": f"each row's amount is '{a}' (marked DR, debit) or '{b}' (marked CR, credit), "
                               "whichever is filled; --ledger says which side is a sale",
                    "evidence": f"no column is the amount; '{a}' and '{b}' are a ledger's two sides"}
        if self.how == "value":
            return {"what": "amount from the line's value",
                    "decided": f"each row's amount is '{a}' as written",
                    "evidence": f"no column is the amount; '{a}' is the line's value beside its quantity '{b}' "
                                "(Tally: Quantity × Rate = Value)"}
        return {"what": "amount from unit price and quantity",
                "decided": f"each row's amount is '{a}' × '{b}' (exact decimal), the line's total",
                "evidence": f"no column is the amount; '{a}' is a price per unit and '{b}' a quantity"}

    def value(self, values: list) -> object:
        n = len(values)
        a = values[self.first] if self.first < n else None
        b = values[self.second] if self.second < n else None
        if self.how == "debit_credit":
            filled = [(v, m) for v, m in ((a, "DR"), (b, "CR")) if not _blank(v) and not _zero(v)]
            if len(filled) == 1:
                v, mark = filled[0]
                return f"{_text(v)} {mark}"
            if not filled:
                return None if _blank(a) and _blank(b) else "0"
            return f"{_text(a)} DR / {_text(b)} CR"       # both sides filled: not one amount
        if self.how == "value":
            return a
        if _blank(a) and _blank(b):
            return None
        price, symbol = _number(a)
        quantity, _ = _number(b)
        if price is None or quantity is None:
            return f"{_text(a)} × {_text(b)}"             # rejected, naming what did not read
        total = price * quantity
        return f"{symbol} {total:f}" if symbol else f"{total:f}"


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _zero(v: object) -> bool:
    try:
        return money.read_money(v).amount == 0
    except (ValueError, TypeError):
        return False


def _text(v: object) -> str:
    return "" if v is None else str(v).strip()


def _number(v: object) -> tuple[Decimal | None, str]:
    if isinstance(v, bool) or _blank(v):
        return None, ""
    if isinstance(v, (int, Decimal)):
        return Decimal(v), ""
    if isinstance(v, float):
        return Decimal(repr(v)), ""
    try:
        reading = money.read_money(v)
    except ValueError:
        return None, ""
    if reading.amount is None:
        return None, ""
    try:
        return Decimal(reading.amount), (reading.symbol or "").strip()
    except InvalidOperation:
        return None, ""


def find(ent_fields: set[str], headers: list[str], columns: list[int], targets: list[str | None]) -> Derived | None:
    """The two columns that make the amount, when no column is the amount."""
    if "amount" not in ent_fields or "amount" in targets:
        return None
    free = [(columns[j], h) for j, (h, t) in enumerate(zip(headers, targets)) if t is None]
    debit = [(c, h) for c, h in free if _side(h) == "DR"]
    credit = [(c, h) for c, h in free if _side(h) == "CR"]
    if len(debit) == 1 and len(credit) == 1:
        return Derived("debit_credit", debit[0][0], credit[0][0], (debit[0][1], credit[0][1]))
    quantity = [(columns[j], h) for j, (h, t) in enumerate(zip(headers, targets)) if t == "quantity"]
    values = [(c, h) for c, h in free if fold(h).strip() in _VALUE]
    if len(quantity) == 1 and len(values) == 1:
        # Tally's Quantity, Rate, Value: the Value is the line's amount as the file gives it
        return Derived("value", values[0][0], quantity[0][0], (values[0][1], quantity[0][1]))
    if len(quantity) == 1:
        prices = [(c, h) for c, h in free if net_gross.is_unit_price(h) or net_gross.is_price(h)]
        if len(prices) == 1:
            return Derived("price_quantity", prices[0][0], quantity[0][0], (prices[0][1], quantity[0][1]))
    return None


def with_column(src, derived: Derived, header_row: int):
    """A copy of the sheet `src` whose rows carry the derived amount in a column of their
    own after the others (its heading "Amount" in the header row)."""
    width = [0]

    def rows():
        for number, values in src.rows():
            if number < header_row:
                yield number, values
                continue
            if number == header_row:
                width[0] = max(len(values), derived.first + 1, derived.second + 1)
                derived.at, derived.rows = width[0], 0
                yield number, list(values) + [None] * (width[0] - len(values)) + [HEADING]
                continue
            w = width[0]
            cell = derived.value(values)
            if cell is not None:
                derived.rows += 1
            padded = list(values[:w]) + [None] * (w - len(values))
            yield number, padded + [cell] + list(values[w:])

    copy = dataclasses.replace(src, _rows_factory=lambda: ((n, v) for n, v in rows()))
    copy._closer, src._closer = src._closer, None
    return copy
