"""Rows of a CRM/ERP import template under the header, which are not records.

Import templates (Salesforce Data Import Wizard, HubSpot, Zoho, 金蝶/用友/纷享销客, kintone…)
put one or more rows between the header and the data that describe the columns:

- a required/optional row: `必填, 选填, 选填`, `(required), (optional)`,
  `Pflichtfeld, optional`, `obligatoire, facultatif`, `必須, 任意`;
- a data-type row: `Text, Phone, Email, Date`, `文本, 数字, 日期`, `Text(50), Number(10,2)`;
- a description row: `Customer's full name, Mobile number with country code, …`: prose
  in every cell, and under a phone or email column words where a phone or an address
  would be (no '@', no digits);
- an example row: a plausible record marked as an example in a cell (`示例：王小明`,
  `Example: Ann Lee`, `例:`, `e.g.`). An address at example.com alone does not make a
  row an example (test and sample data use it for real rows).

Only the rows right under the header are looked at, as long as each one is such a row;
each is decided on the WHOLE row (every filled cell is such a word), so a record whose
City happens to be "Text" is kept. The rows found are skipped, counted and named in
the summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LOOKED_AT = 5          # rows under the header looked at, while each is a template row

_STRIP = " \t\r\n()[]（）【】<>《》*＊:：-–—_'\"“”"

REQUIRED_WORDS = frozenset("""
required optional mandatory compulsory req opt yes-required not-required required-field optional-field
must mandatory-field
必填 选填 非必填 可选 必选 必需 必须 选择填写 必填项 选填项 可选项 非必须 必填字段 选填字段 可不填 不必填
必填 選填 非必填 可選 必須 任意 必須項目 任意項目 필수 선택 필수항목 선택항목
pflichtfeld pflicht pflichtangabe optional freiwillig erforderlich
obligatoire facultatif facultative requis optionnel optionnelle
obligatorio obligatoria opcional requerido requerida
obbligatorio obbligatoria facoltativo facoltativa
verplicht optioneel obrigatório obrigatoria obrigatorio opcional
""".split())

_TYPE_BASE = frozenset("""
text string varchar char nvarchar number numeric integer int decimal float double currency money
date datetime time timestamp boolean bool phone email e-mail url picklist checkbox lookup id
percent percentage textarea long-text
文本 数字 数值 日期 时间 日期时间 字符串 字符 整数 小数 货币 金额 布尔 电话 手机 邮箱 下拉 单选 多选 文字
文本型 数值型 日期型 字符型 整数型 数字型
文字列 数値 日付 時刻 日時 日付時刻 テキスト 数字 真偽値 텍스트 숫자 날짜 시간 문자
texte nombre date numéro zahl datum zeit texto número fecha hora testo numero data
""".split())

_TYPE = re.compile(r"^(?P<w>[^\d(（]+?)\s*(?:[(（]\s*\d+(?:\s*[,，]\s*\d+)?\s*[)）])?$")

_MARK_WORDS = (r"示例|样例|範例|范例|例如|例|例子|举例|記入例|入力例|예시|예|eg|example|sample|beispiel|exemple|"
               r"ejemplo|esempio|voorbeeld")
# "示例：王小明", "Example: Ann Lee", "(样例) 李雷", "e.g. Jane Doe"; not "Sample Industries"
_EXAMPLE_MARK = re.compile(
    rf"^\s*(?:[(（\[【]\s*(?:{_MARK_WORDS})\s*[)）\]】]|(?:{_MARK_WORDS})\s*[:：\-–—]|e\.g\.|"
    r"(?:示例|样例|範例|范例|例如|举例|記入例|入力例|예시))", re.IGNORECASE)
_DIGITS = re.compile(r"\d{5,}")
# words a column's description uses where its phone or email would be
_DESCRIBING = re.compile(
    r"\b(?:phone|mobile|number|no|email|e-mail|mail|address|format|enter|fill|digits?|code|contact|"
    r"telefon|nummer|adresse|numéro|téléphone|courriel|teléfono|número|correo|dirección)\b|"
    r"电话|手机|号码|邮箱|邮件|地址|格式|填写|请|電話|番号|メール|アドレス|形式|입력|번호|전화|메일|주소",
    re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


_WHY = {"required/optional": "every filled cell says whether its column is required",
        "data types": "every filled cell names its column's data type",
        "descriptions": "every filled cell is prose describing its column, words where a phone or email would be",
        "an example": "a cell marks the row as an example"}


@dataclass
class TemplateRows:
    rows: dict[int, str] = field(default_factory=dict)     # row number -> what it is
    shown: dict[int, str] = field(default_factory=dict)    # row number -> its first cells

    def inferences(self) -> list[dict]:
        if not self.rows:
            return []
        kinds: dict[str, list[int]] = {}
        for n, what in self.rows.items():
            kinds.setdefault(what, []).append(n)
        return [{"what": "import template rows",
                 "decided": f"{len(self.rows)} row(s) under the header skipped: not data ("
                            + "; ".join(f"row(s) {', '.join(map(str, ns))}: {what}" for what, ns in kinds.items())
                            + ")",
                 "evidence": "; ".join(f"row {n}: {self.shown[n]} ({_WHY[self.rows[n]]})" for n in list(self.rows)[:4])
                             + "; right under the header, as an import template has them"}]


def _norm(v) -> str:
    return str(v).strip().strip(_STRIP).strip().casefold()


def _filled(values: list, columns: list[int]) -> list[tuple[int, str]]:
    out = []
    for c in columns:
        if c < len(values) and values[c] is not None and str(values[c]).strip() != "":
            out.append((c, str(values[c]).strip()))
    return out


def _is_required(text: str) -> bool:
    n = _norm(text).replace(" ", "-")
    return n in REQUIRED_WORDS or n.replace("-", "") in REQUIRED_WORDS


def _is_type(text: str) -> bool:
    m = _TYPE.match(str(text).strip().strip(" *＊:：").casefold())
    return bool(m) and m.group("w").strip().replace(" ", "-") in _TYPE_BASE


def _is_prose(text: str) -> bool:
    if _CJK.search(text):
        return len(_CJK.findall(text)) >= 4
    return len(_WORD.findall(text)) >= 2


def classify(values: list, columns: list[int], headers: list[str], targets: dict[int, str | None]) -> str | None:
    """What template row `values` is ("required/optional", "data types", "descriptions",
    "an example"), or None for a row that is not one (a record)."""
    cells = _filled(values, columns)
    if len(cells) < 2 and not (len(cells) == 1 and len(columns) == 1):
        return None
    texts = [t for _, t in cells]
    header_of = dict(zip(columns, headers))
    if all(isinstance(values[c], str) for c, _ in cells):
        if all(_is_required(t) for t in texts):
            return "required/optional"
        # a row that repeats the header is another matter (shape.StackedTables)
        if all(_is_type(t) for t in texts) and any(_norm(t) != _norm(header_of.get(c, "")) for c, t in cells):
            return "data types"
    if any(_EXAMPLE_MARK.match(t) for t in texts):
        return "an example"
    typed = [c for c, _ in cells if targets.get(c) and ("phone" in targets[c] or "mobile" in targets[c]
                                                         or "email" in targets[c])]
    if (typed and all(isinstance(values[c], str) and _is_prose(t) for c, t in cells)
            and all(_DESCRIBING.search(dict(cells)[c]) for c in typed)
            and not any("@" in t or _DIGITS.search(re.sub(r"[\s\-().]", "", t)) for t in texts)):
        return "descriptions"
    return None


def find(rows: list[tuple[int, list]], columns: list[int], headers: list[str],
         targets: dict[int, str | None]) -> TemplateRows:
    """The template rows at the top of `rows` (the rows right under the header)."""
    found = TemplateRows()
    for number, values in rows[:LOOKED_AT]:
        what = classify(values, columns, headers, targets)
        if what is None:
            break
        found.rows[number] = what
        shown = ", ".join(f"'{t[:40]}'" for _, t in _filled(values, columns)[:4])
        found.shown[number] = shown
    return found
