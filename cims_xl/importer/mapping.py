"""Which column of the file goes to which field: synonyms, overrides, saved profiles.

Headers are compared after NFKC, case folding and removing spaces and punctuation, so
"E-mail 1 - Value", "e_mail1value" and "Ｅｍａｉｌ　１ Value" are the same header. The
synonym lists cover English and Chinese words plus the export headers of Outlook
(English and German), Google Contacts (current and legacy), Thunderbird, macOS
Contacts, Odoo's import templates, tine20, datablist, JeecgBoot and Tableau's
Superstore (English and Chinese).

Besides the entity's own fields a column may go to a *helper* target:
first_name / middle_name / last_name (joined into Name), is_company (sets Type),
customer_ref (the customer's id in the system the file came from; kept as the tag
"src:<id>" so a later import links to the same customer), customer_name and
customer_* (for orders, contacts, opportunities and tickets: which customer the row
belongs to, created when missing).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from functools import lru_cache

from ..domain.schema import ENTITIES, Entity
from . import header_words as hw
from .errors import ImportRefused

KINDS = {"customers": "customer", "customer": "customer", "orders": "order", "order": "order",
         "contacts": "contact", "contact": "contact", "opportunities": "opportunity",
         "opportunity": "opportunity", "tickets": "ticket", "ticket": "ticket",
         "interactions": "interaction", "interaction": "interaction"}
# The kinds a file can be imported as, in the order hints and messages name them.
IMPORT_KINDS = ("customers", "orders", "contacts", "opportunities", "tickets", "interactions")

IGNORE = "-"      # target meaning "leave this column out"

_STRIP = re.compile(r"[\s_\-–—.,:;/\\()（）\[\]【】{}*#'’\"`·•]+")
_REQUIRED_MARK = re.compile(r"[（(]?(必填|必须|必選|必选|required|mandatory|optional|选填)[)）]?", re.I)


def norm(header: str) -> str:
    """The comparable form of a header."""
    text = unicodedata.normalize("NFKC", str(header)).casefold()
    text = _REQUIRED_MARK.sub("", text).replace("\ufffd", "")
    return _STRIP.sub("", text)


_SHARP_S = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe"})


def _plain_latin(n: str) -> str:
    """A normalised header with its accented Latin letters written without the accent
    ("société" -> "societe", "straße" -> "strasse"); other scripts untouched (a Japanese
    voiced kana keeps its mark)."""
    n = n.translate(_SHARP_S)
    return "".join(unicodedata.normalize("NFD", ch)[0] if "\u00c0" <= ch <= "\u024f" else ch
                   for ch in n)


def _ascii_latin(n: str) -> str:
    """A normalised header without accented Latin letters: matches exports whose
    umlauts were lost ("Stra�e gesch�ftlich" for "Straße geschäftlich")."""
    return "".join(ch for ch in n if ch.isascii() or not ("\u00c0" <= ch <= "\u024f"))


# ----- synonyms ----------------------------------------------------------------------

_CUSTOMER_LINK = {
    "customer_ref": ["customer id", "customer no", "customer number", "customer code",
                     "client id", "account id", "客户 ID", "客户编号", "客户代码", "客户编码",
                     "客户号"],
}

_PERSON = {
    "first_name": ["first name", "given name", "forename", "first", "vorname", "n_given",
                   "名", "名字"],
    "middle_name": ["middle name", "additional name", "weitere vornamen", "n_middle"],
    "last_name": ["last name", "family name", "surname", "last", "nachname", "n_family", "姓"],
}

_CONTACT_POINTS = {
    "email": ["email", "e-mail", "email address", "e-mail address", "mail", "primary email",
              "e-mail 1 - value", "email 1", "email home", "email work", "work email",
              "business email", "personal email", "arbeit e-mail", "privat e-mail",
              "e-mail-adresse", "邮箱", "电子邮箱", "电子邮件", "邮件", "邮箱地址", "email地址",
              "电子邮件地址", "メールアドレス"],
    "phone": ["phone", "telephone", "tel", "phone number", "telephone number", "work phone",
              "business phone", "office phone", "phone 1", "phone 1 - value", "primary phone",
              "main phone", "home phone", "landline", "tel_work", "telefon", "arbeit telefon",
              "telefon geschäftlich", "hauptnummer", "电话", "联系电话", "固定电话", "座机",
              "办公电话", "电话号码", "公司电话", "联系方式", "電話番号"],
    "mobile": ["mobile", "mobile phone", "mobile number", "cell", "cell phone", "cellphone",
               "cellular", "handy", "mobiltelefon", "mobilnummer", "tel_cell", "home mobile",
               "mobile number", "手机", "手机号", "手机号码", "移动电话", "联系手机", "携帯電話"],
}

_ADDRESS = {
    "address": ["address", "street", "street address", "address 1", "address line 1",
                "address 1 - street", "address 1 - formatted", "business address",
                "business street", "work address", "home address", "home street",
                "adr_one_street", "straße", "strasse", "straße geschäftlich",
                "arbeitsadresse strasse", "地址", "详细地址", "联系地址", "通讯地址", "街道",
                "收货地址", "公司地址", "住所"],
    "city": ["city", "town", "locality", "work city", "home city", "business city",
             "address 1 - city", "adr_one_locality", "ort", "ort geschäftlich",
             "arbeitsadresse stadt", "stadt", "城市", "所在城市", "市", "城市名称"],
    "province": ["province", "state", "state/province", "county", "work state", "home state",
                 "business state", "address 1 - state", "state_id", "bundesland",
                 "arbeitsadresse bundesland", "region geschäftlich", "省份", "省",
                 "省/自治区", "所在省份", "省市", "都道府県"],
    "postal_code": ["postal code", "postcode", "post code", "zip", "zip code", "zipcode",
                    "work zipcode", "home zipcode", "business postal code", "home postal code",
                    "address 1 - postal code", "adr_one_postalcode", "plz", "postleitzahl",
                    "postleitzahl geschäftlich", "arbeitsadresse plz", "邮编", "邮政编码",
                    "郵便番号"],
    "country": ["country", "country/region", "nation", "country_id", "work country",
                "home country", "business country", "address 1 - country",
                "business country/region", "home country/region", "other country/region",
                "work country/region",                       # Outlook's export headings
                "adr_one_countryname", "land", "land/region geschäftlich",
                "arbeitsadresse land", "国家", "国家/地区", "国别"],
}

SYNONYMS: dict[str, dict[str, list[str]]] = {
    "customer": {
        "name": ["name", "full name", "customer name", "customer", "client", "client name",
                 "contact name", "display name", "客户名称", "客户", "客户姓名", "姓名", "名称",
                 "联系人", "联系人姓名", "用户名", "真实姓名", "会员名称", "会员姓名", "全名",
                 "氏名", "名前"],
        **_PERSON,
        "company": ["company", "company name", "organization", "organisation", "org_name",
                    "organization name", "organization 1 - name", "firm", "business name", "employer", "related company",
                    "company_name", "firma", "公司", "公司名称", "单位", "单位名称", "企业",
                    "企业名称", "工作单位", "所属公司", "所在公司", "组织机构", "会社名"],
        **_CONTACT_POINTS,
        **_ADDRESS,
        "segment": ["segment", "customer segment", "细分", "客户细分", "客户分类", "客户等级"],
        "source": ["source", "lead source", "来源", "客户来源", "渠道"],
        "tags": ["tags", "tag", "labels", "groups", "group membership", "categories", "标签",
                 "分组"],
        "owner": ["owner", "account owner", "salesperson", "sales rep", "负责人", "业务员",
                  "所属销售", "客户经理"],
        "notes": ["notes", "note", "comments", "comment", "remarks", "remark", "memo",
                  "notizen", "备注", "说明", "附注"],
        "marketing_consent": ["marketing consent", "consent", "opt in", "opt-in", "newsletter",
                              "subscribed", "同意营销", "订阅", "营销许可"],
        "type": ["type", "customer type", "类型", "客户类型"],
        "is_company": ["is a company", "is_company", "is company", "是否公司", "是否企业"],
        **_CUSTOMER_LINK,
    },
    "order": {
        "order_number": ["order id", "order no", "order number", "order", "订单 ID", "订单号",
                         "订单编号", "单号",
                         # invoices: QuickBooks, Xero, Lexware (Rechnungsnr.), Kingdee (单据编号)
                         "invoice no", "invoice no.", "invoice number", "invoice #", "invoicenumber",
                         "rechnungsnr.", "rechnungsnr", "rechnungsnummer", "单据编号", "单据号",
                         "发票号", "发票号码"],
        "line_no": ["line", "line no", "line number", "订单行"],
        "order_date": ["order date", "date", "订单日期", "下单日期", "下单时间", "日期",
                       # web shops: Shopify, Taobao/Tmall exports
                       "created at", "date created", "order created", "订单创建时间",
                       "创建时间", "paid at", "付款时间", "支付时间"],
        "ship_date": ["ship date", "shipping date", "发货日期", "送货日期"],
        "product": ["product name", "product", "item", "item name", "产品名称", "商品名称",
                    "产品", "商品", "lineitem name", "line item name", "宝贝标题", "商品标题"],
        "category": ["category", "类别", "品类"],
        "sub_category": ["sub-category", "sub category", "subcategory", "子类别"],
        "quantity": ["quantity", "qty", "数量", "lineitem quantity", "line item quantity",
                     "item quantity", "quantity (- refund)", "宝贝总数量", "商品数量", "购买数量"],
        "amount": ["sales", "amount", "total", "revenue", "line total", "销售额", "金额",
                   "总金额", "订单金额", "order total", "order total amount", "grand total",
                   "实付款", "实付金额", "买家实际支付金额", "订单总额"],
        "discount": ["discount", "折扣"],
        "profit": ["profit", "利润"],
        "currency": ["currency", "币种", "货币"],
        "region": ["region", "地区", "区域", "大区"],
        "province": ["state", "province", "state/province", "省/自治区", "省份", "省"],
        "city": ["city", "城市"],
        "status": ["order status", "status", "订单状态", "状态", "financial status",
                   "payment status", "交易状态"],
        "notes": ["notes", "note", "备注"],
        **_CUSTOMER_LINK,
        "customer_name": ["customer name", "customer", "client", "客户名称", "客户姓名", "客户",
                          "billing name", "shipping name", "buyer", "buyer name", "收货人姓名",
                          "收货人", "买家会员名", "买家"],
        "customer_segment": ["segment", "customer segment", "细分"],
        "customer_country": ["country", "country/region", "国家", "国家/地区", "billing country",
                             "shipping country"],
        "customer_postal_code": ["postal code", "zip", "zip code", "postcode", "邮编"],
        "customer_email": ["email", "customer email", "e-mail", "邮箱", "billing email"],
        "customer_phone": ["phone", "customer phone", "电话", "手机", "billing phone",
                           "shipping phone", "联系手机", "收货人手机", "收货人电话"],
    },
    "contact": {
        "name": ["name", "full name", "contact name", "contact", "display name", "姓名",
                 "联系人", "联系人姓名"],
        **_PERSON,
        "title": ["job title", "title", "position", "role", "berufsbezeichnung", "职位", "职务",
                  "岗位"],
        **_CONTACT_POINTS,
        "is_primary": ["primary", "primary contact", "is primary", "主要联系人"],
        "notes": ["notes", "note", "comments", "备注"],
        **_CUSTOMER_LINK,
        "customer_name": ["company", "company name", "related company", "organization",
                          "customer", "customer name", "account", "firma", "公司", "公司名称",
                          "单位", "客户名称", "客户"],
    },
    "opportunity": {
        "name": ["opportunity", "opportunity name", "deal", "deal name", "lead name", "name",
                 "商机", "商机名称", "机会名称", "项目名称"],
        "stage": ["stage", "sales stage", "leadstate", "阶段", "销售阶段"],
        "amount": ["amount", "value", "deal value", "expected revenue", "turnover", "金额",
                   "预计金额"],
        "currency": ["currency", "币种"],
        "probability": ["probability", "probability %", "概率", "赢率"],
        "expected_close": ["expected close", "close date", "expected close date", "end scheduled",
                           "预计成交日期", "预计签约日期"],
        "next_step": ["next step", "下一步"],
        "lost_reason": ["lost reason", "丢单原因"],
        "owner": ["owner", "responsible", "负责人"],
        "source": ["source", "lead source", "leadsource", "来源"],
        **_CUSTOMER_LINK,
        "customer_name": ["customer", "customer name", "account", "company", "客户", "客户名称",
                          "公司"],
    },
    "interaction": {
        "kind": ["type", "kind", "interaction type", "activity type", "activity", "channel", "类型",
                 "方式", "联系方式类型"],
        "occurred_at": ["when", "date", "time", "date & time", "occurred", "occurred at", "activity date",
                        "日期", "时间", "联系时间", "跟进时间"],
        "subject": ["subject", "title", "topic", "主题", "标题"],
        "notes": ["notes", "note", "details", "description", "comments", "备注", "内容", "跟进内容"],
        "owner": ["owner", "user", "assigned to", "负责人", "跟进人"],
        **_CUSTOMER_LINK,
        "customer_name": ["customer", "customer name", "account", "company", "客户", "客户名称", "公司"],
    },
    "ticket": {
        "subject": ["subject", "title", "summary", "主题", "标题", "问题"],
        "description": ["description", "details", "描述", "详情", "问题描述"],
        "priority": ["priority", "优先级"],
        "status": ["status", "ticket status", "状态"],
        "channel": ["channel", "渠道"],
        "assignee": ["assignee", "assigned to", "处理人"],
        "opened_at": ["opened", "created", "created at", "date", "创建时间", "提交时间"],
        "resolved_at": ["resolved", "resolved at", "解决时间"],
        "closed_at": ["closed", "closed at", "关闭时间"],
        **_CUSTOMER_LINK,
        "customer_name": ["customer", "customer name", "company", "客户", "客户名称", "公司"],
    },
}

# Traditional-Chinese spellings (Big5 files from Taiwan and Hong Kong).
_TRADITIONAL = {
    "name": ["聯絡人", "聯繫人"],     # a customer's "客戶名稱" comes from header_words.traditional
    "customer_name": ["客戶名稱", "客戶", "客戶姓名"],
    "company": ["公司名稱", "單位", "單位名稱", "企業名稱"],
    "email": ["郵箱", "電子郵件", "電子郵箱", "電郵", "郵件"],
    "phone": ["電話", "聯絡電話", "聯繫電話", "電話號碼", "辦公電話"],
    "mobile": ["手機", "手機號", "手機號碼", "行動電話", "流動電話"],
    "address": ["地址", "詳細地址", "聯絡地址", "通訊地址"],
    "city": ["城市", "所在城市"],
    "province": ["省份", "縣市"],
    "postal_code": ["郵編", "郵遞區號", "郵政編碼"],
    "country": ["國家", "國家/地區"],
    "notes": ["備註", "說明"],
}

# The columns our error report puts before the file's own (its two sheets): when that
# report is fixed and imported again, they are left out, not kept in Notes.
REPORT_LEAD = ("Row", "Reason")
DUPLICATES_LEAD = ("Row", "Duplicate of")
WARNINGS_LEAD = ("Row", "Warning")


def report_lead(headers: list[str]) -> int:
    """How many leading columns are our error report's bookkeeping (0 or 2)."""
    return 2 if tuple(norm(h) for h in headers[:2]) in _LEADS else 0


