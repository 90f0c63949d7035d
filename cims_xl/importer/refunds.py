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
counted as part of the payment it refunds. When that payment is not in the file but an
earlier import stored it (an order whose number is the refund's reference: PayPal's
Transaction ID), the refund is applied to that stored order the same way, through the
normal audited update (`StoredRefunds`); otherwise the row is rejected with the reason
(never stored as a negative sale). Every refund applied leaves a "Refund transaction:
ID" line in the order's Notes, so the same refund in a later, overlapping download is
known and not subtracted twice.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Callable, NamedTuple

from ..domain import money
from ..domain.duplicates import email_key, name_forms
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
    "typ", "tipo",                            # PayPal's downloads in German and Spanish
    # an accounting export's document type: invoice, credit note, return
    "document type", "doc type", "invoice type", "kind", "belegart", "belegtyp", "type de document",
    "type de pièce", "tipo de documento", "tipo documento", "单据类型", "單據類型", "发票类型", "伝票区分",
    "伝票種別"))
# Words in such a column that make the row a refund, lower-cased (English, Chinese,
# German, French, Spanish, Italian).
REFUND_WORDS = ("refund", "退款", "rückerstattung", "erstattung", "rückzahlung", "remboursement", "reembolso",
                "rimborso",
                # money taken back through the card network or the bank: as much a refund
                "chargeback", "reversal", "rückbuchung", "rétrofacturation", "contracargo", "拒付",
                # a credit note (an accounting export's) refunds the invoice it names
                "credit note", "credit memo", "nota de crédito", "nota di credito", "红冲",
                # Xero's own type codes (ACCRECCREDIT: a sales credit note; ACCPAYCREDIT),
                # German, Dutch, French, Japanese and Chinese credit notes and returns
                "accreccredit", "accpaycredit", "gutschrift", "creditnota", "facture d'avoir", "返金", "退货",
                "avoir", "kreditnota", "rechnungskorrektur", "storno", "红字", "紅字", "返品", "貸方票", "贷项")
# Type values that are a credit or a return only as the whole word: "Credit" (not "Credit
# card payment"), "Return".
REFUND_TYPES = frozenset({"credit", "return", "returns", "returned", "retour", "devolución", "devolucion"})
# The payment a refund row refunds: its reference column, else the ids it shares with it.
REFERENCE_HEADERS = frozenset(norm(h) for h in (
    "reference txn id", "reference transaction id", "original transaction id", "original payment id",
    "charge id", "原交易号", "原订单号",
    # a credit note's invoice (accounting exports)
    "original invoice", "original invoice number", "original invoice no", "credited invoice", "原发票号",
    # PayPal's activity download in German, French and Spanish (mapping.PAYPAL_ACTIVITY)
    "zugehöriger transaktionscode", "numéro de la transaction de référence",
    "id. de transacción de referencia"))
ID_HEADERS = frozenset(norm(h) for h in (
    "transaction id", "payment id", "id", "charge id", "交易号", "流水号",
    "invoice number", "invoice no", "invoice id", "发票号", "发票号码",
    "transaktionscode", "numéro de transaction", "id. de transacción"))

REFUND_ROW = "payment: a refund of it, subtracted from that row's amount and not stored as a sale"


# A status saying part of the payment was refunded: the payment was made (Paid), and the
# file gives the refunded amount, so the amount kept is stored (apply_refund). Without a
# refunded amount the status stays unread and the import asks (`--value`).
PARTIAL_REFUND_STATUSES = ("partially refunded", "partially_refunded", "partial refund", "partially-refunded",
                           "teilweise erstattet", "teilweise rückerstattet", "部分退款", "部分退款成功",
                           "remboursé partiellement", "partiellement remboursé", "reembolsado parcialmente")


# Words of a status column (WeChat Pay's 当前状态, a shop's 交易状态 / Status) that say the
# payment was refunded, in part or whole, written with the amount refunded inside the status
# text: "已退款(￥50.00)", "部分退款 ¥20", "Partially refunded ($5.00)", "返金済み (¥500)",
# "부분환불 5,000원". Lower-cased; "_" and "-" are read as spaces.
REFUND_STATUS_WORDS = frozenset((
    "已退款", "退款", "部分退款", "已部分退款", "退款成功", "部分退款成功", "退款中", "已退款成功", "部分已退款",
    "已退還", "已退还", "部分退還", "退款完成",
    "refunded", "refund", "partially refunded", "partial refund", "partly refunded", "refunded partially",
    "返金", "返金済み", "返金済", "一部返金", "一部返金済み", "部分返金", "返金完了",
    "환불", "환불완료", "환불 완료", "부분환불", "부분 환불", "부분환불완료", "환불됨",
    "erstattet", "teilweise erstattet", "rückerstattet", "teilweise rückerstattet", "teilerstattet",
    "teilerstattung", "rückerstattung", "erstattung", "teilweise rückerstattung",
    "remboursé", "remboursée", "partiellement remboursé", "remboursé partiellement", "remboursement partiel",
    "reembolsado", "reembolsado parcialmente", "reembolso parcial", "rimborsato", "parzialmente rimborsato",
    "rimborso parziale", "terugbetaald", "gedeeltelijk terugbetaald"))
