"""Refunds in payment and charge exports (Stripe, PayPal, Square, shops): never a sale.

Two shapes, both read before anything is written:

- **A refunded amount on the payment's own row**: Stripe's ``Amount Refunded``,
  Square's ``Partial Refunds``/``Refunds``, a shop's ``Refunded Amount``/``退款金额``.
- **A refund on a row of its own**, whose type says so (PayPal ``Type`` = ``Payment
  Refund``; Square ``Event Type`` = ``Refund``; a ledger's ``交易类型`` = ``退款``), naming
  the payment it refunds by a reference column (PayPal ``Reference Txn ID``) or by the
  payment's own id (Square writes the refund under the payment's ``Payment ID``).

What is stored (`apply_refund`): a payment refunded in full keeps the amount charged and
becomes Returned (not revenue: schema.NOT_REVENUE_STATUSES); a partial refund stores the
amount kept (charged minus refunded) with its status, and Notes say what was charged and
refunded. Either way the row is listed with a warning. A refund row is not stored: it is
counted as part of the payment it refunds, or, when that payment is not in the file,
rejected with the reason (never stored as a negative sale).
"""

from __future__ import annotations

from decimal import Decimal

from ..domain import money
from .mapping import norm

# Headers of an amount refunded on the payment's row (Stripe payments and charges,
# Square transactions, Shopify, Chinese shops). Stripe's "Converted Amount Refunded" is
# in the account's currency, not the charge's: not one of them.
REFUND_HEADERS = frozenset(norm(h) for h in (
    "amount refunded", "refunded amount", "refund amount", "total refunded", "amount refunded (usd)",
    "partial refunds", "refunds", "退款金额", "已退款金额", "退款金额(元)", "退款金额（元）"))
# Columns saying what kind of money movement a row is (payment, refund, fee …).
TYPE_HEADERS = frozenset(norm(h) for h in (
    "type", "event type", "transaction type", "type of transaction", "balance type", "reporting category",
    "交易类型", "业务类型", "收支类型",
    "typ", "tipo"))                           # PayPal's downloads in German and Spanish
# Words in such a column that make the row a refund, lower-cased (English, Chinese,
# German, French, Spanish, Italian).
REFUND_WORDS = ("refund", "退款", "rückerstattung", "erstattung", "rückzahlung", "remboursement", "reembolso",
                "rimborso")
# The payment a refund row refunds: its reference column, else the ids it shares with it.
REFERENCE_HEADERS = frozenset(norm(h) for h in (
    "reference txn id", "reference transaction id", "original transaction id", "original payment id",
    "charge id", "原交易号", "原订单号",
    # PayPal's activity download in German, French and Spanish (mapping.PAYPAL_ACTIVITY)
    "zugehöriger transaktionscode", "numéro de la transaction de référence",
    "id. de transacción de referencia"))
ID_HEADERS = frozenset(norm(h) for h in (
    "transaction id", "payment id", "id", "charge id", "交易号", "流水号",
    "transaktionscode", "numéro de transaction", "id. de transacción"))

REFUND_ROW = "payment: a refund of it, subtracted from that row's amount and not stored as a sale"


# A status saying part of the payment was refunded: the payment was made (Paid), and the
# file gives the refunded amount, so the amount kept is stored (apply_refund). Without a
# refunded amount the status stays unread and the import asks (`--value`).
PARTIAL_REFUND_STATUSES = ("partially refunded", "partially_refunded", "partial refund", "partially-refunded",
                           "teilweise erstattet", "teilweise rückerstattet", "部分退款", "部分退款成功",
                           "remboursé partiellement", "partiellement remboursé", "reembolsado parcialmente")


def with_partial_refund_status(values_given: dict[str, dict[str, str]]) -> tuple[dict, set]:
    """`values_given` (--value, by field) with the partial-refund statuses read as Paid
    where the user said nothing else, and the (field, text) pairs added."""
    status = dict(values_given.get("status", {}))
    added = {("status", t) for t in PARTIAL_REFUND_STATUSES if t not in status}
    status.update({t: "Paid" for _k, t in added})
    return {**values_given, "status": status}, added


def refund_columns(headers: list[str]) -> list[int]:
    """Positions in `headers` of refunded-amount columns."""
    return [i for i, h in enumerate(headers) if norm(h) in REFUND_HEADERS]


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()