_LEADS = {tuple(norm(h) for h in lead) for lead in (REPORT_LEAD, DUPLICATES_LEAD, WARNINGS_LEAD)}


# Columns that hold passwords (a user-account template, an export from a web shop) are
# left out: never kept in Notes, shown as samples or copied into the error report.
_SECRET_WORDS = ("password", "passwort", "passwd", "pwd", "passcode", "motdepasse", "contrasena",
                 "contraseña", "密码", "口令", "密碼", "パスワード")


def looks_secret(header: str) -> bool:
    n = norm(header)
    return any(w in n for w in _SECRET_WORDS)


# Row counters and similar bookkeeping columns: not data, left out.
IGNORED_HEADERS = {norm(h) for h in ("index", "row id", "#", "no", "no.", "序号", "行 ID",
                                     "行号", "action")}

# Of those, the headers of a row counter: left out only when its values are the row
# numbers (RowNumbers); a "No." of 1001, 1002 is an invoice's number, kept.
ROW_COUNTER_HEADERS = IGNORED_HEADERS - {norm("action")}


def row_counter_header(ent: Entity, header: str) -> bool:
    """Whether `header` names a row counter ("No.", "#", "序号", "Row ID"; "id" outside
    a customer file), a column left out when its values are the row numbers."""
    return norm(header) in ROW_COUNTER_HEADERS or (header.strip() == "id" and ent.kind != "customer")


