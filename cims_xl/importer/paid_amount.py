"""Which amount a file means, decided on its headings (issues: a total taken while the
amount paid is beside it; a weighted value taken as a deal's amount).

- **Paid versus total.** A marketplace's order export writes the order's total (Taobao
  and Tmall 总金额, 应付/应收, a list price 原价) beside what the buyer actually paid
  (买家实际支付金额, 实付款, 实收, "Amount Paid"). The amount paid is the order's amount
  when both are there (the mapping ranks it first); the summary says so, names the total
  kept in Notes and the --map that takes the total instead.
- **Buyer versus recipient.** The buyer (买家会员名, "Buyer") is the customer; the
  recipient (收货人姓名, "Ship-to name") beside it is kept in Notes, and the summary says so.
- **Weighted values are never a deal's amount.** Salesforce's "Expected Revenue", Pipedrive's
  "Weighted value", HubSpot's "Weighted amount", German "Gewichteter Betrag", French
  "Montant pondéré", Spanish "Importe ponderado", Chinese 加权金额/预期收入, Japanese 加重金額
  are Amount × Probability. They are never mapped to the Amount; a deals file whose only
  amount is such a column stops before writing, naming it and why.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .heading_fold import fold

_PAID_WORDS = re.compile(r"(?:^|[^a-z])(?:amount paid|paid amount|total paid|actually paid|net received|"
                         r"amount received|bezahlt(?:er betrag)?|montant payé|importe pagado)(?:$|[^a-z])")
_PAID_CJK = ("实际支付", "實際支付", "实付", "實付", "实收", "實收", "支払金額", "결제금액", "결제 금액")
_TOTAL_WORDS = re.compile(r"(?:^|[^a-z])(?:total|grand total|order total|subtotal|list price|amount due|"
                          r"gesamt\w*|montant total|importe total)(?:$|[^a-z])")
_TOTAL_CJK = ("总金额", "總金額", "订单金额", "訂單金額", "订单总额", "应付", "應付", "应收", "應收", "原价",
              "原價", "合计", "合計", "总价", "總價")

_BUYER_WORDS = re.compile(r"^(?:buyer|buyer name|buyer username|bill-to name|billing name)$")
_BUYER_CJK = ("买家会员名", "買家會員名", "买家昵称", "買家暱稱", "买家", "買家", "下单人", "購入者", "注文者")
_RECIPIENT_WORDS = re.compile(r"(?:^|[^a-z])(?:recipient|ship-?to name|shipping name|consignee|"
                              r"empfänger|destinataire|destinatario)(?:$|[^a-z])")
_RECIPIENT_CJK = ("收货人", "收貨人", "收件人", "お届け先", "送付先", "수령인", "받는 사람")

_WEIGHTED_WORDS = re.compile(r"(?:^|[^a-z])(?:expected revenue|expected amount|expected value|weighted\w*|"
                             r"gewichtet\w*|pondéré\w*|pondere\w*|ponderad\w*|ponderat\w*|gewogen\w*|"
                             r"factored amount|probable amount)(?:$|[^a-z])")
_WEIGHTED_CJK = ("加权", "加權", "预期收入", "預期收入", "预期收益", "加重金額", "加重", "見込金額", "가중")


def _plain(header: str) -> str:
    # "AmountPaid", "InvoiceTotal" (Xero, APIs) as words
    # "amount_paid", "billing_details.total" (API fields) as words too
    return fold(_CAMEL.sub(" ", str(header)).replace("_", " ")).strip()


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def is_paid(header: str) -> bool:
    h = _plain(header)
    return bool(_PAID_WORDS.search(h) or any(w in h for w in _PAID_CJK))


def is_total(header: str) -> bool:
    h = _plain(header)
    return not is_paid(header) and bool(_TOTAL_WORDS.search(h) or any(w in h for w in _TOTAL_CJK))


def is_weighted(header: str) -> bool:
    """Whether a heading names a probability-weighted or expected value (never an amount)."""
    h = _plain(header)
    return bool(_WEIGHTED_WORDS.search(h) or any(w in h for w in _WEIGHTED_CJK))


def is_buyer(header: str) -> bool:
    h = _plain(header)
    return bool(_BUYER_WORDS.match(h) or h in _BUYER_CJK)


def is_recipient(header: str) -> bool:
    h = _plain(header)
    return bool(_RECIPIENT_WORDS.search(h) or any(w in h for w in _RECIPIENT_CJK))


def _quoted(h: str) -> str:
    return h.replace('"', "'")


def decisions(headers: list[str], targets: list[str | None], hows: list[str]) -> list[dict]:
    """The summary's lines when the amount was read from the amount paid beside a total,
    or the customer from the buyer beside the recipient: what was taken, what is kept in
    Notes and the --map for the other."""
    out = []
    amount = next((j for j, t in enumerate(targets) if t == "amount"), None)
    if amount is not None and hows[amount] not in ("override", "profile") and is_paid(headers[amount]):
        totals = [j for j, h in enumerate(headers) if j != amount and targets[j] is None and is_total(h)]
        if totals:
            t = totals[-1]
            out.append({"what": "amount paid or order total",
                        "decided": f"'{headers[amount]}' (what the buyer paid) is the amount; "
                                   f"'{headers[t]}' (the total before discounts) is kept in Notes",
                        "evidence": f"the headings say which is which; --map \"{_quoted(headers[t])}=Amount\" "
                                    "takes the total instead"})
    name = next((j for j, t in enumerate(targets) if t == "customer_name"), None)
    if name is not None and hows[name] not in ("override", "profile") and is_buyer(headers[name]):
        rec = [j for j, h in enumerate(headers) if targets[j] is None and is_recipient(h) and not is_buyer(h)
               and not any(w in _plain(h) for w in ("手机", "电话", "地址", "phone", "address"))]
        if rec:
            r = rec[0]
            out.append({"what": "buyer or recipient",
                        "decided": f"'{headers[name]}' (the buyer) is the customer; '{headers[r]}' (the "
                                   "recipient) is kept in Notes",
                        "evidence": f"the headings say which is which; --map \"{_quoted(headers[r])}=Customer "
                                    "Name\" takes the recipient instead"})
    return out


def weighted_question(headers: list[str], has_amount: bool, samples: list[list[str]] | None = None) -> str | None:
    """The refusal when a deals file has no amount column but a weighted/expected value
    (Amount × Probability), else None."""
    if has_amount:
        return None
    weighted = [j for j, h in enumerate(headers) if is_weighted(h)]
    if not weighted:
        return None
    j = weighted[0]
    got = [v for v in (samples[j] if samples and j < len(samples) else []) if str(v).strip()][:2]
    shown = f" (e.g. {', '.join(repr(str(v)) for v in got)})" if got else ""
    return (f"no column found for Amount: '{headers[j]}'{shown} is a weighted value (the deal's amount × its "
            "probability), not the deal's amount, so it is not taken as the Amount. Nothing was imported. "
            "Add the deals' Amount column to the file (Salesforce: Amount; Pipedrive: Deal - Value), or give "
            f"--map \"{_quoted(headers[j])}=-\" to import the deals with no amount.")


# What is still owed on an invoice (Xero's "AmountDue", QuickBooks' "Open Balance", a German
# "Offener Betrag", 未收金额, 未払残高): beside the amount paid it makes the file a list of
# invoices and their payments, where the invoice's amount is its total, not what was paid
# so far (an unpaid invoice has paid 0).
_DUE_WORDS = re.compile(r"(?:^|[^a-z])(?:amount due|due amount|balance|balance due|open balance|outstanding|"
                        r"amount outstanding|outstanding amount|open amount|amount open|unpaid amount|"
                        r"amount remaining|remaining amount|remaining balance|offener betrag|offen|"
                        r"restbetrag|montant dû|montant du|reste à payer|solde|importe pendiente|"
                        r"saldo pendiente|pendiente)(?:$|[^a-z])")
_DUE_CJK = ("未收", "未付", "欠款", "未结", "未結", "未払", "未入金", "残高", "残額", "미수", "미납", "잔액")
_INVOICE_TOTAL = re.compile(r"(?:^|[^a-z])(?:total|invoice total|invoice amount|total amount|amount|gross|"
                            r"rechnungsbetrag|gesamtbetrag|montant total|montant ttc|importe total)(?:$|[^a-z])")


_INVOICE_WORDS = re.compile(r"(?:^|[^a-z])(?:invoice\w*|inv|rechnung\w*|facture\w*|factura\w*|fattura\w*|"
                            r"faktura\w*|factuur\w*|nota fiscal)(?:$|[^a-z])")
_INVOICE_CJK = ("发票", "發票", "請求書", "インボイス", "인보이스", "세금계산서", "계산서")


def names_invoice(header: str) -> bool:
    """Whether a heading names an invoice ("Invoice Number", "InvoiceDate", "Rechnungsnr.",
    发票号, 請求書番号): the file's rows are invoices."""
    h = _plain(header)
    return bool(_INVOICE_WORDS.search(h) or any(w in h for w in _INVOICE_CJK))


