"""Is the header row a header, and which column a `--map` suggestion may name (issue 14,
"never silently wrong").

- `refuse_data_header`: a first row holding values that are data by their shape (an
  email address, a phone number; or, when none of its cells names a known field, dates
  and amounts) is not a header: the file has no header row. Taking it for one loses
  that row and shifts nothing visibly, so the import stops, saying so, and offers
  `--no-header` (columns named A, B, C… by position, every row data).
- `no_header_table`: the table of a file read with `--no-header`.
- `fitting_column`: the column a "no column found for X" message may suggest in
  `--map "Column=X"`: one whose values fit X (names for Name, dates for a date, amounts
  for an amount), never merely the first column ("Date=Name", "Id=Name").
"""

from __future__ import annotations

import datetime as dt
import re

from .table import column_letter, header_text, is_blank_cell

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# a phone number: an optional +, digits with spaces, dots, dashes and brackets, 7 or more digits
_PHONE = re.compile(r"^\+?[\d\s().\-/]{7,24}$")
_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
# an amount: digits with a decimal part of two, maybe grouped, a sign, a currency symbol
_AMOUNT = re.compile(r"^[-−(]?+\s*+[$€£¥₹₩]?+\s*+\d{1,3}(?:[,.' \u00a0]?\d{3})*[.,]\d{2}\s*[$€£¥₹₩]?\)?-?$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_LEGAL_FORM_FIRST = re.compile(r"^(?:[(（][주유사株有合][)）]|[㈜㈲㈱㈲])\s*")
_NAME_CHARS = re.compile(r"^[^\W\d_][\w .,'’&()\-/+]*$")


def value_shape(value: object) -> str | None:
    """"an email address", "a phone number", "a date", "an amount" for a cell shaped as
    that kind of data; None for other cells (words, whole numbers, blanks)."""
    if isinstance(value, bool) or is_blank_cell(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    if isinstance(value, float) and not value.is_integer():
        return "an amount"
    if not isinstance(value, str):
        return None
    t = value.strip()
    if _EMAIL.match(t):
        return "an email address"
    if _DATE.match(t):
        return "a date"
    if _AMOUNT.match(t):
        return "an amount"
    if _PHONE.match(t) and sum(ch.isdigit() for ch in t) >= 7 and (t.startswith("+") or " " in t or "-" in t
                                                                   or "(" in t):
        return "a phone number"
    return None


def data_cells(values: list, known: int) -> list[tuple[str, str]]:
    """(text, shape) of the cells that make the row data rather than a header: any email
    address or phone number; dates and amounts when at least two of them stand in the
    row and none of its cells names a known field (`known`): a pivot table's header
    may name its columns by a date beside words it knows ("Name", "2024-01-31")."""
    found = [(header_text(v), s) for v in values if (s := value_shape(v)) is not None]
    strong = [f for f in found if f[1] in ("an email address", "a phone number")]
    if strong:
        return found
    if known == 0 and len(found) >= 2:
        return found
    return []


def refuse_data_header(file: str, values: list, known: int, suggestion: str):
    """An ImportRefused for a header row holding data (`data_cells`), or None.
    `suggestion`: the --map to show with --no-header (e.g. '--map "A=Name"')."""
    from .errors import ImportRefused

    cells = data_cells(values, known)
    if not cells:
        return None
    firsts = ", ".join(f"'{header_text(v)}'" for v in values if not is_blank_cell(v))
    said = ", ".join(f"'{t}' is {s}" for t, s in cells[:3])
    return ImportRefused(
        f"{file}: the file has no header row: its first row ({_short(firsts)}) holds data ({said}), not the "
        "names of its columns, so it would be lost as a header. Nothing was imported. Import it with "
        f"--no-header: its columns are then named A, B, C… by position and every row is read as data; "
        f"say which column is which with --map, e.g. --no-header {suggestion}.")


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def no_header_names(width: int) -> list[str]:
    """The headings of a file read with --no-header: A, B, C… (Excel's column letters)."""
    return [column_letter(c) for c in range(width)]


# ----- which column fits a field -----------------------------------------------------------

def fits(kind: str, key: str, samples: list[str]) -> bool:
    """Do a column's sample values (text, as the summary shows them) fit a field of this
    schema kind ("name", "text", "date", "datetime", "money", "decimal", "int", "email",
    "phone") with key `key`? Every sample must: three names, not two names and a date."""
    shown = [s.strip() for s in samples if s and s.strip()]
    if not shown:
        return False
    if kind in ("date", "datetime"):
        return all(value_shape(s) == "a date" or _iso_like(s) for s in shown)
    if kind in ("money", "decimal"):
        return all(value_shape(s) == "an amount" or re.fullmatch(r"[-−]?\d+(?:[.,]\d+)?", s) for s in shown)
    if kind == "int":
        return all(re.fullmatch(r"[-−]?\d+", s) for s in shown)
    if kind == "email":
        return all(value_shape(s) == "an email address" for s in shown)
    if kind == "phone":
        return all(value_shape(s) == "a phone number" for s in shown)
    if kind == "name" or key in ("name", "customer_name", "company", "customer_company", "first_name",
                                 "last_name"):
        # a customer list names each customer once: "Invoice", "Invoice" is a type of something
        once = key != "name" or len(set(shown)) == len(shown)
        # and names have two words somewhere ("Ann Lee", "Acme Inc") or are written in
        # CJK: "Design", "Gardening", "Rocks" are products
        some_full = any(len(s.split()) >= 2 or _CJK.search(s) for s in shown)
        # a column of status words ("Done", "To do", "No show") is no name
        from .activity_status import is_status_word
        return once and some_full and all(_looks_like_name(s) for s in shown) \
            and not all(is_status_word(s) for s in shown)
    return all(value_shape(s) is None and not re.fullmatch(r"[-−]?[\d.,]+", s) for s in shown)


# Fields a value of another shape cannot be in: an email address or a phone number is
# never a name or a place.
_NAME_LIKE = frozenset({"name", "customer_name", "company", "customer_company", "first_name", "last_name",
                        "city", "province", "country", "contact_name"})


def plainly_not(kind: str, key: str, samples: list[str]) -> bool:
    """Whether a column's first values plainly do not belong in its field: no email
    address under Email, nothing with six digits under a phone, an email address or a
    phone number under a name or a place, an amount with cents under a whole number
    (Quantity), no digit at all under a date or an amount."""
    shown = [t for t in samples if t]
    if not shown:
        return False
    shapes = [value_shape(t) for t in shown]
    if kind == "email":
        return "an email address" not in shapes
    if kind == "phone":
        return not any(sum(ch.isdigit() for ch in t) >= 6 for t in shown)
    if key in _NAME_LIKE:
        return any(s in ("an email address", "a phone number") for s in shapes)
    if kind == "int":       # a Quantity of 19.99: the amount's column
        return any(s == "an amount" for s in shapes)
    if kind in ("date", "datetime", "money"):     # a date or an amount has digits
        return not any(ch.isdigit() for t in shown for ch in t)
    return False


def field_kind(f) -> str:
    """The kind `fits` and `plainly_not` judge a schema field by: its schema kind, with
    the phone and email fields (kept as text in some entities) named as such."""
    if f.key in ("email", "customer_email"):
        return "email"
    if f.kind == "phone" or f.key in ("phone", "mobile", "customer_phone"):
        return "phone"
    return f.kind


def _iso_like(text: str) -> bool:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[ T][\d:.]+)?", text):
        return True
    # a date with a time, zone or weekday the reader takes ("2024-03-05T10:00:00Z",
    # "2024/03/05(火)", "2024年3月5日 星期二", "2024-03-05 (GMT+8)"): a year of four digits
    # written with other characters, never a bare number (an id of five digits)
    if not re.search(r"\d{4}", text) or text.isdigit():
        return False
    from ..domain import normalize as nz
    try:
        return nz.parse_date(text) is not None
    except ValueError:
        return False


def _looks_like_name(text: str) -> bool:
    """A person's or a company's name: begins with a letter, at most six words, at most two
    digits ("3M", "7-Eleven"), no @, not a date, amount or phone: "Ann Lee", "Acme Inc",
    "Amy's Bird Sanctuary", "张伟"; not "CARD PAYMENT TO TESCO STORES 2231"."""
    if len(text) > 80 or value_shape(text) is not None or "@" in text:
        return False
    # a Korean or Japanese legal form before the name: "(주)한빛", "㈜대한", "(株)山田"
    text = _LEGAL_FORM_FIRST.sub("", text) or text
    if sum(ch.isdigit() for ch in text) > 2 or len(text.split()) > 6:
        return False
    return bool(_NAME_CHARS.match(text))


def fitting_column(field_kind: str, key: str, columns: list[tuple[str, list[str]]],
                   varied: bool = False) -> str | None:
    """The first of `columns` ((heading, sample values), the free ones in file order)
    whose values fit the field; None when none does. varied: of those, the one with the
    most different values (whom the rows are about varies; a category column,
    "商户消费, 商户消费, 转账", repeats a few words)."""
    fitting = [(heading, samples) for heading, samples in columns if fits(field_kind, key, samples)]
    if not fitting:
        return None
    if varied:
        return max(fitting, key=lambda c: len({s.strip() for s in c[1] if s and s.strip()}))[0]
    return fitting[0][0]