def keep_counter(m: Mapping, j: int) -> str:
    """Column `j`, left out as a row counter, holds values that are not the row numbers:
    it becomes an order file's order number (when none is mapped), else it is kept in
    Notes. Returns what was decided, in words."""
    header = m.columns[j].header
    if m.entity.kind == "order" and not m.has("order_number"):
        m.columns[j] = ColumnMap(header, "order_number", "guess")
        return "order number"
    m.columns[j] = ColumnMap(header, None, "unmapped")
    return "kept in Notes" if any(f.key == "notes" for f in m.entity.fields) else "listed as not mapped"


# Our own exports' bookkeeping columns (GDPR export, JSON-like sheets), exactly as we
# write them: the store sets these itself, so a re-import leaves them out.
OWN_BOOKKEEPING = {"created_at", "created_by", "updated_at", "updated_by", "version", "deleted_at",
                   "deleted_by", "batch_id", "rfm_segment"}

# Our workbook's data sheets (excel.layout): a table with the sheet protocol's hidden
# columns is ours, and its ID, Created, Updated and Status columns are bookkeeping too
# (ID, like an export's "id", is a customer's old id; the store sets the others).
def _own_sheet_columns() -> frozenset[str]:
    from ..excel.layout import HIDDEN_HEADERS, STATUS_HEADER
    return frozenset({"Created", "Updated", STATUS_HEADER, "RFM Segment", *HIDDEN_HEADERS})