class RefundRows:
    """The scan's side: which rows are refunds of which payment rows. `add(number,
    values)` per data row (values by file column); `decide()` once all are seen."""

    def __init__(self, headers: list[str], columns: list[int]):
        self.type_cols = [c for h, c in zip(headers, columns) if norm(h) in TYPE_HEADERS]
        self.ref_cols = [c for h, c in zip(headers, columns) if norm(h) in REFERENCE_HEADERS]
        self.id_cols = [c for h, c in zip(headers, columns) if norm(h) in ID_HEADERS]
        self.active = bool(self.type_cols)
        self.payments: dict[str, int] = {}        # id -> first payment row with it
        self.refunds: list[tuple[int, list[str], str, list]] = []   # (row, ids it names, type, values)

    def add(self, number: int, values: list) -> None:
        n = len(values)
        said = " ".join(_text(values[c]) for c in self.type_cols if c < n)
        ids = [t for c in self.id_cols if c < n and (t := _text(values[c]))]
        if any(w in said.casefold() for w in REFUND_WORDS):
            refs = [t for c in self.ref_cols if c < n and (t := _text(values[c]))]
            self.refunds.append((number, refs or ids, said, list(values)))
        else:
            for t in ids:
                self.payments.setdefault(t, number)

    def decide(self, amount_col: int | None) -> tuple[dict[int, list], dict[int, int | None], list[dict]]:
        """({payment row: the amounts of the refund rows refunding it}, {refund row: the
        payment row it refunds, or None when that is not in the file}, inferences for the
        summary). amount_col: the file column of the amount (None: no amount read)."""
        folds: dict[int, list] = {}
        rows: dict[int, int | None] = {}
        for number, refs, _said, values in self.refunds:
            paid = next((self.payments[r] for r in refs if r in self.payments), None)
            rows[number] = paid
            if paid is not None and amount_col is not None and amount_col < len(values):
                folds.setdefault(paid, []).append(values[amount_col])
        if not rows:
            return {}, {}, []
        found = sum(1 for r in rows.values() if r is not None)
        example = self.refunds[0][2]
        return folds, rows, [{"what": "refund rows", "decided": f"{len(rows)} row(s) are refunds: "
                              f"{found} subtracted from the payment they refund, {len(rows) - found} whose "
                              "payment is not in the file rejected; none stored as a sale",
                              "evidence": f"'{example}' in the type column, the payment named by its "
                                          "reference or id"}]


def apply_refund(clean: dict, refunded: list[object], decimal: str | None) -> tuple[str, str] | None:
    """Subtract the amounts `refunded` (cells as written: "30.00", "-$15.00") from the
    validated order `clean` (amount, currency, status, notes; changed in place).
    Returns (warning, what) for the row's report, or None when nothing was refunded.
    A refund in another currency than the order's is not subtracted: warned instead."""
    total = Decimal(0)
    shown: list[str] = []
    for cell in refunded:
        if _text(cell) == "":
            continue
        try:
            reading = money.read_money(cell, decimal, prefer=(clean.get("currency"),) if clean.get("currency") else ())
        except ValueError:
            return ("cannot read the refunded amount "
                    f"'{_text(cell)[:40]}': the stored amount is what was charged (the refund is kept in Notes)",
                    "unread")
        if reading.amount is None or reading.amount == 0:
            continue
        if reading.currency and clean.get("currency") and reading.currency != clean["currency"]:
            return (f"refund {_text(cell)} is in {reading.currency}, the payment in {clean['currency']}: "
                    "not subtracted (the refund is kept in Notes)", "currency")
        total += abs(reading.amount)
        shown.append(_text(cell))
    if total == 0:
        return None
    amount = clean.get("amount")
    currency = clean.get("currency") or ""
    if amount is None or amount <= 0:
        return None
    if total >= amount:
        clean["status"] = "Returned"
        note = f"Refunded in full: {total} {currency} of {amount} {currency} charged"
        warning = f"refunded in full ({total} {currency}): stored as Returned, not counted as a sale"
        what = "full"
    else:
        kept = amount - total
        clean["amount"] = kept
        note = f"Refunded: {total} {currency} of {amount} {currency} charged; amount stored: {kept} kept"
        warning = (f"{total} {currency} of {amount} {currency} refunded: the amount stored is the {kept} "
                   f"{currency} kept (the refund is in Notes)")
        what = "partial"
    notes = _text(clean.get("notes"))
    clean["notes"] = f"{notes}\n{note}" if notes else note
    return warning, what