def is_due(header: str) -> bool:
    """Whether a heading names what is still owed on an invoice (`_DUE_WORDS`)."""
    h = _plain(header)
    return bool(_DUE_WORDS.search(h) or any(w in h for w in _DUE_CJK))


_SUBTOTAL = re.compile(r"(?:^|[^a-z])(?:sub ?total|sub-total|zwischensumme|sous-total|sous total|"
                       r"subtotale)(?:$|[^a-z])")
_SUBTOTAL_CJK = ("小计", "小計", "소계")


def _names_tax(header: str) -> bool:
    """A heading of the tax alone ("TotalTax", "Tax Amount", "MwSt."), not of an amount with
    tax ("Total incl. tax", "价税合计")."""
    from . import net_gross

    h = _plain(header)
    return net_gross._is_tax(h) and not net_gross.is_gross(header) and not net_gross.is_net(header)


def _before_tax(header: str) -> bool:
    """A subtotal or a net amount: the invoice's amount before tax (and before shipping)."""
    from . import net_gross

    h = _plain(header)
    return bool(_SUBTOTAL.search(h) or any(w in h for w in _SUBTOTAL_CJK)) or net_gross.is_net(header)


def _total_words(header: str, headers: list[str]) -> str:
    """What the summary calls the column taken as the invoice's amount: its total (tax
    included, when a tax column stands beside it), or its amount before tax when the file
    has no other total."""
    if _before_tax(header):
        return "the invoice's amount before tax: the file has no total with tax"
    return "the invoice's total, tax included" if any(_names_tax(h) for h in headers) else "the invoice's total"