def _is_own_sheet(headers: list[str]) -> bool:
    from ..excel.layout import HIDDEN_HEADERS
    return set(HIDDEN_HEADERS) <= {h.strip() for h in headers}


# Weaker hints used only for headers no synonym matched, in this order.
_CONTAINS = [("email", ("email", "e-mail", "邮箱", "邮件", "courriel", "correo", "メール")),
             ("mobile", ("mobile", "手机", "cell", "handy", "portable", "celular", "móvil",
                         "telemóvel", "携帯")),
             ("phone", ("phone", "电话", "tel", "téléphone", "teléfono", "電話")),
             ("postal_code", ("zip", "postal", "postleitzahl", "邮编", "plz", "郵便")),
             ("address", ("address", "street", "地址", "straße", "adresse", "anschrift",
                          "dirección", "endereço", "indirizzo", "住所")),
             ("city", ("city", "城市", "ville", "ciudad", "cidade", "città"))]

_WORD_SPLIT = re.compile(r"[^\w]+|_")
_CAMEL = re.compile(r"(?<=[a-z\u00df-\u00ff])(?=[A-Z\u00c0-\u00de])")


def _contains_word(header: str, n: str, word: str) -> bool:
    """Does the header hold `word` (a `_CONTAINS` guess word)? A word in another script
    (手机, 電話) may sit anywhere in the header, as those scripts write compounds without
    spaces. A Latin word must begin a word of the header ("Tel." , "Telefonnummer",
    "E-Mail-Adresse", "HomePhone"), or, if it has five letters or more, end one
    ("homephone"): "cell" in "Cancelled at", "tel" in "Hotel" or "city" in "Ethnicity"
    are not phone or city columns."""
    w = norm(word)
    if not w.isascii():
        return w in n
    text = unicodedata.normalize("NFKC", _CAMEL.sub(" ", str(header))).casefold()
    tokens = [t for t in _WORD_SPLIT.split(text) if t]
    for i, tok in enumerate(tokens):
        forms = {tok, _plain_latin(tok)}
        rest = "".join(tokens[i:])
        if rest.startswith(w) or _plain_latin(rest).startswith(w):
            return True
        if len(w) >= 5 and any(f.endswith(w) for f in forms):
            return True
    return False


