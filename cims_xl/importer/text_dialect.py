"""How a text table was written, beyond its encoding and delimiter: decided on the
evidence of the file's first megabyte (the whole of most files) and said in the summary.

- Database NULLs: MySQL (its "into outfile" export, mysqldump --tab) and PostgreSQL (COPY)
  write NULL as a cell holding only \\N. It is an empty cell, never the text "\\N".
- Backslash escapes: the same programs write a quote inside a quoted value as \\" (and a
  backslash as \\\\) instead of doubling it, a line break as \\n, a tab as \\t, \\r and \\0. A file that doubles a quote anywhere is read the
  standard way, where a backslash is text.
- Excel's text wrapper: Taobao, JD, Alipay and many ERP exports write ="00124" so Excel keeps
  the leading zeros. Exactly =" text " with no other quote inside is the text; so is a
  formula that only joins string literals (="0"&"10010", ="0" & "10010",
  =CONCATENATE("0","10010"): Excel shows 010010), evaluated as Excel does (`joined_literals`).
  Number literals join as Excel's General format shows them (=0&"5" is 05). Anything else
  that starts with = (a cell reference, any other function, a DDE link: `is_formula`) is a
  formula whose value the file does not hold: the planner keeps it in Notes with a warning
  (plan.Options.cell_formulas). A join showing text that starts with = is that text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TEXT_GUARD = re.compile(r'="([^"]*)"')
_CELL_END = r'(?=[,;\t|]|\r?$)'
_CELL_START = r'(?:^|(?<=[,;\t|]))'
# A wrapper as a whole cell, unquoted (="00124") or quoted by the CSV writer ("=""120.50""").
_GUARD_IN_TEXT = re.compile(_CELL_START + r'(?:="[^"\r\n]*"|"=""[^"\r\n]*""")' + _CELL_END, re.M)
# A formula as a whole cell, unquoted (="0"&"10010") or quoted by the CSV writer
# ("=CONCATENATE(""0"",""10010"")"): joined_literals decides whether it only joins literals.
_FORMULA_IN_TEXT = re.compile(_CELL_START + r'(?:"=(?:[^"\r\n]|"")*"|=[^,;\t|\r\n]*)' + _CELL_END, re.M)
# \" inside a value (not \"" closing it, which is counted the same way)
_ESCAPED_QUOTE = re.compile(r'[^\\]\\"')


def unwrap_text_guard(value: str) -> str:
    """The text inside Excel's ="..." text wrapper, or the text a formula joining string
    literals shows (="0"&"10010" is 010010); any other value as it is. Text that would
    itself start a formula (="="&"cmd|calc" shows =cmd|calc) keeps an apostrophe before
    it, the spreadsheet's "this is text" mark the planner takes off (plan.RowPreparer):
    it is stored as the text it is, never read as a formula still to compute."""
    if value[:2] == '="' and (m := _TEXT_GUARD.fullmatch(value)):
        return _as_text(m.group(1))
    if value[:1] == "=" and (joined := joined_literals(value)) is not None:
        return _as_text(joined)
    return value


def _as_text(text: str) -> str:
    return "'" + text if text[:1] == "=" else text


# What follows the = of a cell that is a formula Excel would compute (ECMA-376 Part 1,
# 18.17.2): a function call (SUM(, CONCATENATE(), a cell or sheet reference (A2, $B$3,
# Sheet1!A1), a DDE link (cmd|' /C calc'!A0), a number, a string literal, a sign or a
# bracket. Text such as "=== Notes ===" or "=)" is not one.
_FORMULA_START = re.compile(r"""=\s*(?:[-+(\d."]|\$?[A-Za-z]{1,3}\$?\d|[A-Za-z_][\w.]*\s*\(|[A-Za-z_][\w.]*!|'[^']*'!|\w+\|)""")