def invoice_total(headers: list[str], chosen: list, column_map) -> list[dict]:
    """When the amount was taken (by its heading) from an amount-paid column while a
    column of the amount still owed stands beside it, the rows are invoices with their
    payments so far: the invoice's total is the amount (an unpaid invoice's paid 0 is no
    sale of 0), the paid and owed amounts are kept in Notes. Without a total column the
    invoice's amount is not in the file: the paid column is not taken, so the import
    stops asking for the Amount. Changes `chosen` in place; the summary's line, or []."""
    amount = next((j for j, c in enumerate(chosen) if c.target == "amount"), None)
    if amount is None or chosen[amount].how in ("override", "profile") or not is_paid(headers[amount]):
        return []
    due = [j for j, c in enumerate(chosen) if c.target is None and is_due(headers[j])]
    invoices = next((h for h in headers if names_invoice(h)), None)
    if not due and invoices is None:
        return []
    totals = [j for j, c in enumerate(chosen) if c.target is None and c.how == "unmapped" and j not in due
              and not is_paid(headers[j]) and not _names_tax(headers[j])
              and (is_total(headers[j]) or _INVOICE_TOTAL.search(_plain(headers[j])))]
    # the total with tax before a subtotal or a net amount (Xero's SubTotal, TotalTax, Total):
    # never the amount before tax when the total stands beside it
    totals.sort(key=lambda j: (_before_tax(headers[j]), j))
    if not due:
        # no amount owed, but the rows are invoices ('Invoice Number'): their total is the
        # amount, what was paid so far is not (an unpaid invoice has paid 0)
        if not totals:
            return []
        paid, t = headers[amount], totals[0]
        chosen[amount] = column_map(paid, None, "unmapped")
        chosen[t] = column_map(headers[t], "amount", "evidence")
        return [{"what": "amount paid or the invoice's amount",
                 "decided": f"'{headers[t]}' ({_total_words(headers[t], headers)}) is the amount; '{paid}' (paid so far) is "
                            "kept in Notes",
                 "evidence": f"the rows are invoices ('{invoices}'); --map \"{_quoted(paid)}=Amount\" takes the "
                             "amount paid instead"}]
    paid, owed = headers[amount], headers[due[0]]
    chosen[amount] = column_map(paid, None, "unmapped")
    if not totals:
        return [{"what": "amount paid or the invoice's amount",
                 "decided": f"'{paid}' (paid so far) is not the amount: '{owed}' beside it is still owed",
                 "evidence": f"the headings say so; --map \"{_quoted(paid)}=Amount\" takes the amount paid"}]
    t = totals[0]
    chosen[t] = column_map(headers[t], "amount", "evidence")
    return [{"what": "amount paid or the invoice's amount",
             "decided": f"'{headers[t]}' ({_total_words(headers[t], headers)}) is the amount; '{paid}' (paid so far) "
                        f"and '{owed}' (still owed) are kept in Notes",
             "evidence": f"an amount still owed beside the amount paid: the rows are invoices; --map "
                         f"\"{_quoted(paid)}=Amount\" takes the amount paid instead"}]


