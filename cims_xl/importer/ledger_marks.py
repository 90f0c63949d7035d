"""Credit and debit marks on amounts, and accounting negatives (issue 14: never silently
wrong).

Accounting and bank exports (Xero, Sage, QuickBooks, bank statements) write the side
of an entry as a mark instead of a sign: ``99.90 CR``, ``120.00 DR``, ``Cr 99.90``, in
Chinese ledgers ``贷 99.90`` / ``借 120.00``; or in a column of its own beside a plain
amount (``Dr/Cr``, ``Debit/Credit``, ``借贷方向``, holding ``CR``/``DR``, ``C``/``D``,
``Credit``/``Debit``, ``贷``/``借``). Such a column is known by its values whatever its
heading (`MarkValues`: "Type", "Sign", DATEV "Soll/Haben" with S/H, French "Sens" with
C/D, Spanish "Debe/Haber", "方向" with 贷方/借方): every non-blank value of the whole
column must be a mark.

What a mark means depends on the ledger it is written from, and the two readings are
opposite:

- a **sales ledger** (the customers' accounts, an invoice list): DR is an invoice, a sale;
  CR a credit note or a payment received, which for an orders import is a refund: a
  negative amount (rejected as a row, or subtracted from the payment it refunds);
- a **bank statement** (the business's account at the bank): CR is money received, DR
  money paid out (negative).

Neither the marks nor their column settle which: a file with both marks, a file with CR
marks only beside plain amounts, and a ``Debit/Credit`` column are written by both kinds
of export. So an import whose amounts carry marks stops before writing, naming the
column, the file's own examples and what each reading makes of them, until
``--ledger sales|bank`` says which (`LedgerUnsettled`). With it, every marked amount is
read as a signed one ("99.90 CR" -> "-99.90" in a sales ledger), and the summary says so.

A sign written the accountant's way needs no ledger: ``(99.90)`` and ``99.90-`` are
negative wherever they are written (money.read_money); the summary says how many were
read so (`negatives_inference`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from decimal import Decimal

from .errors import ImportRefused
from .heading_fold import fold
from .mapping import norm

LEDGERS = ("sales", "bank")
CREDIT, DEBIT = "CR", "DR"
# The direction of the money, written in a column of its own (a WeChat Pay or Alipay bill's
# 收/支, freee's 収支区分, a Korean bank's 구분, a cash book's Type): unlike CR/DR it means
# the same in every ledger, so no --ledger is needed. Money out (支出, 出金, 출금, Expense) is
# read as a negative amount: for orders never a sale (the row is rejected and listed).
MONEY_IN, MONEY_OUT, NO_MONEY = "IN", "OUT", "NEITHER"
DIRECTION_WORDS = {
    **dict.fromkeys(("income", "incoming", "in", "money in", "receipt", "receipts", "received", "deposit",
                     "收入", "收", "入账", "收款", "已收入", "収入", "入金", "입금", "수입", "einnahme", "einnahmen",
                     "eingang", "recette", "recettes", "entrée", "entrada", "entradas", "ingreso", "ingresos",
                     "entrata", "entrate", "inkomsten", "receita", "receitas", "доход", "приход",
                     # Malay/Indonesian, Swedish, Danish/Norwegian, Finnish, Hebrew, Turkish, Polish,
                     # Czech, Vietnamese, Thai, Arabic, Persian; a sale (against a purchase)
                     "masuk", "pemasukan", "pendapatan", "inkomst", "inkomster", "indtægt", "indtægter",
                     "inntekt", "inntekter", "tulo", "tulot", "הכנסה", "הכנסות", "gelir", "przychód",
                     "wpływ", "příjem", "příjmy", "thu", "tiền vào", "รายรับ", "إيراد", "إيرادات", "دخل",
                     "درآمد", "sale", "sales",
                     # money flowing in: Chinese/Japanese 流入, Korean 유입, English, German, French, Spanish
                     "流入", "资金流入", "資金流入", "유입", "inflow", "inflows", "zufluss", "zufluß", "afflux",
                     "flujo entrante", "приток"), MONEY_IN),
    **dict.fromkeys(("expense", "expenses", "expenditure", "outgoing", "out", "money out", "paid out",
                     "withdrawal", "支出", "支", "出账", "已支出", "出金", "출금", "지출", "ausgabe", "ausgaben",
                     "dépense", "dépenses", "sortie", "salida", "salidas", "gasto", "gastos", "uscita", "uscite",
                     "uitgave", "uitgaven", "despesa", "despesas", "расход",
                     "keluar", "pengeluaran", "utgift", "utgifter", "udgift", "udgifter", "meno", "menot",
                     "הוצאה", "הוצאות", "gider", "rozchód", "wydatek", "wydatki", "výdaj", "výdaje", "chi",
                     "tiền ra", "รายจ่าย", "مصروف", "مصروفات", "هزینه", "purchase", "purchases",
                     "流出", "资金流出", "資金流出", "유출", "outflow", "outflows", "abfluss", "abfluß", "sortie de fonds",
                     "flujo saliente", "отток"), MONEY_OUT),
    # neither in nor out (WeChat's transfers between the owner's own accounts): no sale either
    **dict.fromkeys(("不计收支", "不計收支", "/", "neutral"), NO_MONEY),
}
# The direction written as a sign of its own beside an unsigned amount: a cash book's "Flow"
# of + and -, a "Type" of +1 and -1, a Chinese 符号, a German Vorzeichen, arrows ↑ and ↓.
# A lone "-" is as often a placeholder for no value ("Remark: -"), so a column of such
# signs is one of directions only when it writes both a plus and a minus, or when its
# heading speaks of a sign or a direction (`SIGN_HEADING`).
# (Not ▲/△: a Japanese ledger writes a negative amount so, `is_accounting_negative`.)
# Full-width signs (＋, －, ＋１) are folded to these (NFKC, `_cell_word`); "1" beside "-1" is
# a plus as "+1" is (a column of 1 alone says nothing: both signs, or a sign heading, are needed).
SIGN_SYMBOLS = {**dict.fromkeys(("+", "+1", "1", "↑", "⬆", "\u25b2"), MONEY_IN),
                **dict.fromkeys(("-", "\u2212", "\u2013", "-1", "\u22121", "↓", "⬇", "\u25bc"), MONEY_OUT)}
DIRECTION_WORDS.update(SIGN_SYMBOLS)
# ▲ and ▼ are up and down only under a heading naming a trend or a direction (`TREND_HEADING`):
# elsewhere ▲ is a Japanese ledger's minus (`is_accounting_negative`).
HEADED_ONLY = frozenset(("\u25b2", "\u25bc"))
SIGN_HEADING = re.compile(r"(?:^|[^a-z])(?:sign|signs|\+/-|-/\+|flow|direction|in/out|vorzeichen|richtung|signe|"
                          r"sens|signo|sentido|segno|teken|знак|направление)(?:$|[^a-z])|符号|符號|正负|正負|方向|"
                          r"収支|부호|방향", re.IGNORECASE)
TREND_HEADING = re.compile(r"(?:^|[^a-z])(?:sign|flow|direction|in/out|trend|up/down|richtung|tendenz|sens|"
                           r"tendance|sentido|tendencia|direzione|tendenza|направление|тренд)(?:$|[^a-z])|"
                           r"方向|趋势|趨勢|涨跌|漲跌|升降|増減|流向|추세|방향", re.IGNORECASE)


def _cell_word(value: str) -> str:
    """A mark or direction cell as compared with the words above: NFKC-folded (full-width
    ＋/－/１ are + - 1), stripped, without a closing dot, case-folded."""
    return unicodedata.normalize("NFKC", value).strip().rstrip(".").casefold()


def _headed_only_ok(words: set[str], heading: str) -> bool:
    """Whether ▲/▼ among a column's words may be read as directions: only under a heading
    naming a trend or a direction."""
    return not (words & HEADED_ONLY) or TREND_HEADING.search(heading) is not None

# A mark before or after the amount: "99.90 CR", "99.90CR", "USD 5 Cr.", "Cr 99.90",
# "贷 99.90". Not the end or start of a currency code ("100 IDR", "CRC 100"): a mark
# written close to the amount follows a digit, a bracket or a currency sign.
_MARK_AFTER = re.compile(r"^(?:(?P<spaced>.*?\S)\s+|(?P<amount>.*?[\d)$€£¥￥]))(?P<mark>CR|DR|借|贷)\.?\s*$",
                         re.IGNORECASE)
_MARK_BEFORE = re.compile(r"^\s*(?P<mark>CR|DR|借|贷)(?![A-Za-z])\.?\s*(?P<amount>\S.*)$", re.IGNORECASE)
_LAST, _FIRST = frozenset("Rr.借贷"), frozenset("CcDd借贷")      # how a marked amount ends, or starts
_MARK_WORDS = {"cr": CREDIT, "dr": DEBIT, "贷": CREDIT, "借": DEBIT, "c": CREDIT, "d": DEBIT,
               "credit": CREDIT, "debit": DEBIT, "贷方": CREDIT, "借方": DEBIT}
# Columns holding the mark of the row's amount (normalised headers, mapping.norm).
MARK_HEADERS = frozenset(norm(h) for h in (
    "Dr/Cr", "Cr/Dr", "D/C", "C/D", "Debit/Credit", "Credit/Debit", "DrCr", "Debit or Credit", "Credit or Debit",
    "借/贷", "借贷", "借贷方向", "借贷标志"))
# The words a column of marks writes whatever its heading (`MarkValues`: the whole column
# must be such words): English, German DATEV (Soll = debit, Haben = credit), French (Sens:
# Débit/Crédit), Spanish (Debe = debit, Haber = credit), Italian (Dare/Avere), Portuguese,
# Dutch (Debet), Chinese and Japanese (借方/貸方). Single letters are `_LETTER_PAIRS`.
_COLUMN_WORDS = {**{k: v for k, v in _MARK_WORDS.items() if len(k) > 1 or not k.isascii()},
                 "soll": DEBIT, "haben": CREDIT, "débit": DEBIT, "crédit": CREDIT, "debe": DEBIT,
                 "haber": CREDIT, "dare": DEBIT, "avere": CREDIT, "débito": DEBIT, "crédito": CREDIT,
                 "debito": DEBIT, "credito": CREDIT, "debet": DEBIT, "貸": CREDIT, "貸方": CREDIT,
                 "借方": DEBIT}
# A column of single letters is one of marks only when all its letters are of one pair:
# C/D (credit/debit, crédit/débit) or S/H (Soll/Haben). With only one letter of the pair
# the heading must speak of marks (`_MARK_HEADING_WORDS`), "C" alone being a class as often.
_LETTER_PAIRS = ({"c": CREDIT, "d": DEBIT}, {"s": DEBIT, "h": CREDIT})
_MARK_HEADING_WORDS = frozenset(("credit", "debit", "crédit", "débit", "soll", "haben", "sens", "debe", "haber",
                                  "dare", "avere", "debet", "dr", "cr", "drcr", "crdr", "dc", "cd", "d", "c", "s",
                                  "h", "sh", "hs", "sign", "indicator", "flag"))
_MARK_HEADING_CHARS = frozenset("借贷貸")
_WORD = re.compile(r"[^\W\d_]+")
# "(99.90)", "-(99.90)" excepted; "99.90-" but not the no-cents dash of "12,-" (money.dash_cents)
_PARENS = re.compile(r"^\s*\(\s*[^()]*\d[^()]*\)\s*$")
_TRAILING_MINUS = re.compile(r"\d\s*[-\u2212]\s*$")


def split_mark(value: object) -> tuple[str, str] | None:
    """(the amount as written without its mark, "CR" or "DR") for a cell that writes a
    credit or debit mark ("99.90 CR" -> ("99.90", "CR"), "Dr 120" -> ("120", "DR"),
    "贷 99.90" -> ("99.90", "CR")); None for any other value. An amount that also has a
    sign ("-99.90 CR") keeps it: `signed` then leaves the cell as it is, for the field
    to refuse."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    # most cells end in a digit and start with one or a sign: no regex for them
    if not text or (text[-1] not in _LAST and text[0] not in _FIRST) or not any(ch.isdigit() for ch in text):
        return None
    match = _MARK_AFTER.match(value) or _MARK_BEFORE.match(value)
    if match is None:
        return None
    amount = (match.groupdict().get("spaced") or match.group("amount")).strip()
    if not any(ch.isdigit() for ch in amount):
        return None
    return amount, _MARK_WORDS[match.group("mark").casefold()]


