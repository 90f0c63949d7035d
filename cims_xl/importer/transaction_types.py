"""A transaction- or document-type column in an orders file: which rows are sales.

Accounting and payment exports list more than sales in one table: QuickBooks' Transaction
List (``Transaction Type`` = Invoice, Sales Receipt, Bill, Expense, Payment, Check,
Deposit, Journal Entry), Xero (``Type`` = ACCREC, ACCPAY), Kingdee/用友 (``单据类型`` =
销售发票, 采购发票, 收款单, 付款单), Shopify's transactions (``Kind`` = sale, capture,
authorization, void), SAP/DATEV (``Belegart`` = DR, KR, DZ, KZ, SA), Japanese ledgers
(``伝票区分``/``取引区分`` = 売上, 仕入, 入金, 出金), Korean ones (``거래구분``/``전표유형`` =
매출, 매입, 입금, 출금).

The column is read when its heading names a type (refunds.TYPE_HEADERS and the headings
here) AND its values show it: at least one value is a type word known here. Then, on the
whole column (`DocumentTypes.decide`):

- a sale (invoice, sales receipt, sale, capture, ACCREC, 销售发票, 売上, 매출 …) is imported;
- a purchase, a supplier's bill, an expense, a payment made, a transfer, a journal entry,
  a quote, a card authorization or a void is not a sale to a customer: the row is not
  stored, it is listed as "not a sale" with its type, and the summary counts the rows by
  type ("not a sale: 3 (Bill 1, Expense 1, Payment 1)");
- a payment received (Payment, 收款单, 入金, 입금, DZ) settles an invoice: in a column that
  also holds invoices it is not a sale of its own (it would count the invoice twice); in
  a column without invoices (PayPal, Square, Stripe payments) the payment is the sale;
- refunds and credit notes stay with `refunds.RefundRows` (subtracted, never sales);
- a value none of these reads stops the import before writing, naming the column, the
  values and ``--value "X=sale"`` / ``--value "X=skip"``, which settle it.
"""

from __future__ import annotations

from collections import Counter

from .errors import ImportRefused
from .mapping import norm

# Headings of a transaction/document type, beside refunds.TYPE_HEADERS (which holds "type",
# "transaction type", "kind", "belegart", "单据类型", "伝票区分" …).
HEADINGS = frozenset(norm(h) for h in (
    "transaction type", "txn type", "document type", "doc type", "voucher type", "entry type", "record type",
    "transaktionstyp", "transaktionsart", "vorgangsart", "buchungsart", "belegart", "belegtyp", "dokumenttyp",
    "type de transaction", "type d'opération", "type de pièce", "type de document", "tipo de transacción",
    "tipo de transaccion", "tipo de documento", "tipo de operación", "tipo di documento", "tipo documento",
    "tipo transazione", "soort", "documentsoort", "transactietype", "rodzaj dokumentu", "typ dokumentu",
    "单据类型", "單據類型", "业务类型", "業務類型", "交易类型", "交易類型", "凭证类型", "憑證類型",
    "伝票区分", "伝票種別", "取引区分", "取引種別", "取引種類", "取引タイプ",
    "거래구분", "거래유형", "거래 유형", "전표유형", "전표 유형", "전표구분", "전표 구분"))

SALE, SKIP, PAYMENT = "sale", "skip", "payment"

# A document that bills a customer: in a column with one of these, a payment received
# settles it and is no sale of its own.
INVOICES = frozenset((
    "invoice", "sales invoice", "customer invoice", "tax invoice", "accrec", "rechnung", "ausgangsrechnung",
    "kundenrechnung", "facture", "facture client", "facture de vente", "factura", "factura de venta",
    "fattura", "fattura di vendita", "factuur", "verkoopfactuur", "faktura", "销售发票", "銷售發票", "发票",
    "销售单", "銷貨單", "销售出库单", "請求書", "売上伝票", "売上請求", "매출전표", "세금계산서", "dr", "rv",
    "invoice (sales)", "sales bill"))
