"""Order files exported by web shops and marketplaces: their column words, and the
questions their shapes raise, decided on the evidence of whole columns.

Header words (`WORDS`, merged into `mapping`'s synonym tables for orders) as the
exports write them: WooCommerce (its own CSV export, `billing_first_name`, and the
"Advanced Order Export" plugin's "First Name (Billing)"), Shopify, Etsy ("Sold
Orders"), eBay ("Orders report"), Amazon Seller Central order reports
(`amazon-order-id`), Magento / Adobe Commerce order grids, BigCommerce, PrestaShop,
and the Chinese marketplaces JD (京东), Pinduoduo (拼多多) and Youzan (有赞) besides
Taobao (in `mapping`). A billing column always comes before its shipping twin in a
list, so the billing name, company, country and phone are the customer's; a shipping
column only stands in when the file has no billing one (Amazon and Etsy give only the
ship-to country), and the mapping in the summary shows which column it was.

Three decisions need the values of the whole file (`ShopEvidence`, fed by the
importer's first pass, `run._scan`):

- **Which column holds the order number** when no header says so: Shopify writes it
  under `Name` (`#1001`), Magento 2 under `ID`, PrestaShop under `Reference`. Such a
  column is the order number when every value looks like one (a digit, no spaces) and
  each value's rows are next to each other (an order's lines); when no value looks like
  one it is left alone (Notes); a mix stops the import and names `--map`.
- **Which of two amount columns** is the order's amount: Magento's `Grand Total (Base)`
  (the shop's currency) and `Grand Total (Purchased)` (the customer's). When they agree
  on every row either is right; when they differ the import stops before writing and
  names both, with examples and the `--map` that settles it.
- **Rows that repeat an order number** (one row per item): each row is kept as a line
  of its order (Line 1, 2, …), as the importer always did, when the amounts are the
  lines' own. When the amount is the order's total (written once on the order's first
  row, or repeated on every row under a total's heading such as "Order Total"), the
  further rows are counted as lines of the first one and not stored again, so the
  total is not counted twice. When the heading does not say which and several orders
  each repeat one amount on all their rows (no coincidence of prices), the import stops
  and names `--amount-per order|line`; one such order alone is read as lines, and the
  summary says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from operator import itemgetter

from .errors import ImportRefused

# ----- header words ---------------------------------------------------------------------

WORDS: dict[str, dict[str, list[str]]] = {
    "order": {
        "order_number": [
            "order number", "order_number", "order #", "order no.", "order id",   # WooCommerce, BigCommerce
            "amazon-order-id", "amazon order id",                               # Amazon
            "increment id", "order increment id",                                # Magento
            "订单编号", "订单号", "订单id", "主订单编号", "子订单编号",              # JD, Pinduoduo, Youzan
        ],
        "order_date": [
            "order date", "order_date", "date paid", "sale date", "purchase date", "purchase-date",
            "purchased on", "date purchased", "order created at", "date added", "订单成交时间",
            "成交时间", "订单提交时间", "提交时间", "下单时间",
        ],
        "ship_date": ["date shipped", "shipped date", "shipped on", "ship date"],
        "status": [
            "order status", "order-status", "order_status", "status", "état de la commande", "订单状态",
        ],
        "amount": [
            # the order's total as the customer paid it (with shipping and tax)
            "order total", "order_total", "order total amount", "total price", "grand total",
            "grand total (purchased)", "g.t. (purchased)", "grand total (base)", "g.t. (base)",
            "order total (inc tax)", "total (inc tax)", "total paid", "total paid (tax incl.)",
            "total payé", "total payé ttc", "gesamt", "gesamtsumme", "item-price", "item price",
            "用户实付金额", "用户实付金额(元)", "订单实付金额", "实付金额(元)", "应付金额", "订单应付金额",
        ],
        "currency": ["order currency", "order_currency", "order currency code", "currency code",
                     "currency-code"],
        "quantity": ["number of items", "total quantity", "quantity-purchased",
                     "quantity purchased", "item quantity", "订购数量", "商品总数", "件数"],
        "product": ["item name", "item title", "product-name", "item_name", "商品名称", "商品"],
        "notes": ["customer note", "customer_note", "order notes", "买家留言", "订单备注", "买家备注"],
        "customer_ref": ["buyer user id", "buyer username", "buyer user name", "customer id",
                         "customer_id", "customer user id", "下单帐号", "下单账号", "买家账号",
                         "用户id", "买家id"],
        "customer_name": [
            "billing full name", "billing_full_name", "full name (billing)", "bill-to name",
            "bill to name", "billing name", "buyer name", "buyer-name", "full name", "customer name",
            "ship-to name", "ship to name", "shipping full name", "recipient name", "recipient-name",
            "客户姓名", "收货人", "收货人姓名", "买家", "买家昵称", "提货人", "收货人/提货人",
        ],
        "customer_first_name": [
            "billing first name", "billing_first_name", "first name (billing)", "billing firstname",
            "first name", "customer first name", "shipping first name", "first name (shipping)",
        ],
        "customer_last_name": [
            "billing last name", "billing_last_name", "last name (billing)", "billing lastname",
            "last name", "customer last name", "shipping last name", "last name (shipping)",
        ],
        "customer_company": [
            "billing company", "billing_company", "company (billing)", "company", "company name",
            "shipping company", "company (shipping)",
        ],
        "customer_email": [
            "billing email", "billing_email", "email (billing)", "buyer email", "buyer-email",
            "customer email", "email",
        ],
        "customer_phone": [
            "billing phone", "billing_phone", "phone (billing)", "buyer phone", "buyer-phone-number",
            "customer phone", "shipping phone", "phone (shipping)", "ship-phone-number", "联系电话",
            "收货人手机号", "收货人手机", "收货人电话", "提货人手机号", "手机号", "收货人手机号/提货人手机号",
        ],
        "customer_country": [
            "billing country", "billing_country", "country (billing)", "country code (billing)",
            "billing country iso2", "billing country code", "buyer country",
            "shipping country", "shipping_country", "country (shipping)", "country code (shipping)",
            "ship country", "ship-country", "ship to country", "shipping country iso2",
        ],
        "customer_postal_code": ["billing postcode", "billing_postcode", "postcode (billing)",
                                 "billing zip", "billing zip code", "billing postal code"],
    },
}

# A shop's order file imported as customers (its summary says it looks like orders): the
# billing person is the customer, never the shipping one.
WORDS["customer"] = {
    "first_name": ["billing first name", "first name (billing)"],
    "last_name": ["billing last name", "last name (billing)"],
    "company": ["billing company", "company (billing)"],
    "email": ["billing email", "email (billing)"],
    "phone": ["billing phone", "phone (billing)"],
    "country": ["billing country", "country (billing)", "country code (billing)", "billing country iso2"],
    "postal_code": ["billing postcode", "postcode (billing)"],
}

# The words above that name an order's total (not a line's amount): a value repeated on
# every row of an order under one of these headings is that order's total.
ORDER_TOTAL_WORDS = ("order total", "total", "grand total", "order total amount", "total price",
                     "total paid", "order value", "实付款", "实付金额", "订单金额", "订单总额", "买家实际支付金额",
                     "用户实付金额", "订单实付金额", "应付金额", "订单应付金额", "gesamt", "gesamtsumme",
                     "total payé")
# ... and a line's own amount.
LINE_AMOUNT_WORDS = ("item-price", "item price", "line total", "lineitem price", "item total",
                     "item subtotal", "sales", "商品金额", "商品总价")

# Headers that hold an order's number in some exports but are too plain to be taken on
# their word ("Name" is a person elsewhere): decided by their values. Nearer first.
ORDER_NUMBER_CANDIDATES = ("name", "reference", "référence", "referenz", "referencia", "id")

# Two columns for one field, the first preferred when their values agree on every row.
TWINS: dict[str, list[tuple[str, str]]] = {
    "amount": [("grand total (purchased)", "grand total (base)"), ("g.t. (purchased)", "g.t. (base)")],
}

AMOUNT_PER = ("order", "line")
FOLD_MAX = 50           # further lines of one order whose product is added to it by name

# A shipping column (the address a parcel went to: a gift, a parcel shop) loses to a
# billing or plain one for the same field, whatever the order of the word lists.
SHIPPING_RANK = 1000
_SHIPPING = re.compile(r"\bship|shipping|deliver|livraison|liefer|versand|envío|envio|spedizione")


def is_shipping(word: str) -> bool:
    """Whether a header word names a shipping column ("Shipping Name", "ship-country")."""
    return bool(_SHIPPING.search(word.casefold()))


# Fields of a whole order that a further line of it may leave blank (Shopify's do): taken
# from the order's first row, never a default (an order's status, the store's currency).
ORDER_FIELDS = ("order_date", "status", "currency")
# Fields that say whose order a row is.
CUSTOMER_TARGETS = ("customer_ref", "customer_name", "customer_first_name", "customer_last_name",
                    "customer_company", "customer_email")

_ORDER_NUMBER_VALUE = re.compile(r"^#?[\w\-/.]{0,24}\d[\w\-/.]{0,24}$")
EXAMPLES = 3


def looks_like_order_number(text: str) -> bool:
    """"#1001", "000000123", "XKBKNABJK-12", "112-3456789-0123456": a digit, no spaces, short."""
    return bool(_ORDER_NUMBER_VALUE.match(text)) and not any(ch.isspace() for ch in text)


# ----- evidence ----------------------------------------------------------------------------

def _text(v: object) -> str:
    """A cell or value as trimmed text with single spaces ("" for a blank)."""
    if type(v) is str:
        return " ".join(v.split()) if v else ""
    if v is None:
        return ""
    from .plan import cell_text
    from .table import is_blank_cell

    return "" if is_blank_cell(v) else " ".join(cell_text(v).split())


@dataclass
class _NumberColumn:
    """A candidate order-number column: how many values look like one, and whether each
    value's rows are together (an order's lines) or scattered (a person's name)."""

    column: int
    header: str
    values: int = 0
    alike: int = 0
    unlike: list[str] = field(default_factory=list)
    alike_examples: list[str] = field(default_factory=list)
    scattered: list[str] = field(default_factory=list)
    _last: str | None = None
    _done: set[int] = field(default_factory=set)

    def add(self, v: object) -> None:
        text = _text(v)
        if not text:
            return
        self.values += 1
        if looks_like_order_number(text):
            self.alike += 1
            if len(self.alike_examples) < EXAMPLES and text not in self.alike_examples:
                self.alike_examples.append(text)
        elif len(self.unlike) < EXAMPLES:
            self.unlike.append(text)
        if text != self._last:
            if self._last is not None:
                self._done.add(hash(self._last))
            if hash(text) in self._done and len(self.scattered) < EXAMPLES:
                self.scattered.append(text)
            self._last = text


@dataclass(slots=True)
class _Order:
    first_row: int
    amount: str
    customer: tuple              # the row's customer fields as given (CUSTOMER_TARGETS' order)
    date: object
    rows: int = 1
    blank_after: bool = True    # every later row gave no amount
    different: str | None = None
    shared: tuple = ()          # the first row's ORDER_FIELDS values (the planner's)
    more: list | None = None    # (product, quantity, other values) of its further rows, at most FOLD_MAX
    first: list | None = None   # the first row's cells (a further line's values that repeat them are the order's)


class OrderRows:
    """The orders of one file by number: a later row with the same number is a further
    line of an earlier order unless it names another customer or another date (shops
    restart their numbering every year; merged files reuse each other's numbers). A
    further line may leave the customer and the date blank (Shopify's do)."""

    def __init__(self) -> None:
        # number (casefolded) -> its order, or a list of them when the number was reused
        self._by_number: dict[str, _Order | list[_Order]] = {}

    def match(self, number: str, customer: tuple, date: object, make) -> _Order | None:
        """The earlier order this row is a further line of; or None, after keeping
        `make()` as a new order. `customer` and `date` as the row gives them (cells or
        values; blank ones match anything)."""
        key = number.casefold()
        got = self._by_number.get(key)
        if got is None:
            self._by_number[key] = make()
            return None
        mine = [_text(v) for v in customer]
        day = _text(date)
        for order in ((got,) if type(got) is _Order else got):
            theirs = [_text(v) for v in order.customer]
            then = _text(order.date)
            if all(not a or not b or a == b for a, b in zip(mine, theirs)) and (not day or not then or day == then):
                return order
        self._by_number[key] = [got, make()] if type(got) is _Order else [*got, make()]
        return None

    def __iter__(self):
        for got in self._by_number.values():
            yield from ((got,) if type(got) is _Order else got)


class ShopEvidence:
    """Evidence for the three decisions in the module docstring, from one pass over
    the rows: `add(number, values)` per data row, then `decide(...)`."""

    def __init__(self, headers: list[str], columns: list[int], mapping, overrides: dict[str, str]):
        from .mapping import norm

        self.headers = headers
        self.columns = columns
        targets = [c.target for c in mapping.columns]
        given = {norm(k) for k in overrides}
        self.numbers: list[_NumberColumn] = []
        if "order_number" not in targets and any(t is not None for t in targets):
            for word in ORDER_NUMBER_CANDIDATES:
                for j, h in enumerate(headers):
                    if norm(h) == norm(word) and targets[j] is None and norm(h) not in given:
                        self.numbers.append(_NumberColumn(columns[j], h))
        self.twins: list[tuple[int, int, list[tuple[int, str, str]]]] = []   # (col a, col b, differences)
        at = {norm(h): j for j, h in enumerate(headers)}
        for pairs in TWINS.values():
            for a, b in pairs:
                ja, jb = at.get(norm(a)), at.get(norm(b))
                if ja is None or jb is None or given & {norm(a), norm(b)}:
                    continue
                self.twins.append((ja, jb, []))
        number_col = next((columns[j] for j, t in enumerate(targets) if t == "order_number"), None)
        # the rows of each order, by the order-number column (or each candidate for it)
        self.lines: dict[int, OrderRows] = {c: OrderRows() for c in
                                            ([number_col] if number_col is not None else
                                             [cand.column for cand in self.numbers])}
        self.number_col = number_col
        self.amount_col = next((columns[j] for j, t in enumerate(targets) if t == "amount"), None)
        self.amount_header = next((headers[j] for j, t in enumerate(targets) if t == "amount"), None)
        self.customer_cols = [columns[j] for j, t in enumerate(targets) if t in CUSTOMER_TARGETS]
        self._customer_of = itemgetter(*self.customer_cols) if len(self.customer_cols) > 1 else None
        self._widest = max([-1, *self.customer_cols])
        self.date_col = next((columns[j] for j, t in enumerate(targets) if t == "order_date"), None)
        self.product_col = next((columns[j] for j, t in enumerate(targets) if t == "product"), None)
        self.quantity_col = next((columns[j] for j, t in enumerate(targets) if t == "quantity"), None)
        self.folds: dict[int, tuple[list, int]] = {}    # first row -> (its further lines, how many)
        # the columns whose values a further line may have of its own, besides its product
        # and quantity: all others (its price, SKU, discount, line amount, notes), kept per
        # line in the order's Notes when the line is folded into it (_fold)
        skip = {"product", "quantity", "order_number"}
        self.line_cols = [(columns[j], headers[j]) for j, c in enumerate(mapping.columns)
                          if c.target not in skip and c.how not in ("ignored", "secret")]
        self._pending: list[tuple[int, list]] = []

    @property
    def active(self) -> bool:
        return bool(self.numbers or self.twins or self.lines)

    def add(self, number: int, values: list) -> None:
        """One data row. The last FOOTER_MAX rows wait until `decide` knows the footer
        rows ("Total: 2 orders"), which are not data."""
        from .evidence import FOOTER_MAX

        self._pending.append((number, values))
        if len(self._pending) > FOOTER_MAX:
            self._add(*self._pending.pop(0))

    def _add(self, number: int, values: list) -> None:
        n = len(values)
        for cand in self.numbers:
            cand.add(values[cand.column] if cand.column < n else "")
        for ja, jb, diffs in self.twins:
            ca, cb = self.columns[ja], self.columns[jb]
            a = _text(values[ca]) if ca < n else ""
            b = _text(values[cb]) if cb < n else ""
            if a != b and len(diffs) < EXAMPLES and not _same_amount(a, b):
                diffs.append((number, a, b))
        for col, orders in self.lines.items():
            self._line(number, values, n, col, orders)

    def _line(self, number: int, values: list, n: int, col: int, orders: OrderRows) -> None:
        key = _text(values[col]) if col < n else ""
        if not key:
            return
        amount_col, date_col = self.amount_col, self.date_col
        amount = _text(values[amount_col]) if amount_col is not None and amount_col < n else ""
        if self._customer_of is not None and self._widest < n:
            customer = self._customer_of(values)
        else:
            customer = tuple(values[c] if c < n else None for c in self.customer_cols)
        date = values[date_col] if date_col is not None and date_col < n else None
        order = orders.match(key, customer, date, lambda: _Order(number, amount, customer, date, first=values))
        if order is None:
            return
        order.rows += 1
        if order.more is None:
            order.more = []
        if len(order.more) < FOLD_MAX:
            pc, qc = self.product_col, self.quantity_col
            first = order.first or []
            own = []
            for c, header in self.line_cols:
                v = _text(values[c]) if c < n else ""
                if v and v != (_text(first[c]) if c < len(first) else ""):
                    own.append(f"{header}: {v}")
            order.more.append((values[pc] if pc is not None and pc < n else None,
                               values[qc] if qc is not None and qc < n else None, ", ".join(own)))
        if amount:
            order.blank_after = False
            if amount != order.amount and order.different is None:
                order.different = amount

    # -- decisions --

    def decide(self, mapping, amount_per: str | None,
               footer: set[int] | frozenset[int] = frozenset()) -> tuple[dict[int, str], list[dict], str | None]:
        """({column position in the mapping: target} to set, inferences, "order"|"line"|None:
        what an amount repeated on an order's rows is); ImportRefused when the evidence
        cannot decide. `footer`: the rows found to be the table's footer (not data)."""
        for number, values in self._pending:
            if number not in footer:
                self._add(number, values)
        self._pending = []
        changes: dict[int, str] = {}
        inferences: list[dict] = []
        self._decide_number(changes, inferences)
        self._decide_twins(mapping, changes, inferences)
        per = self._decide_lines(changes, amount_per, inferences)
        return changes, inferences, per

    def _decide_number(self, changes: dict[int, str], inferences: list[dict]) -> None:
        for cand in self.numbers:
            if not cand.values or not cand.alike:
                continue          # no value looks like an order number: not this column
            j = self.headers.index(cand.header)
            if cand.alike == cand.values and not cand.scattered:
                changes[j] = "order_number"
                inferences.append({
                    "what": f"order number in '{cand.header}'",
                    "decided": f"'{cand.header}' holds the order numbers",
                    "evidence": f"all {cand.values} value(s) look like order numbers ("
                                + ", ".join(f"'{v}'" for v in cand.alike_examples)
                                + "), and each one's rows are together (an order's lines); "
                                "no other column is headed as the order number"})
                return
            why = (f"some values look like order numbers ({', '.join(repr(v) for v in cand.alike_examples)}) "
                   f"and others do not ({', '.join(repr(v) for v in cand.unlike)})" if cand.unlike else
                   f"its values look like order numbers ({', '.join(repr(v) for v in cand.alike_examples)}) "
                   f"but the same value comes back after others ({', '.join(repr(v) for v in cand.scattered)})")
            raise ImportRefused(
                f"column '{cand.header}': is it the order number? {why[0].upper()}{why[1:]}. Nothing was "
                f"imported. Say which with --map \"{cand.header}=Order No.\" (the order number) or "
                f"--map \"{cand.header}=Notes\" (kept in the order's notes).")

    def _decide_twins(self, mapping, changes: dict[int, str], inferences: list[dict]) -> None:
        for ja, jb, diffs in self.twins:
            a, b = self.headers[ja], self.headers[jb]
            if diffs:
                shown = "; ".join(f"row {r}: '{x}' and '{y}'" for r, x, y in diffs)
                raise ImportRefused(
                    f"columns '{a}' and '{b}' both give the order's amount and differ ({shown}): one is in "
                    "the currency the customer paid, the other in the shop's own. Nothing was imported. "
                    f"Say which with --map \"{a}=Amount\" or --map \"{b}=Amount\".")
            changes[ja] = "amount"
            if mapping.columns[jb].target == "amount":
                changes[jb] = ""
            inferences.append({"what": f"amount in '{a}' or '{b}'", "decided": f"'{a}'",
                               "evidence": "the two columns give the same amount on every row"})

    def _decide_lines(self, changes: dict[int, str], amount_per: str | None,
                      inferences: list[dict]) -> str | None:
        chosen = [self.columns[j] for j, t in changes.items() if t == "order_number"]
        col = chosen[0] if chosen else self.number_col
        multi = [o for o in self.lines.get(col, ()) if o.rows > 1] if col is not None else []
        if not multi:
            return amount_per       # no order has two rows: nothing for the planner to do
        example = multi[0]
        shown = f"row {example.first_row} and {example.rows - 1} more"
        n = len(multi)
        header = self.amount_header or "Amount"
        if amount_per:
            per, why = amount_per, f"--amount-per {amount_per}"
        elif any(o.different is not None for o in multi):
            per = "line"
            diff = next(o for o in multi if o.different is not None)
            why = (f"the rows of one order give different amounts ('{diff.amount}' and '{diff.different}' "
                   f"from row {diff.first_row}): each row's amount is its line's")
        elif all(o.blank_after for o in multi):
            per, why = "order", f"'{header}' is given only on an order's first row"
        elif _is_word(header, ORDER_TOTAL_WORDS):
            per, why = "order", f"'{header}' repeats the same amount on every row of an order and is headed as a total"
        elif _is_word(header, LINE_AMOUNT_WORDS):
            per, why = "line", f"'{header}' is headed as a line's amount"
        elif n == 1:
            # One order whose items cost the same is common; a total repeated is not told
            # by one order. The heading is not a total's: lines, as the summary says.
            per, why = "line", (f"'{header}' is not headed as an order's total and only one order repeats "
                                "its amount (give --amount-per order if it is the order's total)")
        else:
            raise ImportRefused(
                f"column '{header}': {n} order number(s) have several rows with the same amount on each "
                f"(e.g. row {example.first_row}: '{example.amount}' on {example.rows} rows): the order's total "
                "written on every row, or lines of the same price? Nothing was imported. Say which with "
                "--amount-per order (one order, its total once) or --amount-per line (each row a line).")
        if per == "order":
            decided = ("one order per number: its first row is stored with the total"
                       + (", its other rows' products and quantities added to it" if self.product_col is not None
                          or self.quantity_col is not None else "")
                       + "; the other rows are counted as lines of it, not stored again")
            self.folds = {o.first_row: (o.more or [], o.rows - 1) for o in multi}
        else:
            decided = "each row stored as a line of its order (Line 1, 2, …) with its own amount"
        inferences.append({"what": "rows with the same order number", "decided": decided,
                           "evidence": f"{n} order number(s) have several rows (e.g. {shown}); {why}"})
        return per


def _same_amount(a: str, b: str) -> bool:
    """Whether two cells written differently give the same amount in the same currency
    ("€120.00" and "120,00 €"); an amount that cannot be read, or reads two ways, is not."""
    from ..domain.money import parse_money

    try:
        return parse_money(a) == parse_money(b)
    except ValueError:
        return False


def _is_word(header: str, words: tuple[str, ...]) -> bool:
    from .mapping import norm

    n = norm(header)
    return any(norm(w) == n for w in words)


def check_amount_per(value: str | None) -> str | None:
    """`--amount-per`: "order" or "line" (or None)."""
    if value is None:
        return None
    v = str(value).strip().lower()
    if v not in AMOUNT_PER:
        raise ImportRefused(f"--amount-per must be order or line, not {value!r}")
    return v


class OrderLines:
    """The planner's side of rows that share an order number (`OrderRows` by the
    values the rows give): `of(row, data)` is the first row of the order a further line
    belongs to when amounts are per order (the line is then not stored again); with
    amounts per line, a further line that leaves the customer, the date, the status or
    the currency blank (as Shopify's do) takes them from the order's first row, and `of`
    returns None."""

    def __init__(self, amount_per: str | None, mapped: set[str] | frozenset[str] = frozenset(CUSTOMER_TARGETS),
                 folds: dict[int, tuple[list, int]] | None = None,
                 merged_further: dict[int, int] | None = None, merged_folds: dict | None = None):
        self.per_order = amount_per == "order"
        self.folds = folds or {}
        # an amount merged down over rows (merged_rows): the rows are one order's lines
        self.merged_further = merged_further or {}
        self.merged_folds = merged_folds or {}
        self.orders = OrderRows()
        # only the fields the file has: the same tuples, read faster
        self.customer_keys = tuple(k for k in CUSTOMER_TARGETS if k in mapped)
        self.shared_keys = tuple(k for k in ORDER_FIELDS if k in mapped)

    def of(self, row: int, data: dict) -> int | None:
        if row in self.merged_further:
            return self.merged_further[row]
        if row in self.merged_folds:
            more, lines, quantity_merged = self.merged_folds[row]
            quantity = data.get("quantity")
            _fold(data, more, lines)
            if quantity_merged:
                data["quantity"] = quantity        # the merged quantity is the order's already
        number = _text(data.get("order_number"))
        if not number:
            return None
        customer = tuple(map(data.get, self.customer_keys))
        date = data.get("order_date")
        order = self.orders.match(number, customer, date, lambda: _Order(
            row, "", customer, date, shared=tuple(map(data.get, self.shared_keys))))
        if order is None:
            if self.per_order and row in self.folds:
                _fold(data, *self.folds[row])
            return None
        if self.per_order:
            return order.first_row
        for key, value, given in zip(self.customer_keys, order.customer, customer):
            if _text(value) and not _text(given):      # `find` matched: the row names no one else
                data[key] = value
        for key, value in zip(self.shared_keys, order.shared):
            if value not in (None, "") and data.get(key) in (None, ""):
                data[key] = value
        return None


def _fold(data: dict, more: list, lines: int) -> None:
    """The first row of an order whose total it holds gets its further lines' products
    ("Lamp; Bulb") and the sum of their quantities; quantities that cannot all be read
    as counts are left as the first row's, and every line's is kept in Notes."""
    from ..domain.models import validate_record
    from ..domain.schema import ENTITIES
    from ..errors import ValidationFailed

    if not more:
        return
    own = [f"Line {k}: {entry[2]}" for k, entry in enumerate(more, start=2) if len(entry) > 2 and entry[2]]
    if own:
        # each further line's values of its own (price, SKU, discount, its notes): never dropped
        kept = "\n".join(own)
        data["notes"] = f"{_text(data.get('notes'))}\n{kept}" if _text(data.get("notes")) else kept
    more = [entry[:2] for entry in more]
    lines_given = [(data.get("product"), data.get("quantity")), *more]
    products = [p for p in (_text(p) for p, _q in lines_given) if p]
    if products:
        shown = "; ".join(products)
        if lines > len(more):
            shown += f"; … and {lines - len(more)} more line(s)"
        data["product"] = shown
    if all(_text(q) == "" for _p, q in lines_given):
        return
    try:
        # a line without a quantity is one item; a row without a product or a quantity
        # (eBay's order row above its items) is none
        counts = [validate_record(ENTITIES["order"], {"quantity": q}, partial=True).get("quantity")
                  if _text(q) else (1 if _text(p) else 0) for p, q in lines_given]
    except ValidationFailed:
        counts = None
    if counts is not None and lines == len(more):
        data["quantity"] = sum(counts)
        return
    kept = "Quantities of its lines: " + ", ".join(_text(q) or "-" for _p, q in lines_given)
    data["notes"] = f"{_text(data.get('notes'))}\n{kept}" if _text(data.get("notes")) else kept