def _status_word(text: str) -> str:
    return " ".join(text.casefold().replace("_", " ").replace("-", " ").split()).rstrip(":：")


def _status_parts(text: str) -> tuple[str, str] | None:
    """(words, amount text) of a status written "words (amount)" or "words amount"."""
    if text[-1:] in ")）]":
        at = max(text.rfind("("), text.rfind("（"), text.rfind("["))
        return (text[:at], text[at + 1:-1].strip()) if at > 0 else None
    for i, ch in enumerate(text):
        if ch.isspace() or ch in ":：":
            word, rest = text[:i + 1], text[i + 1:].strip()
            if _status_word(word) in REFUND_STATUS_WORDS and any(c.isdigit() for c in rest):
                return word, rest
    return None


def refund_in_status(text: object) -> str | None:
    """The amount refunded a status cell writes inside its text ("已退款(￥50.00)" ->
    "￥50.00", "Partially refunded ($5.00)" -> "$5.00", "부분환불 5,000원" -> "5,000원"),
    when its words are a refund's (REFUND_STATUS_WORDS) and the rest reads as an amount;
    else None (the status is read as any other: "已全额退款" is Returned, an unknown word
    stops the import)."""
    if not isinstance(text, str) or not text.strip():
        return None
    parts = _status_parts(text.strip())
    if parts is None or _status_word(parts[0]) not in REFUND_STATUS_WORDS or not any(c.isdigit() for c in parts[1]):
        return None
    cell = parts[1]
    # "$1,000", "1.000 €": a thousands separator alone reads two ways on its own; it is an
    # amount either way (apply_refund reads it with the amount column's mark)
    for mark in (None, ".", ","):
        try:
            reading = read_refund(cell, None, mark)
        except ValueError:
            continue
        if reading.amount is not None and reading.amount > 0:
            return cell
    return None


def status_refund_cell(cell: str, currency: str | None) -> object:
    """The amount refunded a status gives (refund_in_status), for apply_refund: read on
    its own ("EUR 7,50" is 7.50, "¥1,000" in a JPY order 1000), as a Decimal when it is in
    the order's `currency` or names none; else the text as written (apply_refund then
    reads it with the amount column's mark, or says why it cannot)."""
    try:
        reading = read_refund(cell, currency, None)
    except ValueError:
        return cell
    if reading.amount is None or (reading.currency and currency and reading.currency != currency):
        return cell
    return abs(reading.amount)


STATUS_REFUND_PAID = "Paid"     # a status holding the amount refunded: the payment was made (apply_refund decides the rest)


def status_refund_values(seen: dict[str, int]) -> dict[str, str]:
    """{status text as written: "Paid"} for the texts of a status column (`seen`: text ->
    rows) that hold the amount refunded (refund_in_status); apply_refund then subtracts it
    (the amount kept), or makes the order Returned when all was refunded."""
    return {t: STATUS_REFUND_PAID for t in seen if refund_in_status(t) is not None}


def with_partial_refund_status(values_given: dict[str, dict[str, str]]) -> tuple[dict, set]:
    """`values_given` (--value, by field) with the partial-refund statuses read as Paid
    where the user said nothing else, and the (field, text) pairs added."""
    status = dict(values_given.get("status", {}))
    added = {("status", t) for t in PARTIAL_REFUND_STATUSES if t not in status}
    status.update({t: "Paid" for _k, t in added})
    return {**values_given, "status": status}, added


# Word stems that make a heading name money given back (a refund), in the languages of
# the shop and payment exports the importer reads: English, German, French, Spanish,
# Portuguese, Italian, Dutch, Swedish/Danish/Norwegian, Polish, Russian, Chinese,
# Japanese, Korean ("Rückerstattung", "Montant remboursé", "返金額", "환불금액", Alipay's
# "成功退款（元）").
_REFUND_STEMS = ("refund", "rückerstatt", "erstattet", "erstattung", "rembours", "reembols", "rimbors",
                 "terugbeta", "terugstort", "återbetal", "tilbagebetal", "refusjon", "zwrot", "возврат",
                 "退款", "退還", "退还", "退費", "退费", "返金", "払戻", "払い戻", "환불",
                 # Turkish, Vietnamese, Indonesian/Malay, Thai, Arabic, Hebrew, Czech, Hungarian
                 "hoàntiền", "hoàntrả", "pengembaliandana", "bayaranbalik", "คืนเงิน",
                 "استرداد", "استرجاع", "החזר", "vrácen", "visszatérít",
                 # the amount returned (money given back, not goods: "Returned Items" is excluded)
                 "returnedamount", "amountreturned")