HELPER_TARGETS = {"first_name": "First Name", "middle_name": "Middle Name",
                  "last_name": "Last Name", "is_company": "Is a Company",
                  "customer_ref": "Customer Ref", "customer_name": "Customer Name",
                  "customer_segment": "Customer Segment", "customer_country": "Customer Country",
                  "customer_postal_code": "Customer Postal Code",
                  "customer_email": "Customer Email", "customer_phone": "Customer Phone"}


def entity_for(kind: str) -> Entity:
    key = KINDS.get(str(kind).strip().lower())
    if key is None:
        raise ImportRefused(f"cannot import {kind!r}; use one of: " + ", ".join(IMPORT_KINDS))
    return ENTITIES[key]


def _writable(ent: Entity) -> dict[str, str]:
    return {f.key: f.header for f in ent.fields
            if f.editable and not f.internal and f.kind != "ref"}


def targets(ent: Entity) -> dict[str, str]:
    """Target key -> label of every target a column of this entity may go to."""
    out = dict(_writable(ent))
    for key in SYNONYMS[ent.kind]:
        if key in HELPER_TARGETS:
            out[key] = HELPER_TARGETS[key]
    return out


def _synonym_table(ent: Entity) -> dict[str, tuple[str, int]]:
    """Comparable header form -> (target key, rank: lower is nearer) for this entity;
    forms that are synonyms of two targets are left out (see `_ambiguous_table`)."""
    return _tables(ent.kind)[0]


def _ambiguous_table(ent: Entity) -> dict[str, tuple[str, ...]]:
    """Comparable header form -> the target keys it could be (two or more)."""
    return _tables(ent.kind)[1]


def _forms(word: str) -> set[str]:
    n = norm(word)
    lowered = _STRIP.sub("", unicodedata.normalize("NFKC", word).lower())
    return {f for f in (n, _plain_latin(n), _ascii_latin(n), _ascii_latin(lowered)) if f}