# A multicurrency report's amount in the row's own currency (QuickBooks "Foreign Amount",
# Kingdee/Yonyou 原币金额, SAP "Amount in FC"/"Betrag in Fremdwährung") beside the amount in
# the home currency ("Amount", "Amount (Home)", 本位币金额) and a Currency column
_FOREIGN_WORDS = re.compile(r"(?:^|[^a-z])(?:foreign amount|amount \(foreign\)|foreign currency amount|"
                            r"amount in foreign currency|amount in fc|amount fc|fc amount|"
                            r"fremdwährungsbetrag|betrag in fremdwährung|betrag fw|montant en devise|"
                            r"montant devise|importe en divisa|importe divisa|transaction currency amount|"
                            r"amount in transaction currency)(?:$|[^a-z])")
_FOREIGN_CJK = ("原币", "原幣", "外币", "外幣", "外貨")
_HOME_CJK = ("本位币", "本位幣", "本币", "本幣", "円換算", "邦貨")


_HOME_WORDS = re.compile(r"(?:^|[^a-z])(?:home|base|local currency|in lc|lc|hauswährung|in hw|devise "
                         r"société|moneda local)(?:$|[^a-z])")


def is_home(header: str) -> bool:
    """Whether a heading names an amount in the home/base currency (本位币金额, "Amount (Home)")."""
    h = _plain(header)
    return bool(_HOME_WORDS.search(h) or any(w in h for w in _HOME_CJK)) and not is_foreign(header)


def is_foreign(header: str) -> bool:
    h = _plain(header)
    return bool(_FOREIGN_WORDS.search(h) or any(w in h for w in _FOREIGN_CJK)) and not any(w in h for w in _HOME_CJK)


def foreign_swap(headers: list[str], chosen: list, column_map) -> list[dict]:
    """When the amount was taken (by its heading) from a home-currency column while a
    column of the amount in the row's own currency stands beside it and a Currency
    column says each row's currency: the foreign amount becomes the amount (stored with
    the row's currency, never the home amount with it), the home amount is kept in Notes.
    Changes `chosen` (ColumnMap per header) in place; the summary's line, or []."""
    amount = next((j for j, c in enumerate(chosen) if c.target == "amount"), None)
    if amount is not None and chosen[amount].how in ("override", "profile"):
        return []
    if not any(c.target == "currency" for c in chosen):
        return []
    if amount is not None and is_foreign(headers[amount]):
        # the foreign amount already taken by its heading: say so when the home one is beside it
        home = next((j for j, c in enumerate(chosen) if c.target is None and c.how == "unmapped"
                     and (is_home(headers[j]) or _plain(headers[j]) in _PLAIN_AMOUNT)), None)
        return [] if home is None else _said(headers, chosen, amount, home)
    foreign = next((j for j, c in enumerate(chosen) if c.target is None and c.how == "unmapped"
                    and is_foreign(headers[j])), None)
    if foreign is None:
        return []
    if amount is None:
        # no amount taken by its heading (本位币金额 is no synonym): the home column by its words
        amount = next((j for j, c in enumerate(chosen) if c.target is None and c.how == "unmapped"
                       and is_home(headers[j])), None)
        if amount is None:
            return []
    chosen[foreign] = column_map(headers[foreign], "amount", "evidence")
    chosen[amount] = column_map(headers[amount], None, "unmapped")
    return _said(headers, chosen, foreign, amount)


_PLAIN_AMOUNT = ("amount", "total", "betrag", "montant", "importe", "金额", "金額", "합계")