# Short stems matched at a word's start only ("İade Tutarı", Turkish; not "Media Details")
_REFUND_WORD_STARTS = ("iade",)
# Words that make such a heading something else than the amount refunded: when, why,
# which, how, how many, whose, or the fee (a refund's date, reason, id, status, method,
# count, currency, quantity; Stripe's "Converted Amount Refunded" is in the account's
# currency). Matched as whole words (Latin) or anywhere (CJK).
_NOT_THE_AMOUNT_WORDS = frozenset((
    "date", "time", "datum", "zeit", "fecha", "data", "reason", "grund", "motif", "motivo", "raison", "id",
    "no", "nr", "number", "nummer", "numéro", "número", "status", "état", "estado", "type", "typ", "tipo",
    "method", "methode", "méthode", "método", "count", "anzahl", "nombre", "converted", "fee", "fees",
    "gebühr", "frais", "comisión", "currency", "währung", "devise", "moneda", "quantity", "qty", "menge",
    "quantité", "cantidad", "policy", "reference", "ref", "account", "konto", "by", "user", "note", "notes",
    "am", "on", "le", "el", "when",
    # a count of the things returned, not money
    "items", "item", "units", "unit", "pcs", "pieces", "artikel", "stück", "stk", "articles", "productos",
    "products", "lines", "orders", "count"))
_NOT_THE_AMOUNT_CJK = ("日期", "时间", "時間", "日時", "日付", "날짜", "일자", "일시", "原因", "理由", "사유", "单号",
                       "號", "号", "番号", "번호", "状态", "狀態", "状態", "상태", "类型", "類型", "種別", "유형",
                       "方式", "方法", "笔数", "筆數", "件数", "건수", "手续费", "手續費", "手数料", "수수료",
                       "币种", "幣別", "通貨", "통화", "数量", "數量", "수량", "账户", "帳戶", "口座", "계좌",
                       "备注", "備註", "備考", "비고", "人", "者", "担当", "담당", "个数", "個数", "点数", "件数",
                       "商品数", "개수", "ngày", "lý do", "tarih", "neden")


def names_refunded_amount(header: str) -> bool:
    """Whether `header` names the amount refunded on the payment's row: one of
    REFUND_HEADERS, or a heading holding a refund stem (`_REFUND_STEMS`, thirteen
    languages) and none of the words of a refund's date, reason, id, status, method,
    count, currency or fee (whole words; a Chinese, Japanese or Korean
    heading by its characters, "返金日" a date). A column so named whose cells are no amounts is not
    subtracted (apply_refund warns and keeps the text in Notes)."""
    folded = norm(header)
    if folded in REFUND_HEADERS:
        return True
    # (Turkish İ casefolds to i + a combining dot: the dot is left out)
    words = set(re.findall(r"[^\W\d_]+", header.casefold().replace("\u0307", "")))
    if not (any(stem in folded for stem in _REFUND_STEMS)
            or any(w.startswith(_REFUND_WORD_STARTS) for w in words)):
        return False
    return not (words & _NOT_THE_AMOUNT_WORDS or any(w in folded for w in _NOT_THE_AMOUNT_CJK)
                or folded.endswith(("日", "時")) or any(m in header for m in _SHARE_MARKS))


# A share refunded ("Refund %", "Refund rate", 退款率/退款比例) is no amount
_SHARE_MARKS = ("%", "％", "‰", "率", "比例", "割合", "비율")


def refund_currency_columns(headers: list[str]) -> list[int]:
    """Positions of columns naming the currency of the row's refund ("Refund Currency",
    "Erstattungswährung", 退款币种): a refund column's bare amounts are in it."""
    currency_words = ("currency", "währung", "devise", "moneda", "moeda", "valuta", "币种", "幣別", "幣種",
                      "货币", "通貨", "통화")
    out = []
    for i, h in enumerate(headers):
        folded = norm(h)
        if any(stem in folded for stem in _REFUND_STEMS) and any(w in folded for w in currency_words):
            out.append(i)
    return out


_FLAGS = frozenset({"true", "false", "yes", "no", "y", "n", "是", "否", "はい", "いいえ"})


def is_flag(cell: object) -> bool:
    """Whether a refund column's cell is a yes/no flag (Stripe's `refunded: true`), not an
    amount: such cells are left to the amount refunded beside them."""
    return isinstance(cell, bool) or _text(cell).casefold() in _FLAGS


def from_minor(cell: object, currency: str | None) -> object:
    """A refunded amount written in the currency's minor unit (a payment API's
    `amount_refunded`: 500 for 5.00 USD, 500 for 500 JPY; ISO 4217 exponents from CLDR)
    as a major-unit amount text; a cell that is no whole number, or with no currency, as
    it is (read and warned as it would be)."""
    from .paid_amount import minor_factor

    text = _text(cell)
    factor = minor_factor(currency) if currency else None
    if factor is None or not text.lstrip("-").isdigit():
        return cell
    return str(Decimal(text) * factor)