# A rupee sign or code in the cell: beside it "Cr" is India's crore (10⁷: "₹ 1.5 Cr"), unless
# the file writes Dr too or --ledger says it is a ledger (`rupee_crore`).
_RUPEE = re.compile(r"₹|\bINR\b|\bRs\b\.?", re.IGNORECASE)
_CRORE = Decimal("1e7")


def rupee_crore(value: object) -> str | None:
    """"₹ 15000000" for "₹ 1.5 Cr" (a rupee amount with Cr: India's crore), else None."""
    found = split_mark(value)
    if found is None or found[1] != CREDIT or not _RUPEE.search(found[0]):
        return None
    number = _RUPEE.sub("", found[0]).strip().replace(",", "")
    try:
        amount = Decimal(number)
    except ArithmeticError:
        return None
    if not amount.is_finite() or amount < 0:
        return None
    sign = _RUPEE.search(found[0]).group(0)
    return f"{sign} {format((amount * _CRORE).normalize(), 'f')}"


def _sign_number(value: object) -> str | None:
    """"+1" / "-1" for a workbook's number cell 1 or -1 (a sign column's), else None."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value in (1, -1):
        return "+1" if value > 0 else "-1"
    return None


def column_mark(value: object) -> str | None:
    """"CR" or "DR" for a cell of a mark column ("Cr", "C", "Credit", "贷", "Haben", "Debe",
    "H"), a direction for one of a direction column ("Income", "支出", "+", "-1", "↓"),
    else None."""
    if not isinstance(value, str):
        sign = _sign_number(value)
        return SIGN_SYMBOLS[sign] if sign else None
    word = _cell_word(value)
    return (_MARK_WORDS.get(word) or _COLUMN_WORDS.get(word) or _LETTER_PAIRS[1].get(word)
            or DIRECTION_WORDS.get(word))


def is_direction(mark: str | None) -> bool:
    """Whether a row's mark is a direction of money (in, out, neither), whose meaning needs
    no ledger."""
    return mark in (MONEY_IN, MONEY_OUT, NO_MONEY)


def reading(amount: str, mark: str, ledger: str) -> str:
    """The signed text of `amount` (as written, without a mark) marked `mark` in `ledger`:
    a credit in a sales ledger and a debit in a bank statement are negative. An amount
    already signed is returned with its mark, unread (both a sign and a mark: the field
    refuses it as not an amount)."""
    if amount[:1] in "+-(\u2212" or amount[-1:] in "-)\u2212":
        return f"{amount} {mark}"
    if mark == NO_MONEY:
        return f"{amount} (neither income nor expense)"      # no amount: the row is refused
    if is_direction(mark):
        return f"-{amount}" if mark == MONEY_OUT else amount
    negative = (mark == CREDIT) == (ledger == "sales")
    return f"-{amount}" if negative else amount


def is_accounting_negative(value: object) -> bool:
    """Whether a cell writes a negative amount the accountant's way: "(99.90)", "99.90-",
    the Japanese "△1,200" / "▲1,200"."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(text) and ((text[0] == "(" and _PARENS.match(text) is not None)
                           or (text[0] in "\u25b3\u25b2" and any(ch.isdigit() for ch in text))
                           or (text[-1] in "-\u2212" and _TRAILING_MINUS.search(text) is not None))