def _said(headers: list[str], chosen: list, foreign: int, amount: int) -> list[dict]:
    home = headers[amount]
    currency = next(c.header for c in chosen if c.target == "currency")
    return [{"what": "amount in the row's currency or the home currency",
             "decided": f"'{headers[foreign]}' with the row's '{currency}' is the amount; '{home}' (the same "
                        "amount in the home currency) is kept in Notes",
             "evidence": f"the headings say which is which; a row with no '{headers[foreign]}' is not imported "
                         f"(its home amount is never stored with the row's currency); --map "
                         f"\"{_quoted(headers[foreign])}=-\" --map \"{_quoted(currency)}=-\" --map "
                         f"\"{_quoted(home)}=Amount\" takes the home amount in the store's currency"}]


# ----- payment APIs' amounts in minor units (Stripe, Adyen, Square) ---------------------

MINOR = "minor"      # an amount scale: the row's currency's ISO 4217 minor unit (cents; JPY none, KWD 1/1000)
_API_OBJECTS = frozenset({"charge", "payment_intent", "invoice", "refund", "checkout.session", "payout",
                          "balance_transaction", "subscription", "invoiceitem", "credit_note"})
_API_ID = re.compile(r"^(?:ch|pi|in|re|py|txn|cs|po|sub|ii|cn)_[A-Za-z0-9]+$")
_API_FIELDS = frozenset({"amount_captured", "amount_refunded", "amount_decimal", "amount_received",
                         "amount_due", "amount_paid", "amount_remaining", "application_fee_amount",
                         "balance_transaction", "amount.value", "amount_money.amount", "amount_money"})


def minor_factor(code: str | None) -> Decimal | None:
    """10^-e for a currency's ISO 4217 minor unit exponent e (USD 0.01, JPY 1, KWD 0.001)
    from CLDR (babel); None for no currency."""
    if not code:
        return None
    from ..domain import money
    return Decimal(10) ** -money.minor_units(code.upper())


def minor_units(headers: list[str], samples: list[list[str]], amount: str, currency: str | None,
                with_decimals: bool, tabular: bool = False) -> tuple[str, str] | None:
    """Whether a JSON export's amounts are in minor units: ("minor", evidence) when the
    file is a payment API's (Stripe's `object: charge`, `ch_…` ids, `amount_captured`) and
    every amount is a whole number; ("ask", evidence) when its amounts are whole numbers
    beside lowercase currency codes (as APIs write them) and nothing says which system;
    None otherwise. `tabular`: the JSON was flattened into a CSV or sheet (a script's
    `stripe charges list` dump): one API sign is not enough there, a second one
    (another API sign, lowercase ISO codes, a Unix `created`) must agree, else "ask"."""
    if with_decimals:
        return None
    if tabular:
        # an API's own field name ("amount", "amount_paid", "total"), lowercase as the API
        # writes it; a dashboard's export ("Amount", Stripe's "Created (UTC)") is in major units
        if not re.fullmatch(r"[a-z][a-z0-9_.]*", str(amount).strip()):
            return None
        return _tabular_minor_units(headers, samples, currency)
    folded = [str(h).strip().lower() for h in headers]
    said: list[str] = []
    for j, h in enumerate(folded):
        values = [str(v).strip() for v in (samples[j] if j < len(samples) else []) if str(v).strip()]
        if h == "object" and values and all(v in _API_OBJECTS for v in values):
            said.append(f"'object' is {values[0]!r}")
        elif h in ("id", "charge", "payment_intent") and values and all(_API_ID.match(v) for v in values):
            said.append(f"'{headers[j]}' holds API ids ({values[0]!r})")
        elif h in _API_FIELDS:
            said.append(f"a '{headers[j]}' field")
    if said:
        return MINOR, "; ".join(said[:3])
    if currency is not None:
        j = headers.index(currency)
        values = [str(v).strip() for v in (samples[j] if j < len(samples) else []) if str(v).strip()]
        if values and all(re.fullmatch(r"[a-z]{3}", v) for v in values):
            return "ask", f"whole-number amounts beside lowercase currency codes ({values[0]!r}), as APIs write them"
    return None


def _api_signs(headers: list[str], samples: list[list[str]]) -> list[str]:
    """The signs of a payment API's objects among a file's columns: an `object` column of
    object types, a column of API ids (ch_…, pi_…, in_…), an API's own field names."""
    said: list[str] = []
    for j, h in enumerate(str(h).strip().lower() for h in headers):
        values = [str(v).strip() for v in (samples[j] if j < len(samples) else []) if str(v).strip()]
        if h == "object" and values and all(v in _API_OBJECTS for v in values):
            said.append(f"'object' is {values[0]!r}")
        elif h in ("id", "charge", "payment_intent", "invoice") and values and all(_API_ID.match(v) for v in values):
            said.append(f"'{headers[j]}' holds API ids ({values[0]!r})")
        elif h in _API_FIELDS:
            said.append(f"a '{headers[j]}' field")
    return said