def is_formula(value: object) -> bool:
    """Whether a text cell (of a CSV or text file, where Excel computes a cell starting
    with =) is a formula: what the file holds is not the value Excel shows."""
    return isinstance(value, str) and value[:1] == "=" and _FORMULA_START.match(value) is not None


# A string literal in a formula ("0", with "" a quote inside it; ECMA-376 Part 1, 18.17.2:
# formula syntax), a number literal (0, 1.50, 2E3: joined as Excel shows it, 0 and 1.5
# and 2000), and CONCATENATE( ... ) of literals, case as Excel accepts it.
_LITERAL = re.compile(r'\s*(?:"((?:[^"]|"")*)"|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))\s*')


def _literal_text(m: re.Match) -> str | None:
    """The text a literal shows when joined: a string as it is, a number as Excel's
    General format writes it (up to 15 significant digits; None beyond them)."""
    if m.group(1) is not None:
        return m.group(1).replace('""', '"')
    from decimal import Decimal, InvalidOperation
    try:
        number = Decimal(m.group(2))
    except InvalidOperation:
        return None
    if number.is_zero():
        return "0"
    if len(number.normalize().as_tuple().digits) > 15 or abs(number.adjusted()) > 15:
        return None
    return format(number.normalize(), "f")
_CONCATENATE = re.compile(r"\s*CONCATENATE\s*\(", re.IGNORECASE)


def joined_literals(value: str) -> str | None:
    """The text Excel shows for a formula that only joins string literals with & or
    CONCATENATE (="0"&"10010", ="0" & "10010", =CONCATENATE("0","10010"),
    =CONCATENATE("00";"1")&"23"; numbers too: =0&"5" shows 05), at least two of them
    (or one string literal holding a quote, ="a""b"); None for anything else (a cell
    reference, a number, any other function)."""
    if not isinstance(value, str) or value[:1] != "=" or len(value) > 1000:
        return None
    text, at, parts = value, 1, []
    while True:
        m = _LITERAL.match(text, at)
        if m is not None:
            if (part := _literal_text(m)) is None:
                return None
            parts.append(part)
            at = m.end()
        elif (c := _CONCATENATE.match(text, at)) is not None:
            at = c.end()
            while True:
                m = _LITERAL.match(text, at)
                if m is None or (part := _literal_text(m)) is None:
                    return None
                parts.append(part)
                at = m.end()
                if text[at:at + 1] in (",", ";"):
                    at += 1
                    continue
                if text[at:at + 1] == ")":
                    at += 1
                    break
                return None
            at += len(text[at:]) - len(text[at:].lstrip())
        else:
            return None
        if at == len(text):
            if len(parts) > 1 or (value.count('"') > 2 and _LITERAL.fullmatch(value, 1)):
                return "".join(parts)             # ="a""b" alone: a"b, a literal with a quote
            return None
        if text[at] != "&":
            return None
        at += 1


# MySQL's escapes of characters a line cannot hold as they are ('select … into outfile',
# mysqldump --tab, LOAD DATA): \n a line break, \t a tab, \r a carriage return, \0 a NUL
# byte (dropped), \Z Ctrl-Z (dropped). Taken out before the CSV reader (which would make
# "\n" an "n") as private-use stand-ins, put back after it (`unescape`).
_MYSQL_ESCAPE = re.compile(r"\\(.)", re.S)
_STAND_IN = {"n": "\ue000", "t": "\ue001", "r": "\ue002", "0": "\ue003", "Z": "\ue003"}
_PUT_BACK = str.maketrans({"\ue000": "\n", "\ue001": "\t", "\ue002": "\r", "\ue003": None})


def hide_escapes(line: str) -> str:
    r"""`line` of a backslash-escaped file with \n, \t, \r, \0, \Z as stand-ins (\\ and \"
    are left for the CSV reader)."""
    if "\\" not in line:
        return line
    return _MYSQL_ESCAPE.sub(lambda m: _STAND_IN.get(m.group(1), m.group(0)), line)