# Headings of an order's total after refunds (Etsy's "Adjusted Order Total", a shop's
# "Net after refunds", a Chinese shop's 退款后金额 / 调整后金额): where it is less than the
# row's amount, the difference was refunded (stored as a refund column's is: apply_refund).
ADJUSTED_HEADERS = frozenset(norm(h) for h in (
    "adjusted order total", "adjusted total", "adjusted order amount", "adjusted amount", "adjusted sale total",
    "net after refunds", "total after refunds", "total (after refunds)", "amount after refunds",
    "order total after refunds", "total after refund", "amount after refund",
    "调整后金额", "退款后金额", "調整後金額", "退款後金額", "调整后订单金额", "退款后订单金额", "调整后总额", "退款后总额",
    "返金後金額", "返金後合計", "환불 후 금액", "환불후금액", "betrag nach erstattung", "gesamtbetrag nach erstattung",
    "montant après remboursement", "total après remboursement", "importe tras reembolso",
    "total después de reembolsos"))
# Words that make an "adjusted" heading something else than the order's total: Etsy's
# "Adjusted Net Order Amount" (after fees), "Adjusted Card Processing Fees".
_ADJUSTED_NOT = frozenset(("net", "fee", "fees", "tax", "shipping", "discount", "quantity", "qty", "date"))


def names_adjusted_total(header: str) -> bool:
    """Whether `header` names the order's total after refunds (ADJUSTED_HEADERS, or
    "adjusted"/"after refund(s)" with "total" or "amount" and no word of fees, net, tax,
    shipping, discount or date)."""
    folded = norm(header)
    if folded in ADJUSTED_HEADERS:
        return True
    words = set(re.findall(r"[^\W\d_]+", header.casefold()))
    after = "adjusted" in words or ("after" in words and bool(words & {"refund", "refunds"}))
    return after and bool(words & {"total", "amount"}) and not words & _ADJUSTED_NOT


def adjusted_difference(cell: object, clean: dict, decimal: str | None) -> tuple[Decimal | None, str]:
    """(the amount refunded, or None, and a warning or "") an adjusted total `cell` gives
    for the validated order `clean`: its amount less the adjusted total, when that is
    less; a total above the amount is not read (warned); blank or equal: (None, "")."""
    if _text(cell) == "" or clean.get("amount") is None:
        return None, ""
    code = clean.get("currency") or None
    try:
        reading = read_refund(cell, code, decimal)
    except ValueError:
        return None, f"cannot read the total after refunds '{_text(cell)[:40]}': the amount is stored as charged"
    if reading.amount is None or reading.amount == clean["amount"]:
        return None, ""
    if reading.currency and code and reading.currency != code:
        return None, f"the total after refunds {_text(cell)} is in {reading.currency}, the order in {code}: not read"
    if reading.amount > clean["amount"] or reading.amount < 0:
        return None, (f"the total after refunds {_text(cell)} is not between 0 and the amount {clean['amount']}: "
                      "not read, the amount is stored as charged")
    return clean["amount"] - reading.amount, ""


def in_heading_currency(cell: object, code: str | None) -> object:
    """A refund cell with the currency its column's heading names (`code`, "EUR" for
    "Amount Refunded (EUR)") written before a bare amount ("30.00" -> "EUR 30.00"), so it
    is read in that currency; a cell naming its own currency, or no `code`, as it is."""
    text = _text(cell)
    if not code or not text or any(not (ch.isdigit() or ch in " .,'-+()\u00a0") for ch in text):
        return cell
    return f"{code} {text}"


def refund_columns(headers: list[str]) -> list[int]:
    """Positions in `headers` of refunded-amount columns (`names_refunded_amount`)."""
    return [i for i, h in enumerate(headers) if names_refunded_amount(h)]


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()