@lru_cache(maxsize=None)
def _tables(kind: str) -> tuple[dict[str, tuple[str, int]], dict[str, tuple[str, ...]]]:
    ent = ENTITIES[kind]
    allowed = targets(ent)
    lists: dict[str, list[str]] = {key: [] for key in allowed}
    lists.update(SYNONYMS[kind])
    claims: dict[str, dict[str, int]] = {}
    for key in allowed:
        words = [allowed[key], key, *lists.get(key, ()), *_TRADITIONAL.get(key, ()),
                 *hw.WORDS.get(kind, {}).get(key, ())]
        words += [hw.traditional(w) for w in words if hw.traditional(w) != w]
        for rank, word in enumerate(words):
            for form in _forms(word):
                claims.setdefault(form, {}).setdefault(key, rank)
    for word, keys in hw.AMBIGUOUS.get(kind, {}).items():
        for form in _forms(word):
            for key in keys:
                claims.setdefault(form, {}).setdefault(key, len(claims[form]))
    table = {form: next(iter(by_key.items())) for form, by_key in claims.items() if len(by_key) == 1}
    ambiguous = {form: tuple(by_key) for form, by_key in claims.items() if len(by_key) > 1}
    return table, ambiguous


def resolve_target(ent: Entity, text: str) -> str:
    """The target key for a user's words: a field header, key, helper or synonym; or IGNORE."""
    if str(text).strip().lower() in ("", "-", "ignore", "skip", "none", "忽略", "不导入"):
        return IGNORE
    n = norm(text)
    allowed = targets(ent)
    for key, label in allowed.items():
        if n in (norm(key), norm(label)):
            return key
    hit = _synonym_table(ent).get(n)
    if hit:
        return hit[0]
    raise ImportRefused(f"'{text}' is not a {ent.label} field; use one of: "
                        + ", ".join(allowed.values()) + " (or '-' to leave the column out)")


@dataclass
class ColumnMap:
    header: str
    target: str | None            # target key, or None when not mapped
    how: str     # "synonym", "guess", "override", "profile", "ignored", "secret" (a password), "unmapped"
    could_be: tuple[str, ...] = ()   # an ambiguous header: the target keys it could be

    def as_dict(self) -> dict:
        out = {"column": self.header, "field": self.target, "how": self.how}
        if self.could_be:
            out["could_be"] = list(self.could_be)
        return out


@dataclass
class Mapping:
    entity: Entity
    columns: list[ColumnMap]
    labels: dict[str, str] = field(default_factory=dict)

    def target_of(self, index: int) -> str | None:
        return self.columns[index].target

    @property
    def mapped(self) -> dict[str, str]:
        return {c.header: c.target for c in self.columns if c.target}  # type: ignore[misc]

    @property
    def unmapped(self) -> list[str]:
        return [c.header for c in self.columns if c.target is None and c.how == "unmapped"]

    @property
    def ignored(self) -> list[str]:
        return [c.header for c in self.columns if c.how in ("ignored", "secret")]

    @property
    def secret_columns(self) -> list[int]:
        """Positions of the columns left out because they hold passwords."""
        return [i for i, c in enumerate(self.columns) if c.how == "secret"]

    @property
    def ambiguous(self) -> dict[str, list[str]]:
        """{header: labels of the fields it could be} for the columns left unmapped because
        their header is a synonym of two fields."""
        return {c.header: [self.labels.get(k, k) for k in c.could_be]
                for c in self.columns if c.target is None and c.could_be}

    def has(self, target: str) -> bool:
        return any(c.target == target for c in self.columns)

    def describe(self) -> list[dict]:
        out = []
        for c in self.columns:
            d = c.as_dict()
            d["field"] = self.labels.get(c.target, c.target) if c.target else None
            if c.could_be:
                d["could_be"] = [self.labels.get(k, k) for k in c.could_be]
            out.append(d)
        return out


def known_header_count(ent: Entity, headers: list[str]) -> int:
    table = _synonym_table(ent)
    return sum(1 for h in headers if norm(h) in table)