def unescape(value: str) -> str:
    """A cell read from `hide_escapes` lines with its escapes as the characters they are."""
    return value.translate(_PUT_BACK) if any("\ue000" <= ch <= "\ue003" for ch in value) else value


def null_cell_pattern(delimiter: str) -> re.Pattern:
    """A cell holding only \\N on a line: replaced by its leading delimiter (group 1)."""
    d = re.escape(delimiter)
    return re.compile(rf'(^|{d})\\N(?={d}|\r?\n|$)')


def _doubled_quotes(text: str, delimiter: str) -> int:
    """Quotes doubled inside a value (""), not an empty quoted cell ("" alone)."""
    d = re.escape(delimiter)
    count = 0
    for m in re.finditer(r'""', text):
        i, j = m.start(), m.end()
        before = text[i - 1] if i else "\n"
        after = text[j] if j < len(text) else "\n"
        if before == "\\":
            continue
        if before in (delimiter, "\n", "\r") and after in (delimiter, "\n", "\r"):
            continue                      # ,"", an empty quoted cell
        count += 1
    return count


@dataclass
class TextDialect:
    backslash: bool = False        # \" inside quoted values, \\ a backslash
    nulls: bool = False            # \N is an empty cell
    guards: bool = False           # ="..." cells are read as their text
    rules: list[dict] = field(default_factory=list)   # for the summary: what, decided, evidence


def text_dialect(text: str, delimiter: str) -> TextDialect:
    """The rules `text` (a text table's first megabyte, delimited by `delimiter`) was written by."""
    found = TextDialect()
    nulls = len(null_cell_pattern(delimiter).findall(text))
    escaped = len(_ESCAPED_QUOTE.findall(text))
    doubled = _doubled_quotes(text, delimiter)
    if nulls:
        found.nulls = True
        found.rules.append({"what": "database NULLs", "decided": "\\N read as an empty cell",
                            "evidence": f"{nulls} cell(s) holding only \\N, how MySQL ('select … into outfile') "
                                        "and PostgreSQL (COPY) write NULL"})
    if (escaped or nulls) and not doubled:
        found.backslash = True
        found.rules.append({"what": "quote escapes",
                            "decided": 'backslash escapes: \\" is a quote inside a value, \\\\ a backslash, \\n a line '
                                       'break, \\t a tab (a space in a name), \\r a return, \\0 nothing',
                            "evidence": (f'{escaped} \\" inside values' if escaped else "database NULLs (\\N)")
                                        + ' and no doubled quotes ("") anywhere in the file'})
    guards = len(_GUARD_IN_TEXT.findall(text))
    joins = [j for m in _FORMULA_IN_TEXT.finditer(text) if (j := _joined_cell(m.group(0))) is not None]
    if guards or joins:
        found.guards = True
        example = "".join(f"; ={w} is {j}" for w, j in joins[:2])
        found.rules.append({"what": "Excel text wrappers", "decided": '="…" read as the text inside it '
                            '(="00124" is 00124)' + (', and formulas joining string literals as the text Excel '
                                                     f'shows ({len(joins)} cell(s){example})' if joins else ""),
                            "evidence": f'{guards + len(joins)} cell(s) written ="…"'
                                        + (" or joining string literals with & or CONCATENATE" if joins else "")
                                        + ", the wrapper exports put around ids, codes and amounts so Excel keeps "
                                          "their leading zeros; a formula with a cell reference or any other "
                                          "function is not a value: kept in Notes with a warning"})
    return found


def _joined_cell(raw: str) -> tuple[str, str] | None:
    """(the formula as written, the text it shows) for a cell of raw CSV text that only
    joins string literals, else None (a plain ="…" wrapper is counted apart)."""
    cell = raw[1:-1].replace('""', '"') if raw.startswith('"') else raw
    if _TEXT_GUARD.fullmatch(cell):
        return None
    joined = joined_literals(cell)
    return (cell[1:], joined) if joined is not None else None