def _tabular_minor_units(headers: list[str], samples: list[list[str]],
                         currency: str | None) -> tuple[str, str] | None:
    """minor_units for an API's objects flattened into a table: an API sign and one more
    (another sign, lowercase ISO codes as APIs write them, a Unix `created`) decide minor
    units; one sign alone, or lowercase codes beside Unix times with no sign, ask."""
    signs = _api_signs(headers, samples)
    more: list[str] = []
    if currency is not None and currency in headers:
        j = headers.index(currency)
        values = [str(v).strip() for v in (samples[j] if j < len(samples) else []) if str(v).strip()]
        if values and all(re.fullmatch(r"[a-z]{3}", v) for v in values):
            more.append(f"lowercase currency codes ({values[0]!r})")
    for j, h in enumerate(headers):
        values = [str(v).strip() for v in (samples[j] if j < len(samples) else []) if str(v).strip()]
        if str(h).strip().lower() in ("created", "created_at", "updated") and values \
                and all(re.fullmatch(r"1[0-9]{9}", v) for v in values):
            more.append(f"Unix times in '{h}' ({values[0]!r})")
            break
    if signs and len(signs) + len(more) >= 2:
        return MINOR, "; ".join((signs + more)[:4])
    if signs or len(more) >= 2:
        return "ask", "; ".join(signs + more) + ", as payment APIs write them, but no more signs of one"
    return None


# ----- the exchange rate between the foreign and the home amount -------------------------

# An exchange rate's heading (QuickBooks "Exchange Rate", Kingdee 汇率, SAP "Kurs")
_RATE_WORDS = re.compile(r"^(?:exchange rate|ex\.? rate|fx rate|rate|currency rate|conversion rate|"
                         r"wechselkurs|umrechnungskurs|kurs|devisenkurs|taux de change|taux|"
                         r"tipo de cambio|tasa de cambio|cambio|taxa de câmbio|tasso di cambio)$")
_RATE_CJK = ("汇率", "匯率", "為替レート", "換算レート", "レート", "환율")


def is_rate(header: str) -> bool:
    h = _plain(header)
    return bool(_RATE_WORDS.match(h)) or h in _RATE_CJK


def _number(value: object) -> Decimal | None:
    """A number as a cell holds or writes it ("1,085.00", "1.085,00", "1085", 1085.0), else
    None (a blank, a text that is no number, a grouping that reads two ways: "1,085")."""
    from decimal import InvalidOperation

    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    text = re.sub(r"[\s\u00a0\u202f']", "", str(value))
    text = re.sub(r"[^\d.,\-]", "", text)
    if not text or not any(ch.isdigit() for ch in text):
        return None
    if "." in text and "," in text:
        mark = "." if text.rfind(".") > text.rfind(",") else ","
    elif text.count(",") == 1 and not re.search(r",\d{3}$", text):
        mark = ","
    elif text.count(".") == 1:
        mark = "."
    elif "," in text or "." in text:
        return None                      # "1,085", "1.000.000": grouping or a mark
    else:
        mark = "."
    group = "," if mark == "." else "."
    try:
        return Decimal(text.replace(group, "").replace(mark, "."))
    except InvalidOperation:
        return None


def _half_unit(number: Decimal) -> Decimal:
    """Half the last digit a written number shows (1.085 -> 0.0005; 1000 -> 0.5)."""
    exponent = number.as_tuple().exponent
    return Decimal(5).scaleb(exponent - 1) if isinstance(exponent, int) else Decimal(0)