def kind_hints(ent: Entity, headers: list[str]) -> list[tuple[str, list[str]]]:
    """Other kinds of record these headers look like: [(kind, its own headers found)],
    best first; a kind counts only headers that would mean nothing for `ent`."""
    mine = _synonym_table(ent)
    # Headers `ent` could read but left unmapped (another column took their field):
    # "Customer" beside "Name" in a contacts file imported as customers.
    unused = {c.header for c in build_mapping(ent, headers).columns if c.target is None} if ent.kind == "customer" \
        else set()
    found = []
    for kind in IMPORT_KINDS:
        other = ENTITIES[KINDS[kind]]
        if other.kind == ent.kind:
            continue
        table = _synonym_table(other)
        own = [h for h in headers if norm(h) in table
               and (norm(h) not in mine or (h in unused and table[norm(h)][0] in _CUSTOMER_LINKS))]
        # A column naming the customer a row belongs to ("Customer", "Account") says the
        # rows are not customers themselves: with one more such header it is enough.
        links = ent.kind == "customer" and any(norm(h) in table and table[norm(h)][0] in _CUSTOMER_LINKS
                                               for h in headers)
        if len(own) >= KIND_HINT_MIN or (links and len(own) >= 2):
            found.append((kind, own))
    return sorted(found, key=lambda k: -len(k[1]))


KIND_HINT_MIN = 3
_CUSTOMER_LINKS = ("customer_ref", "customer_name")


def kind_advice(ent: Entity, headers: list[str]) -> str:
    """For a refusal that names missing columns: " The headers look like tickets
    ('Subject', 'Priority', …): give --kind tickets." when another kind reads these
    headers with every column it needs; "" otherwise."""
    fits = []
    for kind in IMPORT_KINDS:
        other = ENTITIES[KINDS[kind]]
        if other.kind == ent.kind:
            continue
        m = build_mapping(other, headers)
        if not _has_required(other, m):
            continue
        known = [c.header for c in m.columns if c.target]
        fits.append((len(known), kind, known))
    if not fits:
        return ""
    _n, kind, known = max(fits, key=lambda f: f[0])
    shown = ", ".join(f"'{h}'" for h in known[:4]) + (" …" if len(known) > 4 else "")
    return f" The headers look like {kind} ({shown}): give --kind {kind}."


def _has_required(ent: Entity, m: "Mapping") -> bool:
    """Does the mapping have a column for every field the kind cannot do without (the
    same rule as the import's own check)?"""
    if ent.kind == "customer":
        return any(m.has(t) for t in ("name", "first_name", "last_name", "company", "email"))
    if not any(m.has(t) for t in _CUSTOMER_LINKS):
        return False
    for f in ent.fields:
        if f.required and f.key != "customer_id" and f.default is None and not m.has(f.key):
            if f.key == "name" and any(m.has(t) for t in ("first_name", "last_name")):
                continue
            return False
    return True


def parse_overrides(items) -> dict[str, str]:
    """--map values ("Source Column=Field", repeatable, or a dict) as {column: target words}."""
    if not items:
        return {}
    if isinstance(items, dict):
        return {str(k): "" if v is None else str(v) for k, v in items.items()}
    if isinstance(items, str):
        items = [items]
    out: dict[str, str] = {}
    for item in items:
        text = str(item)
        if "=" not in text:
            raise ImportRefused(f"--map needs 'Source Column=Field', got {text!r}")
        left, _, right = text.rpartition("=")
        out[left.strip()] = right.strip()
    return out