class RefundRows:
    """The scan's side: which rows are refunds of which payment rows. `add(number,
    values)` per data row (values by file column); `decide()` once all are seen."""

    def __init__(self, headers: list[str], columns: list[int], given: dict[str, str] | None = None):
        from .transaction_types import DocumentTypes
        self.type_cols = [c for h, c in zip(headers, columns) if norm(h) in TYPE_HEADERS]
        # the rows that are no sale at all (bills, expenses, authorizations): transaction_types
        self.documents = DocumentTypes(headers, columns, given)
        self.not_sales: dict[int, str] = {}
        self.ref_cols = [c for h, c in zip(headers, columns) if norm(h) in REFERENCE_HEADERS]
        self.id_cols = [c for h, c in zip(headers, columns) if norm(h) in ID_HEADERS]
        self.active = bool(self.type_cols) or self.documents.active
        self.payments: dict[str, int] = {}        # id -> first payment row with it
        # (row, ids it names, type, values, its own ids)
        self.refunds: list[tuple[int, list[str], str, list, list[str]]] = []
        # after decide(): refund row -> (ids it names, its own ids, its amount cell), for the
        # refunds whose payment is not in the file (StoredRefunds); payment row -> the own
        # ids of the refund rows folded into it
        self.outside: dict[int, tuple[list[str], list[str], object, str, tuple[str, str]]] = {}
        self.fold_ids: dict[int, list[str]] = {}
        self.related: dict[int, tuple[str, str]] = {}    # row -> (its type, the transaction it is about)
        self.payment_values: dict[int, list] = {}        # payment row -> its cells (its currency, in decide)
        # after decide(): refund row -> why it was not subtracted from the payment row it
        # refunds (in another currency than that payment's: other_currency)
        self.other_currency: dict[int, str] = {}

    def add(self, number: int, values: list) -> None:
        n = len(values)
        said = " ".join(_text(values[c]) for c in self.type_cols if c < n)
        ids = [t for c in self.id_cols if c < n and (t := _text(values[c]))]
        refs = [t for c in self.ref_cols if c < n and (t := _text(values[c]))]
        if any(w in said.casefold() for w in REFUND_WORDS) or said.strip().casefold() in REFUND_TYPES:
            self.refunds.append((number, refs or ids, said, list(values), ids if refs else []))
        elif refs and not any(r in ids for r in refs):
            # a row about another transaction that is no refund (PayPal's holds and their
            # cancellation, currency conversions): a movement of that payment's money,
            # not a sale of its own
            self.related[number] = (said.strip(), refs[0])
        else:
            self.documents.add(number, values)
            for t in ids:
                if self.payments.setdefault(t, number) == number:
                    self.payment_values[number] = values

    def decide(self, amount_col: int | None, currency_col: int | None = None,
               who_cols: tuple[int | None, int | None] = (None, None)
               ) -> tuple[dict[int, list], dict[int, int | None], list[dict]]:
        """({payment row: the amounts of the refund rows refunding it}, {refund row: the
        payment row it refunds, or None when that is not in the file}, inferences for the
        summary). amount_col: the file column of the amount (None: no amount read);
        currency_col: the file column of the rows' currency, if any; who_cols: the columns
        of the customer's name and email, if any (a refund of a stored order must not name
        another customer)."""
        folds: dict[int, list] = {}
        rows: dict[int, int | None] = {}
        self.not_sales, not_sale_lines = self.documents.decide(amount_col)
        if not self.refunds:
            return {}, {}, not_sale_lines
        for number, refs, _said, values, own in self.refunds:
            paid = next((self.payments[r] for r in refs if r in self.payments), None)
            rows[number] = paid
            cell = values[amount_col] if amount_col is not None and amount_col < len(values) else None
            if paid is not None and cell is not None:
                code = _row_currency(values, amount_col, currency_col)
                theirs = _row_currency(self.payment_values.get(paid, []), amount_col, currency_col)
                # the refund goes with its currency (the payment row subtracts it only in its own)
                folds.setdefault(paid, []).append(in_heading_currency(cell, code))
                if other_currency(code, theirs):
                    self.other_currency[number] = other_currency_warning(
                        f"a refund ({_text(cell)} {code}) of the payment on row {paid}", str(code), str(theirs)) \
                        + "; the refund is kept in that order's Notes"
                else:
                    self.fold_ids.setdefault(paid, []).extend(own)
            elif paid is None:
                currency = values[currency_col] if currency_col is not None and currency_col < len(values) else None
                who = tuple(_text(values[c]) if c is not None and c < len(values) else "" for c in who_cols)
                self.outside[number] = (refs, own, cell, _text(currency), who)
        if not rows:
            return {}, {}, not_sale_lines
        found = sum(1 for n, r in rows.items() if r is not None and n not in self.other_currency)
        example = self.refunds[0][2]
        return folds, rows, not_sale_lines + [{"what": "refund rows", "decided": f"{len(rows)} row(s) are refunds: "
                              f"{found} subtracted from the payment they refund in the file, "
                              + (f"{len(self.other_currency)} not, being in another currency than that payment's, "
                                 if self.other_currency else "")
                              + f"{len(rows) - found - len(self.other_currency)} "
                              "from the order an earlier import stored under the number they refund (rejected "
                              "when there is none); none stored as a sale",
                              "evidence": f"'{example}' in the type column, the payment named by its "
                                          "reference or id"}]


def refund_currency(said: object) -> str | None:
    """The ISO code of a currency as a refund row or a payment writes it ("EUR", "eur",
    "€"), None when blank or not read as one (then the amount's own sign decides)."""
    try:
        return money.check_currency(_text(said) or None)
    except ValueError:
        return None


def other_currency(refund: str | None, order: str | None) -> bool:
    """Whether a refund in `refund` may not be subtracted from a payment (order) in
    `order`: both known and not the same. The one rule for every path a refund takes (a
    refund row of the same file, a refund column, a refund of an order stored before):
    a refund is subtracted only in its payment's currency; otherwise it is warned about,
    kept in the order's Notes, and the refund row is listed (never converted, never
    relabelled)."""
    return bool(refund and order and refund != order)


