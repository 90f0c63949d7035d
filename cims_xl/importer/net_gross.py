"""An amount before tax beside the amount with it (issue: net taken when the gross is
beside it).

A VAT invoice list writes both: Chinese 金额 / 税额 / 价税合计 (or 不含税金额 / 含税金额),
German Nettobetrag / Bruttobetrag, English Net / Gross, French HT / TTC, Spanish and
Portuguese Neto / Bruto, Japanese 税抜 / 税込, Korean 공급가액 / 세액 / 합계. Which of the two
is an order's amount (what the customer paid, or the business's revenue before tax) is
the user's to say, not the import's to guess: when a column headed as the amount with tax
stands beside the column the amount would be read from (or beside one headed as the
amount before tax), the import stops before writing, naming both columns, their examples
where known, and the --map that settles it. A --map for the amount settles it; the whole
set of a payment export's headings (PayPal's Gross, Fee, Net: net of fees) is no question.
"""

from __future__ import annotations

import re

from .heading_fold import fold

# Headings of the amount WITH tax (gross), in any language: Latin words as words, CJK as
# parts of the heading. "\w*brutto" is tried only where a match could not have started one
# place earlier (the look-behinds): after a failed try there, a try here fails too, and
# trying it at each place of a long run of digits took time quadratic in the heading. (Exact
# for `search`, which tries every earlier place; not meant for findall.)
_GROSS_WORDS = re.compile(r"(?:^|[^a-z])(?:gross|ttc|bruto|brutto\w*|(?<!^\w)(?<![^a-z]\w)\w*brutto|incl|inkl|including tax|"
                          r"with tax|tax included|iva incluido|iva incl)(?:$|[^a-z])")
_GROSS_CJK = ("价税合计", "價稅合計", "价税总额", "含税", "含稅", "税込", "稅込", "합계금액", "합계 금액", "공급대가")
# "合计" / "합계" (a total) is the gross only beside a tax column (a VAT list's last column)
_TOTAL_CJK = ("合计", "合計", "합계", "总计", "總計")
_NET_WORDS = re.compile(r"(?:^|[^a-z])(?:net|ht|neto|netto\w*|(?<!^\w)(?<![^a-z]\w)\w*netto|excl|exkl|hors taxes?|before tax|"
                        r"pre-tax|sin iva|sem iva)(?:$|[^a-z])")
_NET_CJK = ("不含税", "不含稅", "未税", "未稅", "税抜", "稅抜", "税別", "공급가액", "净额")
_TAX_WORDS = re.compile(r"(?:^|[^a-z])(?:tax|vat|gst|mwst|ust|tva|iva|btw|moms)(?:$|[^a-z])")
_TAX_CJK = ("税额", "稅額", "税金", "세액", "부가세", "消費税", "消费税", "增值税")


# "Gross Sales" / "Net Sales" (Square: before and after discounts), gross profit, net
# weight, net pay: gross and net of something other than tax
_OTHER_GROSS = re.compile(r"(?:^|[^a-z])(?:sales|revenue|profit|margin|weight|pay|income|umsatz|gewicht|"
                          r"ventes|ventas|vendas)(?:$|[^a-z])")


def _plain(header: str) -> str:
    return fold(header).strip()


def is_gross(header: str, tax_beside: bool = False) -> bool:
    h = _plain(header)
    if _NET_WORDS.search(h) or any(w in h for w in _NET_CJK) or _OTHER_GROSS.search(h):
        return False
    return bool(_GROSS_WORDS.search(h) or any(w in h for w in _GROSS_CJK)
                or (tax_beside and any(w in h for w in _TOTAL_CJK) and not _is_tax(h)))


def is_net(header: str) -> bool:
    h = _plain(header)
    return not _OTHER_GROSS.search(h) and bool(_NET_WORDS.search(h) or any(w in h for w in _NET_CJK))


def _is_tax(h: str) -> bool:
    return bool(_TAX_WORDS.search(h) or any(w in h for w in _TAX_CJK))