def mark_column(headers: list[str], columns: list[int], unmapped: set[int]) -> int | None:
    """The file column (of `columns`, by table position) that holds the amounts' marks: an
    unmapped column headed "Dr/Cr", "Debit/Credit", "借贷方向" (MARK_HEADERS), else None."""
    return next((columns[j] for j, h in enumerate(headers) if norm(h) in MARK_HEADERS and columns[j] in unmapped),
                None)


class MarkValues:
    """Which column holds the amounts' credit/debit marks by its VALUES, whatever its
    heading ("Type", "Sign", "Soll/Haben", "Sens", "Debe/Haber", "Entry Type"…): a column
    every non-blank cell of which, over the whole file, is a mark word (`_COLUMN_WORDS`:
    CR/DR, Cr./Dr., Credit/Debit, Soll/Haben, Debe/Haber, 借/贷, 借方/貸方…) or a letter of one
    pair (C/D, S/H; one letter alone only under a heading speaking of marks). `candidates`:
    file column -> its header (the columns mapped to no field). `add(values)` per data row;
    `column()` once all are seen: the first such column by file position, or None."""

    def __init__(self, candidates: dict[int, str]):
        self.candidates = dict(candidates)
        self.words: dict[int, set[str]] = {c: set() for c in candidates}

    @property
    def open(self) -> bool:
        """Whether a column can still turn out to be one of marks."""
        return bool(self.candidates)

    def add(self, values: list) -> None:
        n = len(values)
        for c in list(self.candidates):
            v = values[c] if c < n else None
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            word = _cell_word(v) if isinstance(v, str) else _sign_number(v)
            if word is None or not (word in _COLUMN_WORDS or word in DIRECTION_WORDS
                                    or any(word in pair for pair in _LETTER_PAIRS)):
                del self.candidates[c]
                continue
            self.words[c].add(word)

    def says_something(self, c: int) -> bool:
        """Whether the words column `c` wrote so far may make it one of marks or
        directions: not a column of dashes alone ("-" for no value) under a heading that
        speaks of no sign (`column` would not take it on these rows)."""
        words = self.words[c]
        if not _headed_only_ok(words, str(self.candidates[c])):
            return False
        return bool(words) and not (
            words <= SIGN_SYMBOLS.keys() | {"/"} and len({SIGN_SYMBOLS.get(w) for w in words} - {None}) < 2
            and not SIGN_HEADING.search(str(self.candidates[c])))

    def column(self) -> int | None:
        for c in sorted(self.candidates):
            words = self.words[c]
            if not words:
                continue
            if any(DIRECTION_WORDS.get(w) in (MONEY_IN, MONEY_OUT) for w in words):
                if not _headed_only_ok(words, str(self.candidates[c])):
                    continue            # ▲/▼ under a heading naming no trend: not said to be directions
                if not all(w in DIRECTION_WORDS for w in words):
                    continue            # directions beside CR/DR: not one meaning
                if words <= SIGN_SYMBOLS.keys() | {"/"} and not (
                        {SIGN_SYMBOLS.get(w) for w in words} >= {MONEY_IN, MONEY_OUT}
                        or SIGN_HEADING.search(str(self.candidates[c]))):
                    continue            # dashes alone ("-" for no value): no direction said
                return c                # money in and out: a direction column
            if words <= DIRECTION_WORDS.keys():
                continue                # only "/" or 不计收支: says nothing
            letters = {w for w in words if w not in _COLUMN_WORDS}
            if not letters:
                return c
            if letters != words or not any(letters <= pair.keys() for pair in _LETTER_PAIRS):
                continue                    # letters of two pairs, or letters beside words: not marks
            pair = next(p for p in _LETTER_PAIRS if letters <= p.keys())
            heading = fold(self.candidates[c])
            if (letters == pair.keys() or any(w in _MARK_HEADING_WORDS for w in _WORD.findall(heading))
                    or any(ch in _MARK_HEADING_CHARS for ch in heading)):
                return c
        return None