def other_currency_warning(what: str, refund: str, order: str) -> str:
    """The one wording of a refund not subtracted for its currency (`other_currency`)."""
    return f"{what} is in {refund}, the order is in {order}: not subtracted (never converted)"


def _row_currency(values: list, amount_col: int | None, currency_col: int | None) -> str | None:
    """A row's currency: its Currency cell, else the one its amount cell names ("€30")."""
    n = len(values)
    code = refund_currency(values[currency_col]) if currency_col is not None and currency_col < n else None
    if code is None and amount_col is not None and amount_col < n and _text(values[amount_col]):
        try:
            code = money.read_money(values[amount_col]).currency
        except ValueError:
            code = None
    return code


def read_refund(cell: object, currency: str | None, decimal: str | None) -> money.MoneyReading:
    """A refunded amount as the order's own amount is read (models._currency_from_amounts):
    in a currency without minor unit (the cell's own, else the order's `currency`: JPY,
    KRW, VND; ISO 4217 exponent 0) a separator before three digits groups thousands
    ("1.200" is 1200, money.whole_currency_reading), whatever the amount column's decimal
    mark `decimal`; other cells with that mark. Raises ValueError when not an amount."""
    prefer = (currency,) if currency else ()
    reading = money.whole_currency_reading(cell, currency, prefer=prefer)
    return reading if reading is not None else money.read_money(cell, decimal, prefer=prefer)


class RefundSaid(NamedTuple):
    """What `apply_refund` did: the row's `warning`, `what` ("full", "partial", "currency",
    "unread", "fraction") and the `total` subtracted (0 when none)."""

    warning: str
    what: str
    total: Decimal = Decimal(0)


def apply_refund(clean: dict, refunded: list[object], decimal: str | None) -> RefundSaid | None:
    """Subtract the amounts `refunded` (cells as written: "30.00", "-$15.00", "¥1.200")
    from the validated order `clean` (amount, currency, status, notes; changed in place),
    each read by `read_refund`. Returns (warning, what) for the row's report, or None
    when nothing was refunded. A refund in another currency than the order's is not
    subtracted: warned instead ("currency"). A refund with a fraction in a currency
    without minor unit ("300.5" in JPY) is `what` "fraction": the row is refused, as an
    order amount with one is (never rounded; money.whole_currency_problem), and `clean`
    is left as it was."""
    total = Decimal(0)
    shown: list[str] = []
    foreign: list[str] = []
    code = clean.get("currency") or None
    for cell in refunded:
        if _text(cell) == "":
            continue
        try:
            reading = read_refund(cell, code, decimal)
        except ValueError:
            return RefundSaid("cannot read the refunded amount "
                              f"'{_text(cell)[:40]}': the stored amount is what was charged (the refund is kept "
                              "in Notes)", "unread")
        if reading.amount is None or reading.amount == 0:
            continue
        if other_currency(reading.currency, code):
            # another currency than the payment's: never subtracted (nor relabelled)
            foreign.append(other_currency_warning(f"refund {_text(cell)}", str(reading.currency), str(code)))
            continue
        if (problem := money.whole_currency_problem(reading.amount, reading.currency or code)) is not None:
            return RefundSaid(f"the refund '{_text(cell)[:40]}': {problem}", "fraction")
        total += abs(reading.amount)
        shown.append(_text(cell))
    amount = clean.get("amount")
    currency = clean.get("currency") or ""
    if foreign:
        notes = _text(clean.get("notes"))
        note = "Refund not subtracted: " + "; ".join(foreign)
        clean["notes"] = f"{notes}\n{note}" if notes else note
    if total == 0 or amount is None or amount <= 0:
        return RefundSaid("; ".join(foreign) + " (the refund is kept in Notes)", "currency") if foreign else None
    if total >= amount:
        clean["status"] = "Returned"
        note = f"Refunded in full: {total} {currency} of {amount} {currency} charged"
        warning = f"refunded in full ({total} {currency}): stored as Returned, not counted as a sale"
        if total > amount:
            # more back than was charged: the refund (or the amount) is not what it seems
            note += f" (the refund is {total - amount} {currency} more than was charged)"
            warning += f"; the refund is {total - amount} {currency} more than the {amount} {currency} charged"
        what = "full"
    else:
        kept = amount - total
        clean["amount"] = kept
        note = f"Refunded: {total} {currency} of {amount} {currency} charged; amount stored: {kept} kept"
        warning = (f"{total} {currency} of {amount} {currency} refunded: the amount stored is the {kept} "
                   f"{currency} kept (the refund is in Notes)")
        what = "partial"
    if foreign:
        warning += "; " + "; ".join(foreign)
    notes = _text(clean.get("notes"))
    clean["notes"] = f"{notes}\n{note}" if notes else note
    return RefundSaid(warning, what, total)


REFUND_LINE = "Refund transaction: "     # Notes line naming a refund applied to the order