SALES = INVOICES | frozenset((
    "sale", "sales", "sales receipt", "cash sale", "capture", "charge", "order", "sales order", "verkauf",
    "vente", "venta", "vendita", "verkoop", "销售", "銷售", "销售订单", "零售", "売上", "現金売上", "掛売上",
    "売上計上", "매출", "판매", "카드매출", "현금매출"))
# A payment received from a customer (for an invoice, when the column has invoices).
PAYMENTS = frozenset((
    "payment", "receive payment", "payment received", "customer payment", "zahlung", "zahlungseingang",
    "paiement", "encaissement", "règlement client", "pago", "cobro", "pagamento", "incasso", "betaling",
    "收款单", "收款單", "收款", "回款", "入金", "入金伝票", "입금", "수금", "dz"))
# Not a sale to a customer, whatever else the file holds.
NOT_SALES = frozenset((
    # purchases and suppliers' bills
    "bill", "vendor bill", "supplier bill", "supplier invoice", "purchase invoice", "purchase", "purchases",
    "purchase order", "accpay", "eingangsrechnung", "lieferantenrechnung", "einkauf", "einkaufsrechnung",
    "facture fournisseur", "facture d'achat", "achat", "factura de compra", "factura de proveedor", "compra",
    "fattura di acquisto", "fattura fornitore", "acquisto", "inkoopfactuur", "inkoop", "kr",
    "采购发票", "採購發票", "采购单", "采购订单", "采购入库单", "进货单", "進貨單", "采购", "採購", "仕入",
    "仕入伝票", "仕入計上", "매입", "매입전표", "구매",
    # expenses and money paid out
    "expense", "expenses", "check", "cheque", "credit card charge", "credit card expense", "bill payment",
    "bill payment (check)", "bill payment (credit card)", "vendor payment", "supplier payment", "payment made",
    "spend money", "accpaypayment", "ausgabe", "aufwand", "auszahlung", "kz", "dépense", "décaissement",
    "gasto", "spesa", "uitgave", "付款单", "付款單", "付款", "费用", "費用", "费用报销", "報銷", "报销",
    "出金", "出金伝票", "支払", "支払伝票", "経費", "출금", "지급", "경비", "비용",
    # transfers, deposits, journals, payouts, fees
    # (a bare "transfer"/转账 is not here: in a payment app's bill it is money received)
    "deposit", "bank deposit", "funds transfer", "journal entry", "journal", "general journal", "payout",
    "withdrawal", "fee", "stripe fee", "adjustment", "umbuchung", "sa", "调拨单", "凭证", "振替", "振替伝票",
    "대체", "대체전표",
    # not (yet) a sale: quotes, orders not billed, card authorizations, voids
    "estimate", "quote", "quotation", "angebot", "devis", "presupuesto", "preventivo", "报价单", "報價單",
    "見積", "見積書", "견적", "견적서", "authorization", "authorisation", "auth", "pre-authorization",
    "preauthorization", "void", "voided", "预授权", "預授權", "授权", "作废", "作廢", "取消", "취소"))

SHOWN = 6