class RateCheck:
    """The home amount against the foreign amount × the exchange rate, row by row, when a
    file has all three and the foreign amount was taken (foreign_swap). `add(number,
    values)` per data row, then `decide(...)`."""

    def __init__(self, foreign: tuple[int, str], home: tuple[int, str], rate: tuple[int, str],
                 currency: tuple[int, str]):
        self.foreign, self.home, self.rate, self.currency = foreign, home, rate, currency
        # (row, foreign, rate, home, currency) of rows holding three numbers
        self.rows: list[tuple[int, Decimal, Decimal, Decimal, str]] = []

    @classmethod
    def of(cls, headers: list[str], chosen: list, columns: list[int]) -> "RateCheck | None":
        """A check for a file whose amount is a foreign amount (by its heading) beside a home
        amount, a Currency and an exchange rate column none of which --map leaves out."""
        amount = next((j for j, c in enumerate(chosen) if c.target == "amount"), None)
        currency = next((j for j, c in enumerate(chosen) if c.target == "currency"), None)
        if amount is None or currency is None or not is_foreign(headers[amount]):
            return None
        free = [j for j, c in enumerate(chosen) if c.target is None and c.how == "unmapped"]
        home = next((j for j in free if is_home(headers[j]) or _plain(headers[j]) in _PLAIN_AMOUNT), None)
        rate = next((j for j in free if is_rate(headers[j])), None)
        if home is None or rate is None:
            return None
        return cls(*((columns[j], headers[j]) for j in (amount, home, rate, currency)))

    def add(self, number: int, values: list) -> None:
        n = len(values)
        got = [_number(values[c]) if c < n else None for c, _h in (self.foreign, self.rate, self.home)]
        if any(g is None for g in got) or got[1] == 0 or len(self.rows) >= 1_000_000:
            return
        code = values[self.currency[0]] if self.currency[0] < n else ""
        self.rows.append((number, got[0], got[1], got[2], str(code or "").strip()))

    @staticmethod
    def _fits(foreign: Decimal, rate: Decimal, home: Decimal, home_digits: int, inverse: bool) -> tuple[bool, Decimal]:
        """(whether home ≈ foreign × rate (÷ rate when inverse), the product): within half the
        home currency's minor unit and what the rate's rounding as written moves the product (the
        foreign amount is the one the home amount is worked out from: exact)."""
        product = foreign / rate if inverse else foreign * rate
        slack = Decimal(5).scaleb(-home_digits - 1)
        if inverse:
            slack += abs(foreign) * _half_unit(rate) / (rate * rate)
        else:
            slack += abs(foreign) * _half_unit(rate)
        return abs(product - home) <= slack + Decimal("1e-9"), product

    def decide(self, name: str, home_currency: str | None) -> list[dict]:
        """The summary's line when every row agrees with the rate one way (home = foreign ×
        rate, or foreign ÷ rate); ImportRefused naming the columns, the rows and --map
        "RATE=-" when some do not."""
        from babel.numbers import get_currency_precision

        from .errors import ImportRefused

        if not self.rows:
            return []
        digits = get_currency_precision(home_currency) if home_currency else 2
        (_fc, foreign), (_hc, home), (_rc, rate) = self.foreign, self.home, self.rate
        readings = {}
        for inverse in (False, True):
            readings[inverse] = [(r, f, x, h, code, p) for r, f, x, h, code in self.rows
                                 for ok, p in [self._fits(f, x, h, digits, inverse)] if not ok]
        inverse = len(readings[True]) < len(readings[False])
        wrong = readings[inverse]
        sign = "÷" if inverse else "×"
        if not wrong:
            return [{"what": f"exchange rate in '{rate}'",
                     "decided": f"'{home}' = '{foreign}' {sign} '{rate}' on all {len(self.rows)} row(s) checked"
                                + (" (the rate is written as foreign per home)" if inverse else ""),
                     "evidence": f"each row's home amount agrees with its foreign amount and rate within the "
                                 f"rounding of {home_currency or 'the home currency'} ({digits} decimal(s)) and "
                                 f"of the rate as written: '{foreign}' with the row's '{self.currency[1]}' is "
                                 "stored"}]
        q = Decimal(1).scaleb(-digits)
        shown = "; ".join(f"row {r}: {f} {code} {sign} {x} = {p.quantize(q)}, '{home}' says {h}"
                          for r, f, x, h, code, p in wrong[:3])
        raise ImportRefused(
            f"{name}: {len(wrong)} row(s) of {len(self.rows)} have a home amount '{home}' that is not "
            f"'{foreign}' {sign} '{rate}' ({shown}): the file contradicts itself, and the amount in the "
            f"row's currency ('{foreign}', the one stored) may be wrong. Nothing was imported. Correct those "
            f"rows, or give --map \"{_quoted(rate)}=-\" to store '{foreign}' with each row's currency without "
            f"this check (or --map \"{_quoted(foreign)}=-\" --map \"{_quoted(self.currency[1])}=-\" --map "
            f"\"{_quoted(home)}=Amount\" for the home amounts).")