def refund_lines(ids: list[str]) -> str:
    """The Notes lines that name refunds applied to an order ("Refund transaction: ID")."""
    return "\n".join(REFUND_LINE + i for i in dict.fromkeys(ids))


class RefundOfStored(NamedTuple):
    """What a refund row does to an order stored before: `action` "updated" (with the
    order's `record`, its `changes` and the `warning` said), "duplicate" (already
    applied) or "rejected" (`warning` is the reason)."""

    action: str
    record: str | None
    changes: dict
    warning: str


class StoredRefunds:
    """Refund rows whose payment an earlier import stored as an order (see the module
    docstring). `lookup(numbers)` -> {order number: its stored orders} finds them;
    the orders' state is kept across chunks, so two refunds of one order add up."""

    FIELDS = ("amount", "currency", "status", "notes")

    def __init__(self, lookup: Callable[[list[str]], dict[str, list[dict]]],
                 customer: Callable[[str], dict | None] = lambda cid: None):
        self.lookup = lookup
        self.customer = customer                  # customer id -> its record (or None)
        self.state: dict[str, dict] = {}          # order id -> its values as refunds left them
        self.applied: dict[str, str] = {}         # order id -> "full" | "partial", for the summary

    def apply(self, refs: list[str], own: list[str], cell: object, currency: str,
              who: tuple[str, str] = ("", ""), mark: str | None = None) -> RefundOfStored | None:
        """Apply one refund row (the ids it names, its own ids, its amount cell as
        written or a list of them, its Currency cell or "", its customer's (name, email)
        or "") to the
        stored order it refunds; None when no stored order has one of `refs` as its
        number. A row naming another customer than the order's is rejected: order
        numbers of two systems (1001) can be the same."""
        found = self.lookup([r for r in refs if r])
        orders = next((found[r] for r in refs if found.get(r)), None)
        if not orders:
            return None
        if len(orders) > 1:
            ids = ", ".join(o["id"] for o in orders[:3])
            return RefundOfStored("rejected", None, {}, (
                f"a refund of order number {orders[0].get('order_number')}, which has {len(orders)} lines in the "
                f"store ({ids}): which one it reduces cannot be told; subtract it by hand"))
        order = orders[0]
        rid = order["id"]
        if (other := self._someone_else(order, who)) is not None:
            return RefundOfStored("rejected", rid, {}, (
                f"a refund naming {other}, but {rid} (order number {order.get('order_number')}) is another "
                "customer's: not subtracted; if it is that order, subtract it by hand"))
        now = self.state.setdefault(rid, {k: order.get(k) for k in self.FIELDS})
        notes = _text(now.get("notes"))
        if not own:
            return RefundOfStored("rejected", rid, {}, (
                f"a refund of {rid}, stored by an earlier import, with no transaction id of its own: a later "
                "import could not tell it was applied, so it is not subtracted; subtract it from that order "
                "by hand"))
        if any(REFUND_LINE + i in notes.split("\n") for i in own):
            return RefundOfStored("duplicate", rid, {}, f"refund {own[0]} already subtracted from {rid}")
        if now.get("status") in ("Returned", "Cancelled"):
            return RefundOfStored("rejected", rid, {}, (
                f"a refund of {rid}, which is already {now['status']}: nothing left to subtract"))
        code = refund_currency(currency) if currency else None
        if other_currency(code, now.get("currency")):
            return RefundOfStored("rejected", rid, {}, other_currency_warning(
                f"a refund of {rid}", str(code), str(now["currency"])))
        clean = dict(now)
        cells = cell if isinstance(cell, list) else [cell]
        said = apply_refund(clean, [in_heading_currency(c, code) for c in cells], mark)
        if said is None:
            return RefundOfStored("rejected", rid, {}, f"a refund of {rid} with no amount to subtract")
        warning, what = said.warning, said.what
        if what not in ("full", "partial"):
            return RefundOfStored("rejected", rid, {}, f"a refund of {rid}: {warning}")
        clean["notes"] = f"{clean['notes']}\n{refund_lines(own)}"
        changes = {k: clean[k] for k in self.FIELDS if clean.get(k) != now.get(k)}
        now.update(changes)
        if what == "full" or self.applied.get(rid) != "full":
            self.applied[rid] = what
        return RefundOfStored("updated", rid, changes, f"{warning}; applied to {rid}, stored by an earlier import")

    def _someone_else(self, order: dict, who: tuple[str, str]) -> str | None:
        """The refund row's customer as written when the order's stored customer is
        someone else by the row's name (none of the full-name forms `name_forms` gives
        meet), unless the row's email is the customer's; None when nothing contradicts."""
        name, email = who
        if not (name or email):
            return None
        cid = order.get("customer_id")
        customer = self.customer(cid) if cid else None
        if customer is None:
            return None
        said = " ".join(p for p in (name, f"<{email}>" if email else "") if p)
        stored_email = customer.get("email")
        if email and stored_email and email_key(email) == email_key(stored_email):
            return None
        # A refund row's email is not evidence against: PayPal writes the shop's own
        # address as the sender of a refund ("From Email Address"), the customer's as "To".
        if name and customer.get("name"):
            # full names only: a family name alone ("\x00smith") says nothing here
            mine = {f for f in name_forms(name) if not f.startswith("\x00")}
            theirs = {f for f in name_forms(customer["name"]) if not f.startswith("\x00")}
            if not (mine & theirs):
                return said
        return None

    def inference(self) -> list[dict]:
        """The summary's line on the stored orders refunds were applied to, or []."""
        if not self.applied:
            return []
        full = [r for r, w in self.applied.items() if w == "full"]
        part = [r for r, w in self.applied.items() if w != "full"]
        parts = []
        if full:
            parts.append(f"{len(full)} refunded in full, now Returned (" + ", ".join(full[:5])
                         + (", …" if len(full) > 5 else "") + ")")
        if part:
            parts.append(f"{len(part)} partly refunded, amount reduced (" + ", ".join(part[:5])
                         + (", …" if len(part) > 5 else "") + ")")
        return [{"what": "refunds of orders stored before",
                 "decided": "; ".join(parts),
                 "evidence": "refund rows naming a payment this file does not have but an earlier import "
                             "stored under that number; each update is in the history and the batch's undo, "
                             "and the order's Notes name the refund transaction"}]