def signed(values: list, columns: dict[int, str], ledger: str | None, marks_at: int | None = None,
           amount_cols: frozenset[int] = frozenset()) -> list:
    """`values` (a file row) with the marked amounts in `columns` (file column -> header)
    read as signed in `ledger` ("99.90 CR" -> "-99.90" in a sales ledger); an amount of
    `amount_cols` takes the mark of the row's `marks_at` column when it writes none. The
    row as it is without a ledger."""
    n = len(values)
    row_mark = column_mark(values[marks_at]) if marks_at is not None and marks_at < n else None
    if ledger is None:
        # "₹ 1.5 Cr" with no --ledger: India's crore (a file writing Dr too stopped, LedgerMarks)
        copied = False
        for c in columns:
            v = values[c] if c < n else None
            if isinstance(v, str) and (crore := rupee_crore(v)) is not None:
                if not copied:
                    values, copied = list(values), True
                values[c] = crore
        if not is_direction(row_mark):
            return values
        ledger = "sales"            # unused for a direction, which means the same in every ledger
    out = values
    for c in columns:
        v = values[c] if c < n else None
        if _is_number(v) and row_mark is not None and c in amount_cols:
            # a workbook's number cell beside its mark: the number keeps its type
            if out is values:
                out = list(values)
            out[c] = (reading(str(v), row_mark, ledger) if row_mark == NO_MONEY
                      else -v if reading("1", row_mark, ledger).startswith("-") else v)
            continue
        if not isinstance(v, str) or not v:
            continue
        found = split_mark(v) if not is_direction(row_mark) else None
        if found is None and row_mark is not None and c in amount_cols and any(ch.isdigit() for ch in v):
            found = (v.strip(), row_mark)
        if found is None:
            continue
        if out is values:
            out = list(values)
        out[c] = reading(found[0], found[1], ledger)
    return out