def question(headers: list[str], amount_at: int | None, amount_how: str | None,
             samples: list[list[str]] | None = None) -> str | None:
    """The refusal when the amount could be read before tax with the amount after tax
    beside it, else None. `headers`: the table's headings; `amount_at`: the position of the
    column mapped to the amount (or None); `amount_how`: how it was mapped ("override",
    a --map, settles it); `samples`: values per position, for the examples."""
    if amount_how in ("override", "evidence"):
        return None          # the user's --map or profile; a set of headings that says (PayPal's)
    tax_beside = any(_is_tax(_plain(h)) and not is_gross(h) and not is_net(h) for h in headers)
    gross = [j for j, h in enumerate(headers) if is_gross(h, tax_beside)]
    if not gross:
        return None
    if amount_at is not None and amount_at in gross:
        return None          # the amount with tax, taken by its heading: said in the summary (`taken`)
    if amount_at is not None:
        net = amount_at
    else:
        net = next((j for j, h in enumerate(headers) if is_net(h)), None)
        if net is None:
            return None
    g = gross[0]

    def shown(j: int) -> str:
        got = [v for v in (samples[j] if samples and j < len(samples) else []) if str(v).strip()][:2]
        return f" (e.g. {', '.join(repr(str(v)) for v in got)})" if got else ""

    n_head, g_head = headers[net].replace('"', "'"), headers[g].replace('"', "'")
    return (("no column found for Amount: " if amount_at is None else "")
            + f"'{headers[g]}'{shown(g)} is the amount with tax and '{headers[net]}'{shown(net)} the amount "
            "before tax: which one is the amount is not guessed. Nothing was imported. Say which with "
            f"--map \"{g_head}=Amount\" (with tax: what the customer paid) or --map \"{n_head}=Amount\" "
            "(before tax); the other column is kept in Notes.")


# Headings of a price per unit (never an order's amount: a quantity multiplies it)
_UNIT_PRICE = re.compile(r"(?:^|[^a-z])(?:unit ?price|price ?(?:per|/) ?unit|price each|unit cost|unit amount|"
                         r"unitamount|einzelpreis|stückpreis|preis pro (?:stück|einheit)|prix unitaire|"
                         r"precio unitario|preço unitário|preco unitario|prezzo unitario|eenheidsprijs|"
                         r"cena jednostkowa|цена за единицу)(?:$|[^a-z])")
_UNIT_PRICE_CJK = ("单价", "單價", "単価", "단가", "含税单价", "不含税单价")


# A price alone ("Price", "Rate", "Selling Price", Preis, Harga, Pris, 价格): beside a
# quantity it is what one unit costs, not the line's amount
_PRICE = re.compile(r"^(?:selling |sale |sales |list |retail |net |gross )?(?:price|rate|preis|verkaufspreis|prix|"
                    r"precio|preço|preco|prezzo|prijs|pris|hinta|harga|cena|цена|fiyat|giá|ราคา)$")
_PRICE_CJK = ("价格", "價格", "価格", "가격", "售价", "售價", "定价", "定價", "单价", "單價")


def is_price(header: str) -> bool:
    """Whether a heading names a price alone ("Price", "Rate", "Preis", 价格): a unit's
    price where the file has a quantity."""
    h = _plain(header).strip()
    return bool(_PRICE.match(h) or h in _PRICE_CJK)


def is_unit_price(header: str) -> bool:
    """Whether a heading names a price per unit ("Unit Price", 单价, 単価, 단가, Einzelpreis,
    prix unitaire…)."""
    h = _plain(header)
    return bool(_UNIT_PRICE.search(h) or any(w in h for w in _UNIT_PRICE_CJK))


def taken(headers: list[str], amount_at: int | None, amount_how: str | None) -> dict | None:
    """The summary's line when the amount is read from a column headed as the amount with
    tax (税込金額, 합계, Gross Amount) while one headed as the amount before tax stands
    beside it: which was taken, and the --map for the other. None otherwise."""
    if amount_at is None or amount_how in ("override", "evidence"):
        return None
    tax_beside = any(_is_tax(_plain(h)) and not is_gross(h) and not is_net(h) for h in headers)
    if not is_gross(headers[amount_at], tax_beside):
        return None
    net = next((j for j, h in enumerate(headers) if is_net(h)), None)
    if net is None:
        return None
    other = headers[net].replace('"', "'")
    return {"what": "amount with tax or before it",
            "decided": f"'{headers[amount_at]}' (with tax: what the customer paid) is the amount; "
                       f"'{headers[net]}' (before tax) is kept in Notes",
            "evidence": f"the headings say which is which; --map \"{other}=Amount\" takes the amount before tax"}