class RowRefund(NamedTuple):
    """A payment row's own refund (a refunded-amount column, a status saying so), kept for
    when the row is a payment an earlier import stored (a later download of the same
    export): `column` it was read from, `what` "full" | "partial", the `total` refunded
    of the `charged` amount, the amount `kept`, the `currency` and the Notes `note`."""

    column: str
    what: str
    total: Decimal
    charged: Decimal
    kept: Decimal
    currency: str
    note: str


_KEPT = re.compile(r"amount stored: (-?[0-9.]+) kept")


def _amount(v: object) -> Decimal | None:
    try:
        return Decimal(str(v)) if v not in (None, "") else None
    except ArithmeticError:
        return None


def refund_on_stored(refund: RowRefund, rec: dict) -> tuple[str, dict, str]:
    """What a later download's refund of a payment does to the order `rec` an earlier import
    stored: (state, changes, what). Refunded amounts in payment exports are the total so
    far (Stripe's Amount Refunded), so the order is brought to what the row says: a full
    refund makes it Returned (keeping the amount charged), a partial one stores the
    amount kept. `state` "apply" (with the `changes`), "already" (it says so already),
    or "blocked" (the stored order is not the payment as charged, nor as an earlier refund
    left it: someone changed it; `what` says why and what to do)."""
    rid, cur = rec.get("id"), refund.currency
    stored, status = _amount(rec.get("amount")), rec.get("status") or ""
    total = f"{refund.total} {cur}"
    if rec.get("currency") and cur and rec["currency"] != cur:
        return "blocked", {}, (f"{rid} is stored in {rec['currency']}, this refund is in {cur}: "
                               "not subtracted; change the order by hand")
    if status in ("Returned", "Cancelled"):
        return "already", {}, f"{rid} is {status} already"
    notes = _text(rec.get("notes"))
    earlier = {d for d in (_amount(m) for m in _KEPT.findall(notes)) if d is not None}
    as_charged = stored is not None and (stored == refund.charged or stored in earlier)
    if refund.what == "partial" and stored == refund.kept:
        return "already", {}, f"{rid} stores the {refund.kept} {cur} kept already"
    if as_charged and refund.what == "partial" and stored is not None and refund.kept > stored:
        # a later download refunds less than an earlier one applied (a refund reversed, or
        # the earlier figure was another payment's): never added back without a word
        return "blocked", {}, (f"this file refunds {total} of {rid}, less than the refund already applied "
                               f"({rid} stores {stored} {cur} kept of {refund.charged} {cur} charged): left as "
                               f"stored; if the refund was reversed, set it yourself (order edit {rid} --amount …)")
    if not as_charged or (refund.what == "partial" and stored is not None and refund.kept > stored):
        return "blocked", {}, (f"{rid}'s stored amount {stored} {cur} is neither the {refund.charged} {cur} "
                               "charged nor what an earlier refund left, so it was changed by hand: set it "
                               f"yourself (order edit {rid} --amount …)")
    changes: dict = {}
    if refund.what == "full":
        changes["status"] = "Returned"
        if stored != refund.charged:
            changes["amount"] = refund.charged
        what = f"refunded in full ({total}): {rid} is now Returned, not counted as a sale"
    else:
        changes["amount"] = refund.kept
        what = f"{total} of {refund.charged} {cur} refunded: {rid} now stores the {refund.kept} {cur} kept"
    if refund.note and refund.note not in notes.split("\n"):
        changes["notes"] = f"{notes}\n{refund.note}" if notes else refund.note
    return "apply", changes, what