class LedgerUnsettled(ImportRefused):
    """Amounts written with credit/debit marks and no --ledger to say what they mean."""


class LedgerMarks:
    """The scan's side: which money columns write marks, and how many of their cells are
    accounting negatives. `add(values)` per data row (the row as read, before `signed`);
    `decide()` once all are seen."""

    def __init__(self, columns: dict[int, str], ledger: str | None, marks_at: int | None = None,
                 marks_header: str | None = None, amount_cols: frozenset[int] = frozenset()):
        self.columns = columns                    # file column -> its header
        self.ledger = ledger
        self.marks_at, self.marks_header, self.amount_cols = marks_at, marks_header, amount_cols
        self.by_values = False                    # the marks' column known by its values (MarkValues)
        self.counts: dict[int, Counter] = {c: Counter() for c in columns}
        self.examples: dict[int, dict[str, str]] = {c: {} for c in columns}
        self.negatives: Counter = Counter()
        self.negative_examples: dict[int, list[str]] = {}
        self.crores: Counter = Counter()          # "₹ 1.5 Cr": India's crore unless Dr is written too
        self.crore_examples: dict[int, str] = {}

    def add(self, values: list) -> None:
        n = len(values)
        row_mark = column_mark(values[self.marks_at]) if self.marks_at is not None and self.marks_at < n else None
        for c in self.columns:
            v = values[c] if c < n else None
            if _is_number(v) and row_mark is not None and c in self.amount_cols:
                v = str(v)                  # a workbook's number cell: marked by its row as a text one
            if not isinstance(v, str) or not v:
                continue
            found = split_mark(v)
            if found is None and row_mark is not None and c in self.amount_cols and any(ch.isdigit() for ch in v):
                found = (v.strip(), row_mark)
                said = values[self.marks_at]
                said = said.strip() if isinstance(said, str) else _sign_number(said) or str(said)
                v = f"{v.strip()} ({self.marks_header}: {said})"
            if found is not None and rupee_crore(v) is not None:
                self.crores[c] += 1
                self.crore_examples.setdefault(c, v.strip())
                continue
            if found is not None:
                self.counts[c][found[1]] += 1
                self.examples[c].setdefault(found[1], v.strip())
            elif is_accounting_negative(v):
                self.negatives[c] += 1
                shown = self.negative_examples.setdefault(c, [])
                if len(shown) < 3:
                    shown.append(v.strip())

    def decide(self, kind: str) -> list[dict]:
        """The summary's lines on marks and accounting negatives; LedgerUnsettled when
        marks were seen and no ledger was given (for orders, `kind` "order", the message
        says what a negative amount does)."""
        lines = []
        for c in self.columns:
            directions = {m: n for m, n in self.counts[c].items() if is_direction(m)}
            if not directions:
                continue
            for m in directions:
                del self.counts[c][m]
            shown = ", ".join(f"'{e}'" for m, e in self.examples[c].items() if is_direction(m))
            out = directions.get(MONEY_OUT, 0) + directions.get(NO_MONEY, 0)
            lines.append({"what": f"money in and out in '{self.marks_header}'",
                          "decided": f"{directions.get(MONEY_IN, 0)} row(s) of money received read as positive "
                                     f"amounts; {out} row(s) of money paid out (or neither) read as negative"
                                     + (": not a sale, each such row is rejected and listed (never an order, "
                                        "its payee no customer)" if kind == "order" else ""),
                          "evidence": f"the column '{self.marks_header}' says the direction of each amount of "
                                      f"'{self.columns[c]}', such as {shown}"})
        for c, count in self.crores.items():
            if self.counts[c].get(DEBIT) or self.ledger is not None:
                # Dr written too, or --ledger says a ledger: "Cr" beside ₹ is a credit mark
                self.counts[c][CREDIT] += count
                self.examples[c].setdefault(CREDIT, self.crore_examples[c])
                continue
            lines.append({"what": f"crore in '{self.columns[c]}'",
                          "decided": f"{count} amount(s) written with a rupee sign and 'Cr' read as crore "
                                     "(× 10,000,000); give --ledger if 'Cr' marks a credit",
                          "evidence": f"such as '{self.crore_examples[c]}', a rupee amount, and no 'Dr' anywhere "
                                      "in the column"})
        marked = [c for c in self.columns if self.counts[c]]
        if marked and self.ledger is None:
            raise LedgerUnsettled(self._question(marked, kind))
        for c in marked:
            said = ", ".join(f"{n} {m}" for m, n in sorted(self.counts[c].items()))
            shown = ", ".join(f"'{e}'" for e in self.examples[c].values())
            how = ("sales ledger (--ledger sales): CR is a credit note or payment, read as a negative amount"
                   + (" (a refund: not stored as a sale)" if kind == "order" else "") + "; DR is read as positive"
                   if self.ledger == "sales" else
                   "bank statement (--ledger bank): CR is money received, read as positive; DR is money paid out, "
                   "read as a negative amount" + (" (not stored as a sale)" if kind == "order" else ""))
            where = f", the mark in '{self.marks_header}'" if self.marks_at is not None and c in self.amount_cols else ""
            lines.append({"what": f"credit and debit marks in '{self.columns[c]}'", "decided": how,
                          "evidence": f"{said} value(s){where}, such as {shown}"})
        for c, count in self.negatives.items():
            shown = ", ".join(f"'{e}'" for e in self.negative_examples[c])
            lines.append({"what": f"negative amounts in '{self.columns[c]}'",
                          "decided": f"{count} value(s) written in brackets or with a minus after the number read "
                                     "as negative" + ("; an order is never negative: such a row is rejected as a "
                                                      "credit, refund or payment line, or subtracted from the "
                                                      "payment it refunds" if kind == "order" else ""),
                          "evidence": f"such as {shown} (the accountant's way of writing a negative amount)"})
        return lines

    def _question(self, marked: list[int], kind: str) -> str:
        parts, sales, bank = [], [], []
        for c in marked:
            said = " and ".join(f"{n} {m}" for m, n in sorted(self.counts[c].items()))
            shown = ", ".join(f"'{e}'" for e in self.examples[c].values())
            where = (f" (the mark in column '{self.marks_header}')"
                     if self.marks_at is not None and c in self.amount_cols else "")
            parts.append(f"column '{self.columns[c]}' writes credit and debit marks{where}: {said}, e.g. {shown}")
            for mark, example in self.examples[c].items():
                amount = split_mark(example)
                number = amount[0] if amount else example.split(" (")[0]
                sales.append(f"'{example}' is {_shown(reading(number, mark, 'sales'))}")
                bank.append(f"'{example}' is {_shown(reading(number, mark, 'bank'))}")
        not_sale = (" An order is never negative: a row read as negative is rejected as a credit, refund or "
                    "payment line, or subtracted from the payment it refunds in the file." if kind == "order" else "")
        return ("; ".join(parts) + ". What CR and DR mean depends on the ledger the file comes from, and the file "
                "does not say which: in a sales ledger (invoices and credit notes, as Xero, Sage and QuickBooks "
                "export them) CR is a credit note or payment, in a bank statement CR is money received. Nothing "
                "was imported. Say which with --ledger sales (" + "; ".join(sales) + ") or --ledger bank ("
                + "; ".join(bank) + "), or write the amounts with a minus sign instead of the marks (-99.90)."
                + not_sale + (f" If '{self.marks_header}' does not say the side of the amount, leave it out "
                              f"with --map '{self.marks_header}=-'." if self.by_values else ""))


def _is_number(value: object) -> bool:
    """Whether a cell is a workbook's number (int, float, Decimal; not a bool)."""
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _shown(text: str) -> str:
    return text if text.startswith("-") else f"+{text}"