def build_mapping(ent: Entity, headers: list[str], overrides: dict[str, str] | None = None,
                  profile: dict[str, str] | None = None) -> Mapping:
    """Map each header; profile entries come before synonyms, --map overrides win over all."""
    allowed = targets(ent)
    chosen: list[ColumnMap] = [ColumnMap(h, None, "unmapped") for h in headers]
    taken: dict[str, int] = {}

    def find(column: str) -> int | None:
        for i, h in enumerate(headers):
            if h == column:
                return i
        n = norm(column)
        for i, h in enumerate(headers):
            if norm(h) == n:
                return i
        if re.fullmatch(r"[A-Za-z]{1,3}", column.strip()):
            return None
        return None

    def assign(i: int, target: str, how: str) -> None:
        if target == IGNORE:
            chosen[i] = ColumnMap(headers[i], None, "ignored")
            return
        prev = taken.get(target)
        if prev is not None and prev != i and target == "notes" and how == "override":
            # Several columns given to Notes all go there ("Header: value" lines).
            chosen[i] = ColumnMap(headers[i], None, "unmapped")
            return
        if prev is not None and prev != i:
            chosen[prev] = ColumnMap(headers[prev], None, "unmapped")
        taken[target] = i
        chosen[i] = ColumnMap(headers[i], target, how)

    fixed: set[int] = set()
    for source, layer in (("profile", profile or {}), ("override", overrides or {})):
        for column, words in layer.items():
            i = find(column)
            if i is None:
                if source == "override":
                    raise ImportRefused(f"--map names column '{column}', but the file has no such "
                                        "column; its columns are: "
                                        + ", ".join(f"'{h}'" for h in headers))
                continue
            assign(i, resolve_target(ent, words) if words not in (None, "") else IGNORE, source)
            fixed.add(i)

    table, ambiguous = _synonym_table(ent), _ambiguous_table(ent)
    candidates: list[tuple[int, int, str]] = []
    lead = report_lead(headers)
    own_sheet = _own_sheet_columns() if _is_own_sheet(headers) else frozenset()
    for i, h in enumerate(headers):
        if i in fixed:
            continue
        n = norm(h)
        if h.strip() == "id" or (own_sheet and h.strip() == "ID"):
            # our own exports: a customer's id is kept as its old id
            if ent.kind == "customer" and "customer_ref" in allowed:
                candidates.append((0, i, "customer_ref"))
            else:
                chosen[i] = ColumnMap(h, None, "ignored")
            continue
        if i < lead or n in IGNORED_HEADERS or h.strip() in OWN_BOOKKEEPING or h.strip() in own_sheet:
            chosen[i] = ColumnMap(h, None, "ignored")
            continue
        if looks_secret(h):
            chosen[i] = ColumnMap(h, None, "secret")
            continue
        hit = table.get(n)
        if hit:
            candidates.append((hit[1], i, hit[0]))
        elif n in ambiguous:
            chosen[i] = ColumnMap(h, None, "unmapped", tuple(k for k in ambiguous[n] if k in allowed))
    for rank, i, target in sorted(candidates):
        if target in taken:
            continue
        assign(i, target, "synonym")
    _split_half_names(headers, chosen, taken)
    for i, h in enumerate(headers):
        if i in fixed or chosen[i].how != "unmapped" or chosen[i].could_be:
            continue
        n = norm(h)
        for target, words in _CONTAINS:
            if target in allowed and target not in taken and any(_contains_word(h, n, w) for w in words):
                assign(i, target, "guess")
                break
    return Mapping(ent, chosen, allowed)


# "Name" beside "Vorname", "Nom" beside "Prénom" is the family name; "Nombre" beside
# "Apellidos", "Nome" beside "Sobrenome"/"Cognome" is the given name. (An English
# "Name" beside "First Name" is left as the full name: such files repeat it.)
HALF_NAME: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("last_name", ("vorname",)),
    "nom": ("last_name", ("prénom", "prenom")),
    "nombre": ("first_name", ("apellido", "apellidos", "primer apellido", "primerapellido")),
    "nome": ("first_name", ("sobrenome", "cognome", "apelidos", "último nome", "ultimo nome")),
}
_OTHER_HALF = {"last_name": "first_name", "first_name": "last_name"}


def _split_half_names(headers: list[str], chosen: list[ColumnMap], taken: dict[str, int]) -> None:
    """A name column that the synonyms mapped to Name, in a file whose other half of a
    name is in the same language (HALF_NAME), is this half: joined into Name, not dropped."""
    i = taken.get("name")
    if i is None or chosen[i].how != "synonym" or norm(headers[i]) not in HALF_NAME:
        return
    half, partners = HALF_NAME[norm(headers[i])]
    other = taken.get(_OTHER_HALF[half])
    if half in taken or other is None:
        return
    if _plain_latin(norm(headers[other])) not in {_plain_latin(norm(p)) for p in partners}:
        return
    del taken["name"]
    taken[half] = i
    chosen[i] = ColumnMap(headers[i], half, "synonym")


# ----- profiles ----------------------------------------------------------------------

_PROFILE_NAME = re.compile(r"^[\w][\w .\-]{0,63}$")


def config_dir() -> Path:
    env = os.environ.get("CIMS_CONFIG_DIR")
    if env:
        return Path(env)
    import platformdirs
    return Path(platformdirs.user_config_dir("cims_xl", appauthor=False))


def profile_path(name: str) -> Path:
    if not _PROFILE_NAME.match(name or "") or ".." in name:
        raise ImportRefused(f"profile names are letters, digits, spaces, '.', '-' and '_' "
                            f"(at most 64), not {name!r}")
    return config_dir() / "import-profiles" / f"{name}.json"


def load_profile(name: str) -> dict | None:
    path = profile_path(name)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImportRefused(f"import profile '{name}' ({path}) cannot be read: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("map", {}), dict):
        raise ImportRefused(f"import profile '{name}' ({path}) is not a profile")
    return data


def save_profile(name: str, data: dict) -> Path:
    path = profile_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return path


def list_profiles() -> list[str]:
    folder = config_dir() / "import-profiles"
    if not folder.exists():
        return []
    return sorted(p.stem for p in folder.glob("*.json"))