def _key(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


def _negative(values: list, col: int) -> bool:
    v = values[col] if col < len(values) else None
    if isinstance(v, (int, float)):
        return v < 0
    t = "" if v is None else str(v).strip()
    return t[:1] in ("-", "\u2212", "(") or t[-1:] == "-" or "-" in t[:2]


def names_type(header: str) -> bool:
    from .refunds import TYPE_HEADERS
    n = norm(header)
    return n in HEADINGS or n in TYPE_HEADERS


def classify(text: str) -> str | None:
    """SALE, SKIP, PAYMENT (a payment received) or None for a word not known here."""
    k = _key(text)
    if k in SALES:
        return SALE
    if k in NOT_SALES:
        return SKIP
    if k in PAYMENTS:
        return PAYMENT
    words = k.split()
    if words[-1:] == ["payment"] and not {"bill", "vendor", "supplier"} & set(words):
        return PAYMENT          # PayPal's "Express Checkout Payment", "Credit card payment"
    # a type word inside a longer name is no type: "Payment Terminal" is a terminal,
    # "Bill Acceptor" a machine (the last word of an English compound says what it is)
    return None


def _marks_or_directions(seen) -> bool:
    """Whether every value of a type column is a debit/credit mark or a direction of the
    money (ledger_marks: "DR"/"CR", "Soll"/"Haben", "Income"/"Expense", 收/支): such a
    column is the amount's sign, not the kind of document."""
    from .ledger_marks import _COLUMN_WORDS, _cell_word, DIRECTION_WORDS

    words = {_cell_word(t) for t in seen}
    return bool(words) and all(w in _COLUMN_WORDS or w in DIRECTION_WORDS for w in words)


class DocumentTypes:
    """The type column's values per row; `decide` says which rows are not sales."""

    def __init__(self, headers: list[str], columns: list[int], given: dict[str, str] | None = None):
        found = [(h, c) for h, c in zip(headers, columns) if names_type(h)]
        self.header, self.column = found[0] if found else (None, None)
        self.given = {_key(k): v for k, v in (given or {}).items()}
        self.rows: dict[int, str] = {}          # row -> its type text (refund rows not added)
        self.seen: Counter = Counter()
        self.cells: dict[int, list] = {}        # row -> its values, for the rows not read as sales

    @property
    def active(self) -> bool:
        return self.column is not None

    def add(self, number: int, values: list) -> None:
        if self.column is None or self.column >= len(values):
            return
        v = values[self.column]
        text = "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()
        if text:
            self.seen[text] += 1
            if classify(text) != SALE:
                self.rows[number] = text
                self.cells[number] = values

    def _reading(self, text: str) -> str | None:
        given = self.given.get(_key(text))
        return given if given in (SALE, SKIP) else classify(text)

    def decide(self, amount_col: int | None = None) -> tuple[dict[int, str], list[dict]]:
        """({row: its type} for the rows that are not sales, inferences). Raises
        ImportRefused naming the column when some values are read by nothing. A row whose
        amount (file column `amount_col`) is negative is left out: the import refuses a
        negative amount as money paid out, never a sale, with its own reason."""
        if not self.seen:
            return {}, []
        if _marks_or_directions(self.seen):
            # DR/CR marks, Soll/Haben, Income/Expense, 收/支: the sign of each row's amount,
            # read by importer.ledger_marks (a debit or money out is never stored as a sale)
            return {}, []
        readings = {t: self._reading(t) for t in self.seen}
        if all(r is None for r in readings.values()):
            return {}, []               # a "Type" of something else (product, customer type)
        unknown = [t for t, r in readings.items() if r is None]
        # most values no type word (Hardware, Software, Service … beside one "Payment"):
        # a product's or ticket's type, no transaction type. Only when no value known
        # here would leave a row out: then reading the column or not stores the same rows.
        mostly_other = len(unknown) * 2 > len(readings)
        if unknown and mostly_other and not any(
                r == SKIP for r in readings.values()) and not any(_key(t) in INVOICES for t in self.seen):
            return {}, [{"what": "type column",
                         "decided": f"column '{self.header}' read as no transaction type; every row imported",
                         "evidence": f"{len(unknown)} of its {len(readings)} values are no transaction type "
                                     f"(e.g. {', '.join(repr(t) for t in unknown[:3])}), and none says "
                                     "a row is not a sale"}]
        if unknown:
            shown = ", ".join(f"'{t}'" for t in unknown[:SHOWN]) + (" …" if len(unknown) > SHOWN else "")
            ex = unknown[0].replace('"', "'")
            raise ImportRefused(
                f"Column '{self.header}' says what each row is ({', '.join(t for t, r in readings.items() if r)[:120]}), "
                f"but cims does not know {shown}: a sale, or not a sale to a customer (a purchase, expense, "
                f"payment, transfer)? Say which: --value \"{ex}=sale\" or --value \"{ex}=skip\" (one per value)"
                + (f", or, if the column is no transaction type (a product's type), --map \"{self.header}=-\"."
                   if mostly_other else "."))
        invoices = any(_key(t) in INVOICES for t in self.seen)
        skipped = {t for t, r in readings.items() if r == SKIP or (r == PAYMENT and invoices)}
        rows = {n: t for n, t in self.rows.items() if t in skipped
                and not (amount_col is not None and _negative(self.cells[n], amount_col))}
        if not rows:
            return {}, []
        counts = Counter(rows.values())
        by_type = ", ".join(f"{t} {n}" for t, n in counts.most_common())
        why = ("payments received settle the invoices in the same file (counted once, as the invoice)"
               if any(readings[t] == PAYMENT for t in counts) else "")
        return rows, [{"what": "not a sale",
                       "decided": f"not a sale: {len(rows)} ({by_type}); not stored as orders",
                       "evidence": f"column '{self.header}': purchases, bills, expenses, payments made, transfers, "
                                   "authorizations and voids are no sale to a customer"
                                   + (f"; {why}" if why else "")}]


def not_a_sale_problem(said: str, header: str | None) -> dict[str, str]:
    return {header or "Type": f"not a sale: '{said}' (a purchase, expense, payment, transfer, authorization or void "
                              "is not stored as an order; --value \"" + said.replace('"', "'") + "=sale\" to import it)"}


# ----- transactions closed before they were paid --------------------------------------------

# A payment bill's status saying the transaction was closed, or is still waiting, without
# the buyer paying (Alipay 交易关闭, Taobao 等待买家付款, WeChat Pay 已关闭): with no payment
# date in its row it is no sale, whatever its amount says (the amount was never received).
CLOSED_UNPAID = frozenset(norm(w) for w in (
    "交易关闭", "交易關閉", "已关闭", "已關閉", "关闭", "關閉", "订单关闭", "訂單關閉", "未付款", "待付款", "未支付",
    "待支付", "等待买家付款", "等待買家付款", "等待付款", "交易取消", "买家未付款", "買家未付款",
    "closed", "trade closed", "transaction closed", "order closed", "unpaid", "not paid", "awaiting payment",
    "waiting for payment", "pending payment", "payment pending", "cancelled before payment",
    "canceled before payment", "closed without payment", "geschlossen", "nicht bezahlt", "unbezahlt",
    "fermé", "fermée", "non payé", "non payée", "cerrado", "no pagado", "未入金", "入金待ち", "取引キャンセル",
    "미결제", "결제대기", "거래취소"))


def closed_columns(ent, mapping, columns: list[int]) -> tuple[int, int] | None:
    """(status column, order date column) of an orders file that maps both, else None."""
    if ent.kind != "order":
        return None
    status = next((columns[j] for j, c in enumerate(mapping.columns) if c.target == "status"), None)
    dated = next((columns[j] for j, c in enumerate(mapping.columns) if c.target == "order_date"), None)
    return (status, dated) if status is not None and dated is not None else None


def closed_unpaid(values: list, status: int, dated: int) -> str | None:
    """The status as written when the row is a transaction closed (or left) unpaid: its
    status one of CLOSED_UNPAID and its date (the payment's) empty; None otherwise."""
    if status >= len(values):
        return None
    said = values[status]
    if not isinstance(said, str) or not said.strip() or norm(said) not in CLOSED_UNPAID:
        return None
    day = values[dated] if dated < len(values) else None
    if day is not None and (not isinstance(day, str) or day.strip()):
        return None
    return said.strip()


def closed_inference(rows: list[tuple[int, str]], status_header: str, date_header: str) -> dict:
    """The summary's line for the transactions skipped as closed before payment."""
    said = Counter(s for _, s in rows)
    shown = ", ".join(str(n) for n, _ in rows[:10]) + (", …" if len(rows) > 10 else "")
    return {"what": "closed before payment",
            "decided": f"{len(rows)} row(s) skipped, not a sale: row(s) {shown}",
            "evidence": f"'{status_header}' says " + ", ".join(f"'{s}' ({n})" for s, n in said.most_common(3))
                        + f" and '{date_header}' is empty: the transaction was closed or left without payment, "
                          "so no money was received"}
