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

from ..scratch import replace_keeping_mode
from ..domain.schema import ENTITIES, FROM_IMPORT, Entity
from . import header_words as hw
from .heading_fold import fold
from . import own_columns
from . import opt_out
from . import shop_orders
from . import paid_amount
from .errors import ImportRefused

KINDS = {"customers": "customer", "customer": "customer", "orders": "order", "order": "order",
         "contacts": "contact", "contact": "contact", "opportunities": "opportunity",
         "opportunity": "opportunity", "tickets": "ticket", "ticket": "ticket",
         "interactions": "interaction", "interaction": "interaction"}
# The kinds a file can be imported as, in the order hints and messages name them.
IMPORT_KINDS = ("customers", "orders", "contacts", "opportunities", "tickets", "interactions")

IGNORE = "-"      # target meaning "leave this column out"

_STRIP = re.compile(r"[\s_\-–—.,:;/\\()（）\[\]【】{}*#'’ʼ\"`·•]+")
_REQUIRED_MARK = re.compile(r"[（(]?(必填|必须|必選|必选|required|mandatory|optional|选填)[)）]?", re.I)


def norm(header: str) -> str:
    """The comparable form of a header."""
    text = _REQUIRED_MARK.sub("", fold(header)).replace("\ufffd", "")
    return _STRIP.sub("", text)


_SHARP_S = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "ł": "l", "đ": "d"})


def _plain_latin(n: str) -> str:
    """A normalised header with its accented Latin letters written without the accent
    ("société" -> "societe", "straße" -> "strasse"); other scripts untouched (a Japanese
    voiced kana keeps its mark; Greek loses its accents too)."""
    n = n.translate(_SHARP_S)
    return "".join(unicodedata.normalize("NFD", ch)[0] if _ACCENTED(ch) else ch for ch in n)


def _ACCENTED(ch: str) -> bool:
    """Latin (with Vietnamese) and Greek letters whose accent a header may leave out
    ("Şirket" as "Sirket", "Όνομα" as "ΟΝΟΜΑ", "Điện thoại" as "Dien thoai")."""
    return "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff" or "\u0386" <= ch <= "\u03ce"


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

# The customer's own email and phone on a contact's, deal's or interaction's row (the row's
# Email is a contact's own): evidence of which customer an id or a name means (issue 14).
_CUSTOMER_CONTACT = {
    "customer_email": ["customer email", "customer e-mail", "account email", "client email"],
    "customer_phone": ["customer phone", "account phone", "client phone"],
}

_PERSON = {
    "first_name": ["first name", "given name", "forename", "first", "vorname", "n_given",
                   "名", "名字"],
    "middle_name": ["middle name", "additional name", "weitere vornamen", "n_middle"],
    "last_name": ["last name", "family name", "surname", "last", "nachname", "n_family", "姓"],
}

_CONTACT_POINTS = {
    "email": ["email", "e-mail", "email address", "e-mail address", "mail", "primary email",
              "e-mail 1 - value", "email 1", "email work", "email home", "work email",
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
    "province": ["province", "state", "state/province", "state/region", "county", "work state", "home state",
                 "business state", "address 1 - state", "state_id", "bundesland",
                 "arbeitsadresse bundesland", "region geschäftlich", "省份", "省",
                 "省/自治区", "所在省份", "省市", "都道府県"],
    "postal_code": ["postal code", "postcode", "post code", "zip", "zip code", "zipcode",
                    "zip/postal code",
                    "work zipcode", "home zipcode", "business postal code", "home postal code",
                    "address 1 - postal code", "adr_one_postalcode", "plz", "postleitzahl",
                    "postleitzahl geschäftlich", "arbeitsadresse plz", "邮编", "邮政编码",
                    "郵便番号"],
    "country": ["country", "country/region", "nation", "country_id", "work country",
                "home country", "business country", "address 1 - country",
                "business country/region", "home country/region", "other country/region",
                "work country/region",                       # Outlook's export headings
                "adr_one_countryname", "land", "land/region geschäftlich",
                "arbeitsadresse land", "国家", "国家/地区", "国别",
                # other systems' exports (Xero, Stripe, Salesforce/Zoho, Mailchimp, HubSpot,
                # Pipedrive); more "... Country" headings: names_a_country
                "pocountry", "sacountry", "address country", "card address country",
                "mailing country", "billing country", "other country", "cc",
                "person - postal address - country", "organization - address - country",
                "국가", "국가/지역", "나라"],
}

SYNONYMS: dict[str, dict[str, list[str]]] = {
    "customer": {
        "name": ["name", "full name", "customer name", "customer", "client", "client name",
                 "contact name", "display name", "客户名称", "客户", "客户姓名", "姓名", "名称",
                 "联系人", "联系人姓名", "用户名", "真实姓名", "会员名称", "会员姓名", "全名",
                 "氏名", "名前",
                 # the person to talk to at a company (as German "Ansprechpartner"): the name
                 "contact person", "contact person name", "联系人名称"],
        **_PERSON,
        "company": ["company", "company name", "organization", "organisation", "org_name",
                    "organization name", "organization 1 - name", "firm", "business name", "employer", "related company",
                    "company_name", "firma", "公司", "公司名称", "单位", "单位名称", "企业",
                    "企业名称", "工作单位", "所属公司", "所在公司", "组织机构", "会社名"],
        **_CONTACT_POINTS,
        **_ADDRESS,
        "segment": ["segment", "customer segment", "细分", "客户细分", "客户分类", "客户等级"],
        "source": ["source", "lead source", "来源", "客户来源", "渠道"],
        # Pipedrive's persons and organizations: "Label" ("Person - Label"); Zoho: "Tag"
        "tags": ["tags", "tag", "labels", "label", "groups", "group membership", "categories", "标签",
                 "分组"],
        # the rep who looks after the customer ("Account Manager Email" is the rep's own
        # email, not the customer's: own_columns)
        "owner": ["owner", "account owner", "salesperson", "sales rep", "负责人", "业务员",
                  "所属销售", "客户经理", "account manager", "sales representative", "account executive",
                  "sales person", "account rep", "representante de ventas", "ejecutivo de cuenta",
                  "représentant", "außendienstmitarbeiter", "销售代表", "业务经理", "영업 담당자", "담당 영업"],
        "notes": ["notes", "note", "comments", "comment", "remarks", "remark", "memo",
                  "notizen", "备注", "说明", "附注"],
        "marketing_consent": ["marketing consent", "consent", "opt in", "opt-in", "newsletter",
                              "subscribed", "同意营销", "订阅", "营销许可",
                              # Shopify's customer export (old and new), Klaviyo, Mailchimp
                              "email marketing consent", "accepts email marketing", "accepts marketing",
                              "email marketing", "email consent", "email opt-in", "email opt in",
                              "marketing opt-in", "marketing opt in"],
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
                         "发票号", "发票号码", "invoice",
                         # payment bills: Alipay 交易号 beside 商家订单号, WeChat Pay 交易单号 beside
                         # 商户单号 (the payment's own number first: the merchant's is often "/")
                         "交易号", "交易单号", "交易號", "交易單號", "交易流水号", "商户单号", "商户订单号",
                         "商家订单号", "商戶單號", "商戶訂單號", "商家訂單號"],
        "line_no": ["line", "line no", "line number", "订单行"],
        "order_date": ["order date", "date", "订单日期", "下单日期", "下单时间", "日期",
                       # web shops: Shopify, Taobao/Tmall exports
                       "created at", "date created", "order created", "订单创建时间",
                       "创建时间", "paid at", "付款时间", "支付时间",
                       # invoices and payments: Xero, QuickBooks, Stripe
                       "invoice date", "created (utc)", "transaction date",
                       # payment APIs' objects (Stripe's charge: "created", Unix seconds)
                       "created",
                       # Kingdee/Yonyou documents: the document's and the business date
                       "单据日期", "业务日期", "开票日期", "发票日期", "订货日期", "销售日期",
                       # payment bills (WeChat Pay 交易时间, bank and Alipay statements)
                       "交易时间", "交易日期", "交易時間", "交易创建时间", "交易創建時間"],
        "ship_date": ["ship date", "shipping date", "发货日期", "送货日期"],
        "product": ["product name", "product", "item", "item name", "产品名称", "商品名称",
                    "产品", "商品", "lineitem name", "line item name", "宝贝标题", "商品标题",
                    "物料名称",                                            # Kingdee sales orders
                    # an invoice line's description where no column names the product (Xero's
                    # "*Description", QuickBooks' "Product/Service"): ranked after every product word
                    "product/service", "item description", "line description", "description"],
        "category": ["category", "类别", "品类"],
        "sub_category": ["sub-category", "sub category", "subcategory", "子类别"],
        "quantity": ["quantity", "qty", "数量", "lineitem quantity", "line item quantity",
                     "item quantity", "quantity (- refund)", "宝贝总数量", "商品数量", "购买数量",
                     "line_item_qty", "line item qty",                       # WooCommerce
                     "销售数量"],                                             # Kingdee
        # what was paid comes before a total or payable beside it (Taobao 买家实际支付金额
        # beside 总金额, 实收 beside 原价/应收): `paid_amount` says which in the summary
        "amount": ["买家实际支付金额", "实付款", "实付金额", "实收金额", "实收款", "实收",
                   "amount paid", "paid amount",
                   "sales", "amount", "total", "revenue", "line total", "销售额", "金额",
                   "总金额", "订单金额", "order total", "order total amount", "grand total",
                   "订单总额"],
        "discount": ["discount", "折扣", "discount rate", "discount percent", "discount percentage", "折扣率"],
        "profit": ["profit", "利润"],
        "currency": ["currency", "币种", "货币", "币别", "currency code", "交易币种", "结算币种", "幣別", "幣種",
                     "currencyisocode", "currency iso code", "currency (iso)", "iso currency", "iso currency code", "ccy", "curr.", "curr", "crncy", "transaction currency", "presentment currency", "document currency", "currency of value", "currency symbol", "txn currency", "waers"],
        "region": ["region", "地区", "区域", "大区"],
        "province": ["state", "province", "state/province", "省/自治区", "省份", "省"],
        "city": ["city", "城市"],
        "status": ["order status", "status", "订单状态", "状态", "financial status",
                   "payment status", "交易状态", "单据状态",
                   # WeChat Pay's bill: the payment's status now (refunds included)
                   "当前状态", "當前狀態"],                # Kingdee: the document's status
        "notes": ["notes", "note", "备注"],
        **_CUSTOMER_LINK,
        "customer_name": ["customer name", "customer", "client", "full name", "客户名称", "客户姓名", "客户",
                          "billing name", "shipping name", "buyer", "buyer name",
                          # the buyer (Taobao/Tmall 买家会员名) before the recipient beside it
                          "买家会员名", "买家昵称", "买家", "收货人姓名", "收货人", "contact name",
                          # a VAT invoice list (金税 / 增值税发票): the buyer is the customer
                          "购方名称", "购买方名称", "購方名稱", "購買方名稱", "受票方名称",
                          # Stripe payments: the customer's description (its name; the
                          # Customer ID cus_… stays the customer's id, tag src:cus_…)
                          "customer description",
                          # a payment bill (Alipay, WeChat Pay): who paid, the other party
                          "交易对方", "交易對方", "对方", "對方", "对方户名", "對方戶名", "付款方", "付款人",
                          # API objects, nested ones spread into dotted columns (readers.flat_record):
                          # Stripe charges and payment methods, Checkout sessions, Shopify orders
                          "billing_details.name", "customer_details.name", "billing_address.name"],
        "customer_segment": ["segment", "customer segment", "细分"],
        "customer_country": ["country", "country/region", "国家", "国家/地区", "billing country",
                             "shipping country", "billing_details.address.country",
                             "customer_details.address.country", "billing_address.country_code"],
        "customer_postal_code": ["postal code", "zip", "zip code", "postcode", "邮编",
                                 "billing_details.address.postal_code", "customer_details.address.postal_code",
                                 "billing_address.zip"],
        "customer_email": ["email", "customer email", "e-mail", "邮箱", "billing email", "email address",
                           "billing email address",                          # WooCommerce
                           "billing_details.email", "customer_details.email", "receipt_email"],
        "customer_phone": ["phone", "customer phone", "电话", "手机", "billing phone",
                           "shipping phone", "联系手机", "收货人手机", "收货人电话",
                           "billing_details.phone", "customer_details.phone", "billing_address.phone"],
    },
    "contact": {
        "name": ["name", "full name", "contact name", "contact", "display name", "姓名",
                 "联系人", "联系人姓名", "contact person", "contact person name"],
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
        **_CUSTOMER_CONTACT,
    },
    "opportunity": {
        "name": ["opportunity", "opportunity name", "deal", "deal name", "lead name", "name",
                 "商机", "商机名称", "机会名称", "项目名称", "title", "deal title"],
        "stage": ["stage", "sales stage", "leadstate", "阶段", "销售阶段", "deal stage",
                  "opportunity stage", "pipeline stage", "商机阶段"],
        # never a weighted/expected value (Amount × Probability): `paid_amount.weighted`
        "amount": ["amount", "value", "deal value", "turnover", "金额",
                   "预计金额", "deal amount", "opportunity amount"],
        "currency": ["currency", "币种", "货币", "币别", "amount currency", "currency code",
                     "deal currency", "opportunity currency", "交易币种", "结算币种", "幣別", "幣種",
                     "currencyisocode", "currency iso code", "currency (iso)", "iso currency", "iso currency code", "ccy", "curr.", "curr", "crncy", "transaction currency", "presentment currency", "document currency", "currency of value", "currency symbol", "txn currency", "waers"],
        "probability": ["probability", "probability %", "概率", "赢率", "deal probability",
                        "win probability", "成交概率"],
        "expected_close": ["expected close", "close date", "expected close date", "end scheduled",
                           "预计成交日期", "预计签约日期", "closing date", "expected closing date"],
        "next_step": ["next step", "下一步"],
        "lost_reason": ["lost reason", "丢单原因", "loss reason", "reason lost", "closed lost reason",
                        "输单原因"],
        "owner": ["owner", "responsible", "负责人", "deal owner", "opportunity owner"],
        "source": ["source", "lead source", "leadsource", "来源"],
        **_CUSTOMER_LINK,
        "customer_name": ["customer", "customer name", "account", "company", "客户", "客户名称",
                          "公司", "account name", "associated company", "organization",
                          "organization name", "company name", "client"],
        **_CUSTOMER_CONTACT,
        # won / lost / open (Pipedrive's "Deal - Status"): sets Won or Lost over the Stage
        "deal_status": ["status", "deal status", "opportunity status", "won/lost", "商机状态"],
    },
    "interaction": {
        "kind": ["type", "kind", "interaction type", "activity type", "activity", "channel", "类型",
                 "方式", "联系方式类型",
                 # the activity's type in other words and languages (try23f A5)
                 "category", "activity category", "activity kind", "interaction kind", "contact type",
                 "typ", "art", "aktivitätstyp", "aktivitätsart", "kontaktart", "type d'activité", "catégorie",
                 "tipo", "tipo de actividad", "categoría", "tipo di attività", "soort", "類型", "种类", "種類",
                 "活动类型", "活動類型", "跟进方式", "種別", "活動種別", "区分", "対応種別", "유형", "활동유형",
                 "활동 유형", "종류", "구분", "상담유형", "상담 유형"],
        "occurred_at": ["when", "date", "time", "date & time", "occurred", "occurred at", "activity date", "due date", "timestamp",
                        "日期", "时间", "联系时间", "跟进时间",
                        # a date with its time, in other languages (Korean 일시, Japanese 日時)
                        "date and time", "datetime", "date/time", "datum", "zeitpunkt", "datum/uhrzeit", "fecha",
                        "date et heure", "日期时间", "日期時間", "日時", "日付", "対応日時",
                        "일시", "일자", "날짜", "상담일시", "활동일시"],
        "subject": ["subject", "title", "topic", "主题", "标题",
                    "betreff", "objet", "asunto", "oggetto", "件名", "題名", "主題", "제목"],
        "notes": ["notes", "note", "details", "description", "comments", "备注", "内容", "跟进内容"],
        "owner": ["owner", "user", "assigned to", "负责人", "跟进人"],
        **_CUSTOMER_LINK,
        # Pipedrive "Activity - Organization"/"Activity - Person", HubSpot "Associated Contact":
        # whom the activity was with; the organisation before the person when the file has
        # both (as for "Organization - Name" and "Person - Name": segment_hit)
        "customer_name": ["customer", "customer name", "account", "company", "客户", "客户名称", "公司",
                          "organization", "organization name", "account name",
                          "person", "associated contact", "contact person", "client", "客户姓名", "联系人",
                          "顧客", "顧客名", "取引先", "取引先名"],
        **_CUSTOMER_CONTACT,
    },
    "ticket": {
        # ServiceNow's incident list: Short description, Caller, State, Opened (try24z 3);
        # bug trackers' Severity is the ticket's priority
        "subject": ["subject", "title", "summary", "主题", "标题", "问题", "short description"],
        "description": ["description", "details", "描述", "详情", "问题描述"],
        "priority": ["priority", "优先级", "severity", "sev", "严重程度", "重要度"],
        "status": ["status", "ticket status", "状态", "state", "incident state", "ticket state"],
        "channel": ["channel", "渠道", "source", "via"],
        "assignee": ["assignee", "assigned to", "处理人", "agent", "assigned agent"],
        # help desks' exports: Zendesk (Created at, Solved at, Requester, Via), Freshdesk
        # (Created time, Resolved time, Closed time, Initial response time, Source)
        "opened_at": ["opened", "created", "created at", "date", "创建时间", "提交时间",
                      "created time", "created date", "created on", "date created", "opened at"],
        "first_response_at": ["first response at", "first responded at", "initial response time",
                              "first reply at", "首次响应时间"],
        "resolved_at": ["resolved", "resolved at", "解决时间", "resolved time", "solved at",
                        "resolved date", "date resolved", "resolution date"],
        "closed_at": ["closed", "closed at", "关闭时间", "closed time", "closed date", "date closed"],
        # the help desk's own due times (FROM_FILE): Freshdesk "Due by Time" (resolution)
        # and "First response due by"; Zendesk "Due date"; our own sheets' "Response Due"
        "first_response_due": ["response due", "first response due", "first response due by",
                               "fr due by", "fr due by time", "first response due time", "响应截止时间",
                               "首次响应截止时间"],
        "resolution_due": ["resolution due", "due by time", "due by", "due date", "due", "due at",
                           "resolution due by", "resolution due date", "截止时间", "到期时间", "解决截止时间"],
        # when the help desk last changed the ticket: a Pending ticket's pause starts there
        # (the status change itself first, when the file has it)
        "pending_since": ["pending since", "status changed at", "status changed", "status updated at",
                          "last status change", "status change time", "updated at", "updated",
                          "last updated", "last updated at", "last update time", "last updated time",
                          "last modified", "modified at", "updated time", "updated on", "date updated",
                          "状态变更时间", "更新时间", "最后更新时间", "修改时间"],
        **_CUSTOMER_LINK,
        "customer_name": ["customer", "customer name", "requester", "requester name", "full name",
                          "contact name", "company", "客户", "客户名称", "公司", "company name",
                          "organization", "caller"],
        "customer_email": ["requester email", "caller email", "contact email", "customer email", "email", "e-mail"],
        "customer_ref": [*_CUSTOMER_LINK["customer_ref"], "requester id", "contact id"],
    },
}

# Traditional-Chinese spellings (Big5 files from Taiwan and Hong Kong).
_TRADITIONAL = {
    "name": ["聯絡人", "聯繫人"],     # a customer's "客戶名稱" comes from header_words.traditional
    "customer_name": ["客戶名稱", "客戶", "客戶姓名"],
    "company": ["公司名稱", "單位", "單位名稱", "企業名稱"],
    # Hong Kong writes 電郵 (地址) and 手提/流動電話; Taiwan 電子郵件 and 手機/行動電話
    "email": ["郵箱", "電子郵件", "電子郵箱", "電郵", "郵件", "電郵地址", "電子郵件地址", "電子郵箱地址",
              "郵箱地址", "電郵信箱"],
    "phone": ["電話", "聯絡電話", "聯繫電話", "電話號碼", "辦公電話", "辦公室電話", "公司電話", "固網電話",
              "住宅電話"],
    "mobile": ["手機", "手機號", "手機號碼", "行動電話", "流動電話", "手提電話", "手提", "手提電話號碼",
               "流動電話號碼", "行動電話號碼"],
    "address": ["地址", "詳細地址", "聯絡地址", "通訊地址"],
    "city": ["城市", "所在城市"],
    "province": ["省份", "縣市", "地區"],          # Hong Kong's 香港/九龍/新界, Taiwan's 北部/南部
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
# Credentials: passwords in the languages of the files we read, PINs, API keys and
# tokens, TOTP secrets, card security codes. Matched inside the header's letters...
_SECRET_WORDS = ("password", "passwort", "passwd", "pwd", "passcode", "motdepasse", "contrasena",
                 "contraseña", "密码", "口令", "密碼", "パスワード", "暗証番号", "kennwort", "wachtwoord",
                 "haslo", "hasło", "losenord", "lösenord", "salasana", "senha", "비밀번호", "암호",
                 "matkhau", "mậtkhẩu", "şifre", "пароль", "apikey", "apisecret", "accesstoken",
                 "authtoken", "refreshtoken", "secretkey", "clientsecret", "privatekey", "pincode",
                 "pinnummer", "pinnumber", "totp", "otpsecret", "cvv", "cvc2", "securitycode")
# ... and as whole words only (a "pin" inside "Shipping" is not one).
_SECRET_TOKENS = frozenset({"pin", "pins", "pass", "token", "tokens", "secret", "secrets", "otp", "cvc", "2fa"})
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def looks_secret(header: str) -> bool:
    """Whether a column heading names a credential (its values are never kept)."""
    n = norm(header)
    if any(w in n for w in _SECRET_WORDS):
        return True
    text = fold(_CAMEL.sub(" ", str(header)))
    return not _SECRET_TOKENS.isdisjoint(re.findall(r"[^\W_]+", text))


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
                   "deleted_by", "batch_id", "rfm_segment", "deleted"}

@lru_cache(maxsize=None)
def _computed(kind: str) -> tuple[frozenset[str], frozenset[str]]:
    """(keys, headers) of the fields the store sets itself (a ticket's due times, a deal's
    closing date, links to other records), as our own exports and sheets write them: left
    out on import, never kept as text (a record without Notes keeps unmapped columns
    elsewhere). Headers count only in a table of our own sheet."""
    given = FROM_FILE.get(kind, frozenset())
    fields = [f for f in ENTITIES[kind].fields
              if f.key != "customer_id" and f.key not in given and (not f.editable or f.internal or f.kind == "ref")]
    return frozenset(f.key for f in fields), frozenset(f.header for f in fields)


# Our workbook's data sheets (excel.layout): a table with the sheet protocol's hidden
# columns is ours, and its ID, Created, Updated and Status columns are bookkeeping too
# (ID, like an export's "id", is a customer's old id; the store sets the others).
def _own_sheet_columns() -> frozenset[str]:
    from ..excel.layout import HIDDEN_HEADERS, STATUS_HEADER
    return frozenset({"Created", "Updated", STATUS_HEADER, "RFM Segment", *HIDDEN_HEADERS})


def _is_own_sheet(headers: list[str]) -> bool:
    from ..excel.layout import HIDDEN_HEADERS
    return set(HIDDEN_HEADERS) <= {h.strip() for h in headers}


def is_own_export(headers: list[str]) -> bool:
    """Whether a table is one cims wrote: a data sheet of our workbook (its hidden
    protocol columns), or an export with our record ids beside the store's bookkeeping
    ("id", "created_at", "version" …). Its values are what was stored, read back as they
    are (a company stored as "-" stays "-")."""
    names = {str(h).strip() for h in headers}
    return _is_own_sheet(headers) or ("id" in names and bool(names & OWN_BOOKKEEPING))


# A deal's stage as headings write it, in the languages the importer reads (a guess word:
# `_contains_word`); a deals file without a Stage column is checked for one (run).
STAGE_WORDS = ("stage", "phase", "étape", "etape", "etapa", "fase", "stufe", "estágio", "stadio", "faza", "etap",
               "aşama", "стадия", "этап", "стадія", "етап", "fáze", "szakasz", "giai đoạn", "tahap", "ขั้นตอน",
               "阶段", "階段", "フェーズ", "ステージ", "단계")
# Weaker hints used only for headers no synonym matched, in this order.
_CONTAINS = [("email", ("email", "e-mail", "邮箱", "邮件", "courriel", "correo", "メール", "e-posta",
                        "электронная почта", "эл. почта", "електронна пошта", "surel", "이메일", "전자우편")),
             ("mobile", ("mobile", "手机", "cell", "cellphone", "cellular", "handy", "portable", "celular", "móvil",
                         "telemóvel", "携帯", "komórk", "cep telefon", "мобильн", "мобільн", "сотов",
                         "κινητό", "di động", "ponsel", "mobiel", "มือถือ", "휴대폰", "핸드폰", "휴대전화")),
             ("phone", ("phone", "电话", "tel", "telefon", "telephone", "téléphone", "teléfono", "電話", "телефон", "τηλέφωνο",
                        "điện thoại", "telepon", "โทรศัพท์", "전화")),
             ("postal_code", ("zip", "zipcode", "postal", "postleitzahl", "邮编", "plz", "郵便", "kod pocztowy",
                              "posta kodu", "почтовый индекс", "поштовий індекс", "mã bưu",
                              "kode pos", "รหัสไปรษณีย์", "우편번호")),
             ("address", ("address", "street", "地址", "straße", "adresse", "anschrift",
                          "dirección", "endereço", "indirizzo", "住所", "adres", "адрес", "адреса",
                          "διεύθυνση", "địa chỉ", "alamat", "adresa", "ที่อยู่", "주소")),
             ("city", ("city", "城市", "ville", "ciudad", "cidade", "città", "miasto", "şehir",
                       "город", "місто", "πόλη", "thành phố", "kota", "město", "woonplaats"))]
# The same for a deal's stage and probability, in a heading of any wording ("Phase du
# deal", "Etapa de venta", "Verkaufsphase 2024", "商談のフェーズ", "영업 단계"), after those.
_DEAL_GUESSES = [("stage", STAGE_WORDS),
                 ("probability", ("probability", "probabilit", "probabilid", "wahrscheinlichkeit", "kans",
                                  "szansa", "olasılık", "вероятность", "ймовірність", "pravděpodobnost",
                                  "valószínűség", "确度", "確度", "概率", "赢率", "可能性", "확률", "가능성"))]
SHORT_GUESS_WORD = 4     # letters: a guess word this short must be a whole word of the header
# Scripts written without spaces between words: a guess word may sit anywhere in a header.
_SPACELESS = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")

_WORD_SPLIT = re.compile(r"[^\w]+|_")
_CAMEL = re.compile(r"(?<=[a-z\u00df-\u00ff])(?=[A-Z\u00c0-\u00de])")


@lru_cache(maxsize=4096)
def _normed_word(word: str) -> str:
    return norm(word)


@lru_cache(maxsize=4096)
def _header_words(header: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A header's words as `_contains_word` compares them, worked out once per header (a
    file's every header is compared with every guess word): (words, the words without
    accents, (the header from each word on, the same without accents))."""
    text = fold(_CAMEL.sub(" ", header))
    tokens = tuple(t for t in _WORD_SPLIT.split(text) if t)
    rests = tuple(("".join(tokens[i:]), _plain_latin("".join(tokens[i:]))) for i in range(len(tokens)))
    return tokens, tuple(_plain_latin(t) for t in tokens), rests


def _contains_word(header: str, n: str, word: str) -> bool:
    """Does the header hold `word` (a `_CONTAINS` guess word)? A word in a script written
    without spaces (手机, 電話, มือถือ) may sit anywhere in the header. A word of a script
    with spaces (Latin, Cyrillic, Greek) must begin a word of the header ("Tel." ,
    "Telefonnummer", "E-Mail-Adresse", "HomePhone", "Мобильный телефон"), or, if it
    is an English word of five letters or more, end one ("homephone"): "cell" in "Cancelled at", "tel" in
    "Hotel", "city" in "Ethnicity" or "город" in "Пригород" are not phone or city columns.
    A word of SHORT_GUESS_WORD letters or fewer must be a whole word ("Tel.", "TelNr")."""
    w = _normed_word(word)
    if _SPACELESS.search(w):
        return w in n
    tokens, plains, rests = _header_words(str(header))
    for i, tok in enumerate(tokens):
        forms = {tok, plains[i]}
        if len(w) <= SHORT_GUESS_WORD:
            # "tel", "cell", "zip", "kota" only as a word of their own: not "Telegram",
            # "Cellar", "Kotak" (the longer words that begin so are listed: "telefon")
            if w in forms:
                return True
            continue
        rest, plain_rest = rests[i]
        if rest.startswith(w) or plain_rest.startswith(w):
            return True
        if len(w) >= 5 and w.isascii() and any(f.endswith(w) for f in forms):
            return True
    return False


HELPER_TARGETS = {"first_name": "First Name", "middle_name": "Middle Name",
                  "last_name": "Last Name", "is_company": "Is a Company",
                  "customer_ref": "Customer Ref", "customer_name": "Customer Name",
                  "customer_segment": "Customer Segment", "customer_country": "Customer Country",
                  "customer_postal_code": "Customer Postal Code",
                  "customer_email": "Customer Email", "customer_phone": "Customer Phone",
                  "customer_first_name": "Customer First Name",
                  "customer_last_name": "Customer Last Name", "customer_company": "Customer Company",
                  "deal_status": "Deal Status"}


def field_list(kind: str) -> list[dict]:
    """The fields a column of `kind` records can go to, as `--map "Column=Field"` takes
    them: [{"field": its name, "kind": text/email/phone/date/…, "headers": a few of the
    headers read as it without --map}], in the record's own order, helpers last."""
    ent = entity_for(kind)
    out = []
    for key, label in targets(ent).items():
        words = [w for w in SYNONYMS[ent.kind].get(key, ()) if norm(w) != norm(label)]
        words += [w for w in hw.EXPORT_WORDS.get(ent.kind, {}).get(key, ()) if w.isascii()]
        shown = list(dict.fromkeys(words))[:4]
        out.append({"field": label, "note": _HELPER_NOTES.get(key, ""),
                    "headers": ", ".join(shown) + (" …" if len(words) > len(shown) else "")})
    return out


_HELPER_NOTES = {"first_name": "joined into Name", "middle_name": "joined into Name",
                 "last_name": "joined into Name", "is_company": "yes/no: sets Type",
                 "customer_ref": "the customer's id in the other program (tag src:ID)",
                 "customer_name": "the customer the row belongs to (created when missing)",
                 "customer_segment": "the customer's segment", "customer_country": "the customer's country",
                 "customer_postal_code": "the customer's postal code",
                 "customer_email": "the customer's email", "customer_phone": "the customer's phone"}


def entity_for(kind: str) -> Entity:
    key = KINDS.get(str(kind).strip().lower())
    if key is None:
        raise ImportRefused(f"cannot import {kind!r}; use one of: " + ", ".join(IMPORT_KINDS))
    return ENTITIES[key]


# Fields the store sets itself on a record typed in, but an import takes from its file:
# a help desk's own due times are the ticket's (its SLA policy, its business hours), not
# what our targets would compute (domain.sla).
# So is the time a ticket last changed (Zendesk "Updated at"): a ticket still Pending
# there has been paused since then (domain.sla), not since the import.
FROM_FILE: dict[str, frozenset[str]] = FROM_IMPORT     # (domain.schema)


def _writable(ent: Entity) -> dict[str, str]:
    given = FROM_FILE.get(ent.kind, frozenset())
    return {f.key: f.header for f in ent.fields
            if (f.editable or f.key in given) and (not f.internal or f.key in given) and f.kind != "ref"}


def targets(ent: Entity) -> dict[str, str]:
    """Target key -> label of every target a column of this entity may go to."""
    out = dict(_writable(ent))
    for key in (*SYNONYMS[ent.kind], *shop_orders.WORDS.get(ent.kind, ())):
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
    # a Turkish dotless "ı" in capitals is "I", which folds to a dotted "i" ("AÇIKLAMA")
    return {f for f in (n, _plain_latin(n), _ascii_latin(n), _ascii_latin(lowered), n.replace("ı", "i")) if f}


@lru_cache(maxsize=None)
def _tables(kind: str) -> tuple[dict[str, tuple[str, int]], dict[str, tuple[str, ...]]]:
    ent = ENTITIES[kind]
    allowed = targets(ent)
    lists: dict[str, list[str]] = {key: [] for key in allowed}
    lists.update(SYNONYMS[kind])
    claims: dict[str, dict[str, int]] = {}
    for key in allowed:
        # a record with no email or phone of its own (an order) takes the traditional
        # headings for them as its customer's
        own = key.removeprefix("customer_") if key in ("customer_email", "customer_phone") \
            and key.removeprefix("customer_") not in allowed else key
        words = [allowed[key], key, *lists.get(key, ()), *_TRADITIONAL.get(own, ()),
                 *hw.WORDS.get(kind, {}).get(key, ()), *hw.EXPORT_WORDS.get(kind, {}).get(key, ()),
                 *shop_orders.WORDS.get(kind, {}).get(key, ())]
        words += [hw.traditional(w) for w in words if hw.traditional(w) != w]
        for rank, word in enumerate(words):
            rank += shop_orders.SHIPPING_RANK if shop_orders.is_shipping(word) else 0
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
    # an opt-out heading ("Email Opt Out") mapped to Marketing Consent: read inverted (opt_out)
    inverted: bool = False

    def as_dict(self) -> dict:
        out = {"column": self.header, "field": self.target, "how": self.how}
        if self.could_be:
            out["could_be"] = list(self.could_be)
        if self.inverted:
            out["inverted"] = True
        return out


@dataclass
class Mapping:
    entity: Entity
    columns: list[ColumnMap]
    labels: dict[str, str] = field(default_factory=dict)
    # What the mapping decided beyond one header's words, for the summary:
    # {"what", "decided", "evidence"} (e.g. which of several addresses a record takes).
    decisions: list[dict] = field(default_factory=list)
    # Several addresses per row: [(address name, {field: column})], the one the mapping
    # took first, then the others by preference (a row without the first takes the next).
    address_groups: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    # A name joined from its parts starts with the family name (name_order)
    family_first: bool = False
    # SAP's "Name 2" beside the "Name 1" taken as the name: (its column, the name field);
    # plan joins it to the name in a row where it continues it (name_continues)
    name_continuation: tuple[int, str] | None = None
    # The columns joined into Address, in line order (_address_lines)
    address_lines: tuple[int, ...] = ()
    # A phone number in parts (area code + number, 電話番号1/2/3): its columns in order (_phone_parts)
    phone_parts: tuple[int, ...] = ()
    # A mobile number in parts (Xero's MobileCountryCode + MobileAreaCode + MobileNumber)
    mobile_parts: tuple[int, ...] = ()
    # A house number column joined to the street (_house_number): column -> "after" (street
    # number), "before" (number street) or "country" (by the row's country); a Dutch
    # addition column -> "suffix" (joined to the number)
    house_numbers: dict[int, str] = field(default_factory=dict)
    # date field -> the position of the column giving its time of day (importer.time_columns)
    time_columns: dict[str, int] = field(default_factory=dict)

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


def names_whole(ent: Entity, header: str) -> bool:
    """Does a synonym of `ent` name the whole heading (not one of its words)?"""
    return norm(header) in _synonym_table(ent)


def known_header_count(ent: Entity, headers: list[str]) -> int:
    """How many of `headers` name a field, whole or in parts ("Person - Email - Work")."""
    table = _synonym_table(ent)
    return sum(1 for h in headers if norm(h) in table or segment_hit(ent, h))


def kind_hints(ent: Entity, headers: list[str]) -> list[tuple[str, list[str]]]:
    """Other kinds of record these headers look like: [(kind, its own headers found)],
    best first; a kind counts only headers that would mean nothing for `ent`."""
    mine = _synonym_table(ent)
    # Headers `ent` could read but left unmapped (another column took their field):
    # "Customer" beside "Name" in a contacts file imported as customers.
    unused = {c.header for c in build_mapping(ent, headers).columns if c.target is None} if ent.kind == "customer" \
        else set()
    found = []
    best = _top_kind(headers)
    for kind in IMPORT_KINDS:
        other = ENTITIES[KINDS[kind]]
        if other.kind == ent.kind or kind != best:
            # Only the kind the headers say most for: invoices and payments are orders
            # though their contact columns would make customers.
            continue
        table = _synonym_table(other)
        own = [h for h in headers if norm(h) in table
               and (norm(h) not in mine or (h in unused and table[norm(h)][0] in _CUSTOMER_LINKS))]
        # A column naming the customer a row belongs to ("Customer", "Account") says the
        # rows are not customers themselves: with one more such header it is enough.
        links = ent.kind == "customer" and any(norm(h) in table and table[norm(h)][0] in _CUSTOMER_LINKS
                                               for h in headers)
        # Headers holding the kind's own words ("Gross Sales", "Transaction ID") count too.
        signals = [h for h in headers if h not in own and _signals(other, h)]
        if len(own) >= KIND_HINT_MIN or (links and len(own) >= 2) or len(signals) >= 2:
            found.append((kind, own + signals))
    return sorted(found, key=lambda k: -len(k[1]))


def clear_other_kind(ent: Entity, headers: list[str]) -> tuple[str, list[str]] | None:
    """(kind, its headers found) when the headers say clearly that the rows are another
    kind of record than `ent`: the kind `kind_hints` names first, with a `kind_score`
    more than twice `ent`'s (Shopify's orders export: 27 to the customers' 5; its "Name"
    column is the order number "#1003"). None when the evidence is thinner: the summary
    then only says what the headers look like."""
    hints = kind_hints(ent, headers)
    if not hints:
        return None
    kind, own = hints[0]
    if kind_score(ENTITIES[KINDS[kind]], headers) > 2 * kind_score(ent, headers):
        return kind, own
    return None


def _top_kind(headers: list[str]) -> str | None:
    """The import kind the headers say most for (kind_score), or None for a tie."""
    scored = sorted(((kind_score(ENTITIES[KINDS[k]], headers), k) for k in IMPORT_KINDS), reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


KIND_HINT_MIN = 3
# The columns a customer's Name may come from: a file with none of them stops (every row
# would be refused for want of a name; an Email column alone does not name anyone).
CUSTOMER_NAME_SOURCES = ("name", "first_name", "last_name", "company")
# Columns that say which customer a row belongs to (a name may come in parts, or be a company's).
CUSTOMER_LINKS = ("customer_ref", "customer_name", "customer_first_name", "customer_last_name",
                  "customer_company")
_CUSTOMER_LINKS = CUSTOMER_LINKS
# Columns that can tell a row's customer without a name or id: found by them as duplicate
# checks compare them (plan.CustomerLinker._by_contact_only); an email alone may create one.
CUSTOMER_CONTACT_LINKS = ("customer_email", "customer_phone")


def links_customer(m: "Mapping") -> bool:
    """Does a column of the file say which customer a row belongs to: an id or name, or
    the customer's email or phone?"""
    return any(m.has(t) for t in CUSTOMER_LINKS + CUSTOMER_CONTACT_LINKS)

# Words in headers that say which kind of record a file holds, whatever field they map
# to: invoices and payments are orders ("InvoiceNumber", "Net Sales", "Transaction ID",
# "价税合计"), help-desk exports tickets ("Requester", "Agent", "Solved at"). Matched as in
# _contains_word (a Latin word begins a word of the header; other scripts anywhere).
KIND_SIGNALS: dict[str, tuple[str, ...]] = {
    "customer": ("birthday", "gender", "newsletter",
                 "subscribed", "member", "会员", "生日", "性别"),
    "order": ("invoice", "order", "payment", "charge", "transaction", "receipt", "sales", "subtotal",
              "tax", "sku", "unit price", "unitamount", "line amount", "lineamount", "lineitem", "refund", "balance",
              "发票", "订单", "单据", "价税合计", "收款", "销售", "含税", "rechnung", "bestell", "facture",
              "commande", "pedido", "注文", "請求", "zamówien", "sipariş", "заказ", "замовлен",
              "παραγγελ", "đơn hàng", "objednáv", "pesanan", "คำสั่งซื้อ", "bestelling", "ordernummer"),
    "ticket": ("ticket", "requester", "agent", "priority", "solved", "resolved", "sla", "satisfaction",
               "first response", "first reply", "工单", "工單", "问题描述"),
    "opportunity": ("deal", "opportunity", "stage", "probability", "pipeline", "forecast", "商机", "阶段"),
    "interaction": ("activity", "interaction", "meeting", "跟进", "拜访"),
    "contact": ("job title", "primary contact", "职位", "职务"),
}


def kind_score(ent: Entity, headers: list[str]) -> int:
    """How much the headers say for `ent`: each header its synonyms know counts 1, each
    header holding one of its KIND_SIGNALS words 2 more."""
    table = _synonym_table(ent)
    score = 0
    for h in headers:
        n = norm(h)
        if n in table or table.get(_unprefixed(ent.kind, n)):
            score += 1
        if _signals(ent, h):
            score += 2
    return score


def _signals(ent: Entity, header: str) -> bool:
    """Does the header hold one of `ent`'s KIND_SIGNALS words, as evidence for that kind?
    Not when another kind's synonyms name the whole heading and `ent`'s do not: HubSpot's
    French "Phase de la transaction" is a deal's stage, its "transaction" no sign of an order."""
    n = norm(header)
    if not any(_contains_word(header, n, w) for w in KIND_SIGNALS.get(ent.kind, ())):
        return False
    if n in _synonym_table(ent) or _synonym_table(ent).get(_unprefixed(ent.kind, n)):
        return True
    return not any(n in _synonym_table(ENTITIES[KINDS[k]]) for k in IMPORT_KINDS if KINDS[k] != ent.kind)


def name_part_columns(headers: list[str]) -> dict[str, str]:
    """{"first_name"/"last_name": the first heading a customers file would map to it}
    ("Vezetéknév" -> last_name, "Keresztnév" -> first_name): for a refusal's --map example."""
    table = _synonym_table(ENTITIES["customer"])
    out: dict[str, str] = {}
    for h in headers:
        hit = table.get(norm(h))
        if hit and hit[0] in ("first_name", "last_name"):
            out.setdefault(hit[0], h)
    return out


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
        if not _has_required(other, m) or kind != _top_kind(headers):
            # A kind that needs little (a customer needs only a name) fits many files; it is
            # named only when the headers say more for it than for the kind asked for.
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
        return any(m.has(t) for t in CUSTOMER_NAME_SOURCES)
    if not links_customer(m):
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
                  profile: dict[str, str] | None = None,
                  shapes: dict[int, "own_columns.Shapes"] | None = None) -> Mapping:
    """Map each header; profile entries come before synonyms, --map overrides win over all.
    `shapes`: {header position: the shapes of its values} (own_columns.tally): a column
    mapped by a word of its heading (not a synonym of the whole) is then checked against
    its values, and a heading naming another party or thing is never the record's own
    field (own_columns)."""
    allowed = targets(ent)
    shapes = shapes or {}
    not_own: dict[int, str] = {}            # header position -> why it is not the record's own field

    def own(i: int, target: str, record: bool = True) -> bool:
        """May column i be the record's own `target`, by its heading's qualifier and its
        values? Records why not (for the summary)."""
        if target in own_columns.PHONE_FIELDS and target != "fax" and names_fax(headers[i]):
            if record:              # "Fax Phone", "Phone Fax", "FAX電話": a fax number, kept in Notes
                not_own[i] = f"'{headers[i]}' names a fax number, not the {allowed[target]}"
            return False
        if target not in own_columns.CHECKED_FIELDS:
            return True
        other = own_columns.other_party(ent.kind, headers[i])
        if other is not None:
            if record:
                not_own[i] = (f"'{headers[i]}' is not the {ent.label.lower()}'s own {allowed[target]}: "
                              f"{other.says(ent.label.lower())}")
            return False
        why = own_columns.misfit(target, shapes.get(i))
        if why is not None:
            if record:
                not_own.setdefault(i, f"'{headers[i]}' is not {allowed[target]}: {why}")
            return False
        return True

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
        if prev is not None and prev != i and target in SEVERAL_COLUMNS:
            chosen[i] = ColumnMap(headers[i], target, how)     # all of them: plan joins the values
            return
        if (prev is not None and prev != i and target == "address" and how in ("override", "profile")
                and chosen[prev].how == how):
            # --map "Street=Address" --map "City=Address": both, joined in the file's column
            # order (as several columns given to Notes all go there)
            chosen[i] = ColumnMap(headers[i], target, how)
            taken[target] = min(prev, i)
            return
        if prev is not None and prev != i:
            chosen[prev] = ColumnMap(headers[prev], None, "unmapped")
        taken[target] = i
        chosen[i] = ColumnMap(headers[i], target, how)

    fixed: set[int] = set()
    houses_given: set[int] = set()      # --map "No=House number": joined to the street (_house_number)
    readings: dict[int, bool] = {}          # column -> read inverted, as --map "X=Marketing Opt-Out" says
    for source, layer in (("profile", profile or {}), ("override", overrides or {})):
        for column, words in layer.items():
            i = find(column)
            if i is None:
                if source == "override":
                    raise ImportRefused(f"--map names column '{column}', but the file has no such "
                                        "column; its columns are: "
                                        + ", ".join(f"'{h}'" for h in headers))
                continue
            if words not in (None, "") and norm(words) in HOUSE_NUMBER_OPTION and "address" in allowed:
                houses_given.add(i)
                continue
            if (reading := opt_out.target_reading(words or "")) is not None and opt_out.CONSENT in allowed:
                assign(i, opt_out.CONSENT, source)
                readings[i] = reading
                fixed.add(i)
                continue
            readings.pop(i, None)
            assign(i, resolve_target(ent, words) if words not in (None, "") else IGNORE, source)
            fixed.add(i)

    table, ambiguous = _synonym_table(ent), _ambiguous_table(ent)
    candidates: list[tuple[int, int, str]] = []
    items: set[int] = set()             # headings giving the type of an email, phone, address…
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
        if (i < lead or n in IGNORED_HEADERS or h.strip() in OWN_BOOKKEEPING or h.strip() in own_sheet
                or h.strip() in _computed(ent.kind)[0] or (own_sheet and h.strip() in _computed(ent.kind)[1])):
            chosen[i] = ColumnMap(h, None, "ignored")
            continue
        if looks_secret(h):
            chosen[i] = ColumnMap(h, None, "secret")
            continue
        if describes_item(h):
            items.add(i)            # "E-mail 1 - Type": work or home, not the customer's Type
            continue
        hit = (table.get(n) or table.get(_unprefixed(ent.kind, n)) or (None if n in ambiguous else segment_hit(ent, h))
               or address_part_hit(table, h)
               or numbered_hit(table, n) or _currency_headed_hit(ent, table, h) or _percent_headed_hit(table, n)
               or _zone_headed_hit(ent, table, h) or _figures_headed_hit(ent, table, h)
               or number_of_hit(ent, table, h) or two_language_hit(ent, table, h))
        if hit and hit is not table.get(n) and not own(i, hit[0]):
            continue                # "Parent Company", "Sales Rep - Email": kept in Notes
        if hit and hit[0] in ("city", "province", "customer_city", "customer_province") \
                and own_columns.not_places(shapes.get(i)):
            not_own[i] = f"'{h}' holds numbers or months' names, not places"
            continue
        if hit and hit[0] in ("name", "customer_name") and (own_columns.numbers_not_names(shapes.get(i))
                                                             or own_columns.ids_not_names(shapes.get(i))):
            # SAP's "Kunde" (customer) holds customer numbers, Stripe's "customer" the ids
            # cus_…: the customer's id in that system, never a name
            ref = "customer_ref" if "customer_ref" in allowed else None
            held = ("numbers" if own_columns.numbers_not_names(shapes.get(i)) else
                    f"another system's ids ({', '.join(repr(v) for v in shapes[i].opaque_examples[:2])})")
            not_own[i] = (f"'{h}' holds {held}, not names" + (": taken as the customer's id in the other "
                                                               "system (Customer Ref)" if ref else ""))
            if ref:
                candidates.append((hit[1], i, ref))
            continue
        if hit:
            candidates.append((hit[1], i, hit[0]))
        elif n in ambiguous:
            chosen[i] = ColumnMap(h, None, "unmapped", tuple(k for k in ambiguous[n] if k in allowed))
    # a contact person's heading ranks after the organisation's for the customer a record
    # belongs to: "Associated Company" beside "Associated Contact" is the customer
    people = {i for _r, i, t in candidates if t == "customer_name" and _names_contact_person(headers[i])}
    if people and any(t == "customer_name" and i not in people for _r, i, t in candidates):
        candidates = [(r + 10 * SEGMENT_RANK if i in people and t == "customer_name" else r, i, t)
                      for r, i, t in candidates]
    for rank, i, target in sorted(candidates):
        if target in taken and target not in SEVERAL_COLUMNS:
            continue
        assign(i, target, "synonym")
    lead_customer = taken.get("customer_name")
    passed = [i for i, h in enumerate(headers) if chosen[i].target is None and chosen[i].how == "unmapped"
              and i not in fixed and _names_contact_person(h)] if "customer_name" in allowed else []
    person_decisions: list[dict] = []
    if lead_customer is not None and lead_customer not in people and passed:
        person_decisions.append({"what": "customer and contact person",
                          "decided": f"'{headers[lead_customer]}' is the customer; "
                                     + ", ".join(f"'{headers[i]}'" for i in passed)
                                     + " the contact person, kept in Notes",
                          "evidence": "the file names both the organisation and a person at it: the record "
                                      "belongs to the organisation (--map \"Column=Customer Name\" says otherwise)"})
    _split_half_names(headers, chosen, taken)
    short_decisions = _short_name(ent, headers, chosen, taken, fixed)
    country = "country" if "country" in allowed else "customer_country" if "customer_country" in allowed else None
    for i, h in enumerate(headers):
        if (country and country not in taken and i not in fixed and i not in items and chosen[i].how == "unmapped"
                and not chosen[i].could_be and i not in not_own and names_a_country(h) and own(i, country)):
            assign(i, country, "guess")

    def guesses(i: int, h: str):
        """The fields a heading's words guess, most specific first."""
        n = norm(h)
        last = _last_word_field(table, h) if n not in table else None
        if last is not None and last in allowed:
            yield last                    # "Postal Address Country" is a country
        if _last_word_names_someone(table, h):
            return                        # Shopify's "Default Address Company" is no street address
        supplement = is_address_supplement(h)
        for target, words in (*_CONTAINS, *_DEAL_GUESSES):
            if target == "address" and supplement:
                continue                  # "Adresszusatz" is no street address alone (_address_lines)
            if target in allowed and any(_contains_word(h, n, w) for w in words):
                yield target

    open_columns = [i for i, h in enumerate(headers) if not (i in fixed or i in items or i in not_own
                                                             or chosen[i].how != "unmapped" or chosen[i].could_be)]
    # Two columns guessing one field: the one whose values fit it better takes it ("IP
    # Address" beside "Address 2"); on equal evidence the first, as before.
    wanted: dict[str, list[int]] = {}
    for i in open_columns:
        first = next(iter(guesses(i, headers[i])), None)
        if first is not None and first not in taken and own(i, first, record=False):
            wanted.setdefault(first, []).append(i)
    reserved = {target: max(cols, key=lambda i: (own_columns.fit_score(target, shapes.get(i)), -i))
                for target, cols in wanted.items() if len(cols) > 1 and shapes}
    for i in open_columns:
        for target in guesses(i, headers[i]):
            if target in taken or reserved.get(target, i) != i:
                continue
            if own(i, target):
                assign(i, target, "guess")
            break
    for target, i in reserved.items():
        rivals = [j for j in wanted[target] if j != i]
        if chosen[i].target == target and any(own_columns.fit_score(target, shapes.get(j))
                                              < own_columns.fit_score(target, shapes.get(i)) for j in rivals):
            for j in rivals:
                not_own.setdefault(j, f"'{headers[j]}' is not {allowed[target]}: '{headers[i]}' is, its values "
                                      "fit the field better")
    code_decisions = _currency_by_codes(ent, headers, chosen, taken, fixed, shapes, assign)
    address_groups: list[tuple[str, dict[str, int]]] = []
    decisions = _one_address_group(ent, headers, chosen, taken, fixed, address_groups)
    decisions.extend(person_decisions + short_decisions)
    decisions.extend(code_decisions)
    continuation = _name_continuation(headers, chosen, taken, fixed)
    if continuation is not None:
        decisions.append({"what": "Name 1 and Name 2", "decided": f"'{headers[continuation[0]]}' joined to "
                                                     f"'{headers[taken[continuation[1]]]}' in a row where it "
                                                     "continues it, else kept in Notes",
                          "evidence": "SAP writes a customer's name in Name 1 and its continuation in Name 2; "
                                      "Name 2 continues Name 1 when the two together end with a legal form Name 1 "
                                      "lacks (\"… und Anlagen-\" + \"technik GmbH\") or one is cut off (a hyphen, "
                                      "'&', 'und'/'and' at the end of Name 1, a small letter or '&' at the start of "
                                      "Name 2; a word cut without a hyphen, \"…gesellsch\" + \"aft mbH\", is joined without a "
                                      "space); an attention line or person (\"z. Hd. Frau Meier\", \"c/o\", "
                                      "\"Attn\") or a department is not (--map \"Name 2=-\" leaves it out)"})
    given_lines = tuple(i for i in sorted(fixed) if chosen[i].target == "address")
    if len(given_lines) > 1:
        line_decisions, address_lines = _given_address_lines(headers, chosen, given_lines)
    else:
        line_decisions, address_lines = _address_district(
            headers, chosen, taken, fixed | set(not_own), not_own,
            _address_lines(headers, chosen, taken, fixed | set(not_own), not_own))
    decisions.extend(line_decisions)
    house_decisions, address_lines, house_numbers = _house_number(headers, chosen, taken, fixed | set(not_own),
                                                                  address_lines, houses_given)
    decisions.extend(house_decisions)
    part_decisions, phone_parts = _phone_parts(ent, headers, chosen, taken, fixed | set(not_own), shapes)
    decisions.extend(part_decisions)
    part_decisions, mobile_parts = _mobile_parts(ent, headers, chosen, taken, fixed | set(not_own), shapes)
    decisions.extend(part_decisions)
    slots = phone_slots(headers) if {"phone", "mobile"} <= set(allowed) else []
    if slots and not any(v in fixed for v, _label in slots):
        decisions.append({"what": "phone labels",
                          "decided": "each number to Mobile or Phone by its label",
                          "evidence": ", ".join(f"'{headers[v]}' by '{headers[lab]}'" for v, lab in slots)
                          + ": Mobile/Cell to Mobile, Work/Home/Main/other to Phone; the numbers left "
                          "over go to Notes with their label"})
    for target in SEVERAL_COLUMNS:
        cols = [c.header for c in chosen if c.target == target]
        if len(cols) > 1:
            decisions.append({"what": allowed[target], "decided": " and ".join(f"'{h}'" for h in cols) + " together",
                              "evidence": f"{len(cols)} columns name {allowed[target].lower()} (a label, a tag, "
                                          "a group); each row's values of all of them are kept, once each "
                                          f"(--map \"Column=-\" leaves one out)"})
    family_first, order_decision = name_order(headers, taken)
    if not any(i in fixed for i in taken.values()) and _vcard_n(headers, chosen, taken, allowed):
        decisions.append({"what": "vCard N column",
                          "decided": f"'{headers[taken['name']]}' is the Name, its parts (family;given;additional;"
                                     "prefix;suffix) joined in reading order",
                          "evidence": "the file has no full-name column and its other headings are vCard "
                                      "properties (" + ", ".join(f"'{h}'" for h in headers if _is_vcard_property(h))
                                      + "); --map \"N=-\" leaves it out"})
    decisions.extend(order_decision)
    decisions.extend(_paypal_activity(headers, chosen, taken, fixed, allowed))
    decisions.extend(_square_transactions(headers, chosen, taken, fixed, allowed))
    if "amount" in allowed and "currency" in allowed:
        # a multicurrency report: the amount in the row's currency, not the home one (paid_amount)
        decisions.extend(paid_amount.foreign_swap(headers, chosen, ColumnMap))
    if "amount" in allowed:
        # an invoice list's amount paid so far beside the amount still owed: the total (paid_amount)
        decisions.extend(paid_amount.invoice_total(headers, chosen, ColumnMap))
    decisions.extend(opt_out.settle(headers, chosen, taken, fixed, readings, allowed, ColumnMap))
    left = [i for i in sorted(not_own) if chosen[i].target is None and chosen[i].how == "unmapped"]
    if left:
        decisions.append({"what": "columns not the record's own",
                          "decided": "left out, kept in Notes: " + ", ".join(f"'{headers[i]}'" for i in left),
                          "evidence": "; ".join(not_own[i] for i in left)
                          + " (--map \"Column=Field\" says otherwise)"})
    return Mapping(ent, chosen, allowed, decisions=decisions, address_groups=address_groups,
                   family_first=family_first, address_lines=address_lines, name_continuation=continuation,
                   phone_parts=phone_parts, mobile_parts=mobile_parts, house_numbers=house_numbers)


_FAMILY_FIRST = frozenset(f for w in hw.FAMILY_NAME_FIRST for f in _forms(w))


# PayPal's activity download ("Download activity" as CSV), in the languages PayPal writes
# it: the headings that make a file one (the amount charged, the fee, the net and the
# transaction's id, all four), and the fields of an order its columns then are. "Gross"
# alone says nothing (gross pay, gross margin, a weight); "Name" alone is Shopify's
# order name ("#1001"). With the whole set, Gross is what the customer paid, Name who
# paid, the sender's address theirs, and the Transaction ID the payment's own number
# (refund rows name it in "Reference Txn ID": importer.refunds).
PAYPAL_ACTIVITY = (
    {"amount": "Gross", "fee": "Fee", "net": "Net", "order_number": "Transaction ID",
     "customer_name": "Name", "customer_email": "From Email Address"},
    {"amount": "Brutto", "fee": "Gebühr", "net": "Netto", "order_number": "Transaktionscode",
     "customer_name": "Name", "customer_email": "Absender E-Mail-Adresse"},
    {"amount": "Brut", "fee": "Frais", "net": "Net", "order_number": "Numéro de transaction",
     "customer_name": "Nom", "customer_email": "De l'adresse email"},
    {"amount": "Bruto", "fee": "Tarifa", "net": "Neto", "order_number": "Id. de transacción",
     "customer_name": "Nombre", "customer_email": "Correo electrónico del remitente"},
)
_PAYPAL_SIGNATURE = ("amount", "fee", "net", "order_number")


def _claim(i: int | None, target: str, headers: list[str], chosen: list["ColumnMap"], taken: dict[str, int],
           fixed: set[int], allowed: dict[str, str], done: list[str], displace: bool) -> None:
    """Map column `i` to `target` on a payment export's evidence (PayPal, Square), unless
    --map or a profile fixed the column or the field, or (`displace` False) another column
    already has the field; the column it displaces is left unmapped. Appends to `done`."""
    if i is None or i in fixed or target not in allowed or chosen[i].target == target:
        return
    prev = taken.get(target)
    if prev is not None and (prev in fixed or not displace):
        return
    if prev is not None:
        chosen[prev] = ColumnMap(headers[prev], None, "unmapped")
    if chosen[i].target is not None:
        taken.pop(chosen[i].target, None)
    taken[target] = i
    chosen[i] = ColumnMap(headers[i], target, "evidence")
    done.append(f"'{headers[i]}' as {allowed[target]}")


def _paypal_activity(headers: list[str], chosen: list["ColumnMap"], taken: dict[str, int], fixed: set[int],
                     allowed: dict[str, str]) -> list[dict]:
    """Map the columns of a PayPal activity download (PAYPAL_ACTIVITY) that no synonym,
    profile or --map took: for orders, Gross to Amount, Name to Customer Name, the
    sender's address to Customer Email, Transaction ID to Order Number (an Invoice
    Number column then keeps its text in Notes: PayPal fills it only when the shop sent
    one). Returns the summary's decision, or [] for any other file."""
    if "amount" not in allowed:
        return []
    at = {norm(h): i for i, h in enumerate(headers)}
    for words in PAYPAL_ACTIVITY:
        if all(norm(words[k]) in at for k in _PAYPAL_SIGNATURE):
            break
    else:
        return []
    done = []
    for target in ("amount", "customer_name", "customer_email", "order_number"):
        # (--map or a profile said, or the file has its own column for it: only PayPal's
        # Transaction ID displaces another order number)
        _claim(at.get(norm(words[target])), target, headers, chosen, taken, fixed, allowed, done,
               displace=target == "order_number")
    if not done:
        return []
    shown = ", ".join(f"'{headers[at[norm(words[k])]]}'" for k in _PAYPAL_SIGNATURE)
    return [{"what": "PayPal activity download", "decided": "; ".join(done),
             "evidence": f"the headings {shown} together are PayPal's: Gross is what the customer paid "
                         "(the fee and net are kept in Notes), Name and the sender's address are who paid; "
                         "--map \"Column=Field\" says otherwise"}]


# Square's transactions report (Dashboard > Transactions > Export): "Gross Sales" (before
# discounts), "Discounts", "Net Sales" (after them, before tax), "Tax", "Tip" and "Total
# Collected" (what the customer paid: the net sales with tax and tip), one row per payment
# named by its "Transaction ID".
_SQUARE_SIGNATURE = ("gross sales", "net sales", "transaction id")
_SQUARE_PAID = "total collected"


def _square_transactions(headers: list[str], chosen: list["ColumnMap"], taken: dict[str, int], fixed: set[int],
                         allowed: dict[str, str]) -> list[dict]:
    """Map the columns of a Square transactions export that no profile or --map took, as
    PayPal's (what the customer paid is the amount): Total Collected to Amount (never Net
    Sales, which leaves out tax and tip, nor Gross Sales, before discounts), Transaction ID
    to Order Number. Returns the summary's decision, or [] for any other file."""
    if "amount" not in allowed:
        return []
    at = {norm(h): i for i, h in enumerate(headers)}
    if not all(norm(w) in at for w in _SQUARE_SIGNATURE):
        return []
    from .refunds import refund_columns

    # Total Collected is after the row's partial refunds: beside a refund column (subtracted
    # from the amount, importer.refunds) it would count them twice, so the amount stays
    refunded = [headers[j] for j in refund_columns(headers)]
    done = []
    for target, word in (("amount", _SQUARE_PAID), ("order_number", "transaction id")):
        if target == "amount" and refunded:
            continue
        _claim(at.get(norm(word)), target, headers, chosen, taken, fixed, allowed, done, displace=True)
    if not done:
        return []
    kept = ", ".join(f"'{h}'" for h in headers if norm(h) in {norm(w) for w in ("gross sales", "discounts", "net sales", "tax", "tip")})
    return [{"what": "Square transactions export", "decided": "; ".join(done),
             "evidence": "the headings 'Gross Sales', 'Net Sales' and 'Transaction ID' together are Square's: "
                         + ("Total Collected is what the customer paid (net sales with tax and tip); "
                            if norm(_SQUARE_PAID) in at and not refunded else "")
                         + (f"Total Collected is after the partial refunds of '{refunded[0]}', which are subtracted "
                            "from the amount, so it is not taken; " if refunded and norm(_SQUARE_PAID) in at else "")
                         + (f"{kept} are kept in Notes; " if kept else "")
                         + "--map \"Column=Field\" says otherwise"}]


def name_order(headers: list[str], taken: dict[str, int]) -> tuple[bool, list[dict]]:
    """(whether a name joined from First/Last starts with the family name, the summary's
    decision): so when the family-name column's heading is a word of a language that
    writes names family first ("Họ", "Vezetéknév", "姓", "성"). Names written in Chinese
    or Korean characters are joined family first whatever the heading (plan._join_name)."""
    # an order's, contact's or ticket's customer in parts follows the same rule
    pre = "" if "last_name" in taken else "customer_"
    last = taken.get(pre + "last_name")
    if (last is None or not ({pre + "first_name", pre + "middle_name"} & set(taken))
            or norm(headers[last]) not in _FAMILY_FIRST):
        return False, []
    parts = [headers[taken[pre + k]] for k in ("last_name", "middle_name", "first_name") if pre + k in taken]
    return True, [{"what": "name order",
                   "decided": "family name first: " + " + ".join(f"'{h}'" for h in parts),
                   "evidence": f"'{headers[last]}' is the family name in a language that writes it first "
                               f"(--map \"Column={pre and 'Customer '}First Name\" / \"Column={pre and 'Customer '}"
                               "Last Name\" says otherwise)"}]


# vCard properties (RFC 6350 section 6) as a converter writes them as CSV headings.
_VCARD_PROPERTIES = frozenset({"FN", "N", "ORG", "TITLE", "ROLE", "EMAIL", "TEL", "ADR", "NOTE", "URL", "BDAY",
                               "NICKNAME", "UID", "CATEGORIES", "REV", "PHOTO", "GENDER", "LANG", "TZ", "GEO"})


def _is_vcard_property(header: str) -> bool:
    """"TEL;TYPE=CELL", "EMAIL", "ADR;TYPE=WORK": a vCard property name in capitals."""
    name = str(header).strip().split(";")[0]
    return name in _VCARD_PROPERTIES and name != "N"


def _vcard_n(headers: list[str], chosen: list["ColumnMap"], taken: dict[str, int], allowed: dict[str, str]) -> bool:
    """A column headed "N" is vCard's structured name (RFC 6350 6.2.2) when the file has
    no Name or First/Last column and its other headings are vCard properties; it is then
    mapped to Name (plan reads "Smith;John;A.;Dr.;Jr." as "Dr. John A. Smith Jr.").
    A lone "N" of counts in another file stays unmapped."""
    if "name" not in allowed or {"name", "first_name", "last_name"} & set(taken):
        return False
    spots = [i for i, h in enumerate(headers) if str(h).strip() == "N" and chosen[i].how == "unmapped"]
    if len(spots) != 1 or not any(_is_vcard_property(h) for h in headers):
        return False
    i = spots[0]
    taken["name"] = i
    chosen[i] = ColumnMap(headers[i], "name", "guess")
    return True


# Google Contacts' numbered phones: "Phone 1 - Value" with its "Phone 1 - Label" (older
# exports: "Phone 1 - Type") saying Mobile, Work, Home ...
_PHONE_SLOT = re.compile(r"^\s*phone\s*(\d+)\s*-\s*(value|label|type)\s*$", re.I)


def phone_slots(headers: list[str]) -> list[tuple[int, int]]:
    """[(value column, label column)] of a file's numbered phones, in number order;
    [] when the file has none with both columns."""
    found: dict[str, dict[str, int]] = {}
    for i, h in enumerate(headers):
        m = _PHONE_SLOT.match(str(h))
        if m:
            part = "value" if m.group(2).casefold() == "value" else "label"
            found.setdefault(m.group(1), {}).setdefault(part, i)
    return [(cols["value"], cols["label"]) for _n, cols in sorted(found.items(), key=lambda kv: int(kv[0]))
            if "value" in cols and "label" in cols]


_LAST_WORD_FIELDS = ("country", "city", "province", "customer_country")
_SOMEONE_FIELDS = frozenset({"name", "company", "first_name", "last_name", "customer_name", "customer_company"})


def _last_word_names_someone(table: dict[str, tuple[str, int]], header: str) -> bool:
    """Does the last word of a longer heading name a name or company ("Default Address
    Company", "Billing Address Name")? Then an earlier word ("Address") does not say
    what the column holds."""
    words = [w for w in _WORD_SPLIT.split(unicodedata.normalize("NFKC", _CAMEL.sub(" ", str(header))).strip()) if w]
    if len(words) < 2:
        return False
    hit = table.get(norm(words[-1]))
    return hit is not None and hit[0] in _SOMEONE_FIELDS


# A heading prefix naming one of a record's addresses (Shopify's "Default Address City",
# "Billing Address Zip", "Shipping Country Code", Salesforce's "Mailing Street"): the rest
# of the heading names the part
_ADDRESS_PREFIX = re.compile(r"^(?:(?:default|billing|shipping|mailing|delivery|postal|primary|home|business|work)"
                             r"\s*address|address|billing|shipping|mailing|bill\s+to|ship\s+to)\s*[-:._]?\s*"
                             r"(?P<rest>\S.*)$", re.I)
_CODE_SUFFIX = re.compile(r"^(?P<part>.+?)\s*[-_ ]?(?:iso\s*)?code$", re.I)
_ADDRESS_PARTS = frozenset({"address", "city", "province", "postal_code", "country", "phone", "company"})


def address_part_hit(table: dict[str, tuple[str, int]], header: str) -> tuple[str, int] | None:
    """(target, rank) for a heading that is an address prefix and a known part of it
    ("Default Address Address1" -> Address, "Default Address Zip" -> Postal Code,
    "Default Address Company" -> Company, "Default Address Phone" -> Phone); "… Province
    Code" and "… Country Code" are the province and the country, written as ISO codes.
    None for any other heading (a "Billing Name" is no part of an address). Ranks after
    every whole heading, so a plain "Phone" or "City" beside it keeps the field."""
    m = _ADDRESS_PREFIX.match(" ".join(str(header).split()))
    if m is None:
        return None
    rest = m["rest"]
    hit = table.get(norm(rest))
    if hit is None and (c := _CODE_SUFFIX.match(rest)) is not None:
        hit = table.get(norm(c["part"]))
        if hit is not None and hit[0].removeprefix("customer_") not in ("province", "country"):
            hit = None
    if hit is None or hit[0].removeprefix("customer_") not in _ADDRESS_PARTS:
        return None
    return hit[0], SEGMENT_RANK + 100 + hit[1]


def _last_word_field(table: dict[str, tuple[str, int]], header: str) -> str | None:
    """The field the last word of a longer header names, when it is one of the most
    specific parts of an address ("Postal Address Country", "Delivery City"): that word
    decides, not an earlier one ("Postal") that the guesses would take."""
    words = _WORD_SPLIT.split(unicodedata.normalize("NFKC", _CAMEL.sub(" ", str(header))).strip())
    words = [w for w in words if w]
    if len(words) < 2:
        return None
    hit = table.get(norm(words[-1]))
    return hit[0] if hit and hit[0] in _LAST_WORD_FIELDS else None


# ----- one address per record ----------------------------------------------------------

ADDRESS_FIELDS = ("address", "city", "province", "postal_code", "country")
# Words that name one of several addresses in a contacts or accounts export (Outlook's
# Business/Home/Other, Salesforce's Mailing/Other and Billing/Shipping, Xero's PO/SA),
# with the address's name and preference: a record takes the address a business is
# reached and billed at (Business, Mailing, Billing, the postal one) before a home,
# delivery or "other" one.
ADDRESS_GROUPS: dict[str, tuple[str, int]] = {
    "business": ("Business", 0), "work": ("Business", 0), "office": ("Business", 0),
    "company": ("Business", 0), "geschäftlich": ("Business", 0), "arbeit": ("Business", 0),
    "mailing": ("Mailing", 1), "billing": ("Billing", 1), "bill": ("Billing", 1),
    "invoice": ("Billing", 1), "po": ("Postal (PO)", 1), "postal": ("Postal", 1),
    "home": ("Home", 2), "private": ("Home", 2), "personal": ("Home", 2), "privat": ("Home", 2),
    "shipping": ("Shipping", 3), "ship": ("Shipping", 3), "delivery": ("Shipping", 3),
    "sa": ("Street (SA)", 3), "other": ("Other", 4), "weitere": ("Other", 4),
}
_XERO_GROUP = re.compile(r"^(PO|SA)(?=[A-Z])")


def address_part(ent: Entity, header: str) -> tuple[str, int, str] | None:
    """(address name, preference, field) for a header naming one part of one of several
    addresses: "Business City" -> ("Business", 0, "city"), "POPostalCode" ->
    ("Postal (PO)", 1, "postal_code"), "Straße geschäftlich" -> ("Business", 0,
    "address"); None otherwise ("City", "Postal Code")."""
    table = _synonym_table(ent)
    text = str(header).strip()
    m = _XERO_GROUP.match(text)
    if m:
        word, rest = m.group(1).casefold(), text[2:]
    else:
        words = text.split()
        if len(words) < 2:
            return None
        first, last = words[0].casefold(), words[-1].casefold()
        if first in ADDRESS_GROUPS:
            word, rest = first, " ".join(words[1:])
        elif last in ADDRESS_GROUPS:
            word, rest = last, " ".join(words[:-1])
        else:
            return None
    hit = table.get(norm(rest))
    if hit is None or hit[0] not in ADDRESS_FIELDS:
        return None
    name, preference = ADDRESS_GROUPS[word]
    return name, preference, hit[0]


# Fields several columns may feed at once, their values joined: a Pipedrive export's
# "Person - Label" and "Organization - Label", Google's "Labels" beside "Tags".
SEVERAL_COLUMNS = ("tags",)


_NUMBERED = re.compile(r"^(\D+?)(\d{1,2})$")


def numbered_hit(table: dict[str, tuple[str, int]], n: str) -> tuple[str, int] | None:
    """(target, rank) of a numbered heading (normalised: `norm`) of a field several
    columns feed ("タグ1", "Tag 2", "태그3", "Label 1" are Tags, as exports write one column
    per tag); None for any other ("Phone 1" is settled by `phone_slots`, "メモ1" is no tag)."""
    m = _NUMBERED.match(n)
    hit = table.get(m.group(1)) if m else None
    return hit if hit is not None and hit[0] in SEVERAL_COLUMNS else None


def _one_address_group(ent: Entity, headers: list[str], chosen: list["ColumnMap"],
                       taken: dict[str, int], fixed: set[int],
                       order: list[tuple[str, dict[str, int]]] | None = None) -> list[dict]:
    """A file with several addresses per row (Business and Home, Mailing and Other, PO
    and SA): every address field of a record comes from ONE of them, never a street of
    one with the city of another. The address a --map or profile names wins; else the
    most preferred (ADDRESS_GROUPS) with a street or city. The other addresses' columns
    are left unmapped (kept in Notes). Returns the summary's decision, or []."""
    if ent.kind != "customer":
        return []
    groups: dict[str, dict[str, int]] = {}
    rank: dict[str, tuple[int, int]] = {}
    for i, h in enumerate(headers):
        part = address_part(ent, h)
        if part is None or chosen[i].how in ("ignored", "secret"):
            continue
        name, preference, target = part
        if i in fixed and chosen[i].target not in ADDRESS_FIELDS:
            continue
        groups.setdefault(name, {}).setdefault(chosen[i].target if i in fixed else target, i)
        rank.setdefault(name, (preference, i))
    groups = {g: cols for g, cols in groups.items() if "address" in cols or "city" in cols}
    if not groups:
        return []
    named = [g for g, cols in groups.items() if any(i in fixed for i in cols.values())]
    pick = named[0] if named else min(groups, key=lambda g: rank[g])
    keep = groups[pick]
    for g, cols in groups.items():
        for target, i in cols.items():
            if i in fixed or g == pick:
                continue
            if chosen[i].target in ADDRESS_FIELDS:
                taken.pop(chosen[i].target, None)
            chosen[i] = ColumnMap(headers[i], None, "unmapped")
    for target, i in keep.items():
        if i in fixed:
            continue
        prev = taken.get(target)
        if prev is not None and prev != i:
            continue          # a column of no named address ("City") keeps its field
        taken[target] = i
        chosen[i] = ColumnMap(headers[i], target, "synonym")
    others = [g for g in groups if g != pick]
    if not others:
        return []
    if order is not None and not named:
        # a row with nothing in the chosen address takes the next one whole, unless a
        # --map or profile chose the address
        order.append((pick, {t: i for t, i in keep.items() if chosen[i].target == t}))
        order.extend((g, groups[g]) for g in sorted(others, key=lambda g: rank[g]))
    return [{"what": "address",
             "decided": f"the {pick} address ("
                        + ", ".join(f"'{headers[i]}'" for i in sorted(keep.values())) + ")",
             "evidence": f"the file gives {len(groups)} addresses per row ({', '.join(groups)}); a record "
                         "takes all its address fields from one, "
                         + ("as --map says" if named else "the business/mailing/billing one first, a row "
                            "without it the next one whole")
                         + "; the " + " and ".join(others) + " columns are kept in Notes, not mixed in "
                         "(--map \"Column=Field\" chooses another)"}]


_LINE_NUMBER = re.compile(r"^(.+?)(?:line|zeile|linea|línea|ligne|linha|riga|regel|行)?(\d)$")
_COPY_NUMBER = re.compile(r"[(（]\s*\d+\s*[)）]\s*$")
_SUPPLEMENTS = frozenset(norm(w) for w in hw.ADDRESS_SUPPLEMENT)


@lru_cache(maxsize=None)
def _street_words() -> frozenset[str]:
    return frozenset(f for f, (target, _rank) in _tables("customer")[0].items() if target == "address")


def _names_street(stem: str) -> bool:
    """Is a numbered heading's stem ("address" of "Address2") a word for the street address?"""
    return stem in _street_words()


_DISTRICTS = frozenset(norm(w) for w in hw.ADDRESS_DISTRICT)


def is_address_district(header: str) -> bool:
    """Does the heading name the district of a Chinese address (区, 区县, 區)?"""
    return norm(header) in _DISTRICTS


_SHORT_NAMES = frozenset(f for w in hw.SHORT_NAME for f in _forms(w))
_SEARCH_KEYS = frozenset(f for w in hw.SEARCH_KEY for f in _forms(w))


def is_search_key(header: str) -> bool:
    """Does the heading name a search key ("Matchcode", "Suchbegriff"): never a name?"""
    return norm(header) in _SEARCH_KEYS


def _short_name(ent: Entity, headers: list[str], chosen: list["ColumnMap"], taken: dict[str, int],
                fixed: set[int]) -> list[dict]:
    """A customer's short name ("Kurzbezeichnung", 简称, 略称) is its name where no column
    gives the name, its parts or the company (then Name, said in the summary); beside
    one it stays unmapped, kept in Notes. A search key ("Matchcode") never is."""
    if ent.kind != "customer" or "name" not in targets(ent):
        return []
    if {"name", "company", "first_name", "last_name"} & set(taken):
        return []
    short = next((i for i, h in enumerate(headers) if norm(h) in _SHORT_NAMES and i not in fixed
                  and chosen[i].how == "unmapped" and chosen[i].target is None), None)
    if short is None:
        return []
    taken["name"] = short
    chosen[short] = ColumnMap(headers[short], "name", "guess")
    keys = [h for h in headers if is_search_key(h)]
    return [{"what": "short name", "decided": f"'{headers[short]}' is the Name",
             "evidence": f"'{headers[short]}' is the customer's short name, and no column gives its name or company"
                         + (" (" + ", ".join(f"'{h}'" for h in keys) + " is a search key, never a name: kept in "
                            "Notes)" if keys else "")
                         + "; beside a Name or Firma column it is kept in Notes (--map \"Column=Name\" says "
                           "otherwise)"}]


_CONTACT_PERSON = frozenset(f for w in hw.CONTACT_PERSON for f in _forms(w))


def _names_contact_person(header: str) -> bool:
    """Does the heading name a contact person ("Associated Contact", "Contact Name",
    Pipedrive's "Activity - Person"), not an organisation?"""
    n = norm(header)
    if n in _CONTACT_PERSON:
        return True
    prefix, parts = header_segments(header)
    return bool(parts) and norm(parts[-1]) in _CONTACT_PERSON


def _given_address_lines(headers: list[str], chosen: list["ColumnMap"],
                         order: tuple[int, ...]) -> tuple[list[dict], tuple[int, ...]]:
    """Several columns the user gave to Address (--map "Street=Address" --map
    "City=Address", or a profile saying so): all of them, joined in the file's column
    order. Returns (the summary's decision, the columns in that order)."""
    shown = " + ".join(f"'{headers[i]}'" for i in order)
    said = "a saved profile" if all(chosen[i].how == "profile" for i in order) else "--map"
    return [{"what": "address lines", "decided": f"{shown} joined into Address, in that order",
             "evidence": f"{said} gives {len(order)} columns to Address: each row's values of all of them are "
                         "kept, in the file's column order (--map \"Column=-\" leaves one out)"}], order


def _address_district(headers: list[str], chosen: list["ColumnMap"], taken: dict[str, int],
                      fixed: set[int], not_own: dict[int, str] | None,
                      found: tuple[list[dict], tuple[int, ...]]) -> tuple[list[dict], tuple[int, ...]]:
    """A district column (区, 区县) goes to Address before the street lines `found`
    (_address_lines); with no street address it is left out, kept in Notes."""
    decisions, order = found
    districts = [i for i, h in enumerate(headers) if is_address_district(h) and i not in fixed
                 and chosen[i].how == "unmapped" and not chosen[i].could_be]
    if not districts:
        return found
    lead = taken.get("address")
    if lead is None or "address" not in {c.target for c in chosen}:
        if not_own is not None:
            for i in districts:
                not_own[i] = (f"'{headers[i]}' is the district of an address, and the file has no street "
                              "address: it is not the address alone")
        return found
    district = districts[0]
    chosen[district] = ColumnMap(headers[district], "address", "synonym")
    order = (district, *(order or (lead,)))
    shown = " + ".join(f"'{headers[i]}'" for i in order)
    decisions = [d for d in decisions if d.get("what") != "address lines"]
    decisions.append({"what": "address lines", "decided": f"{shown} joined into Address, in that order",
                      "evidence": f"'{headers[district]}' is the district (区/县) of the address under the "
                                  "province and city; it comes before the street (--map \"Column=-\" leaves "
                                  "one out)"})
    return decisions, order


_AREA_CODES = frozenset(norm(w) for w in hw.AREA_CODE)
_JA_PARTS = tuple(norm(w) for w in hw.PHONE_PARTS_JA)


def is_area_code(header: str) -> bool:
    """Does the heading name a phone number's area code ("Area Code", 区号, 市外局番)?"""
    return norm(header) in _AREA_CODES


# Headings of a phone's country calling code written as its own part ("Country Code",
# Xero's "PhoneCountryCode", "Dial Code", 国际区号); a mobile's is its own number's part.
_DIAL_PARTS = frozenset(norm(w) for w in (
    "country code", "phone country code", "telephone country code", "tel country code", "dial code",
    "dialing code", "calling code", "country calling code", "international code", "intl code",
    "country prefix", "国际区号", "国家代码", "国家区号", "國際區號", "國碼", "国码"))
_MOBILE_PART = re.compile(r"mobile|cell|handy|móvil|movil|celular|手机|携帯|휴대", re.I)


_MOBILE_DIALS = frozenset(norm(w) for w in ("mobile country code", "mobile phone country code", "cell country code",
                                             "cell phone country code", "mobile dial code"))
_MOBILE_AREAS = frozenset(norm(w) for w in ("mobile area code", "mobile phone area code", "cell area code",
                                            "cell phone area code"))
_DIAL_PARTS = _DIAL_PARTS | _MOBILE_DIALS


def is_mobile_area(header: str) -> bool:
    """Does the heading name a mobile number's area code ("MobileAreaCode")?"""
    return norm(header) in _MOBILE_AREAS


def _mobile_parts(ent: Entity, headers: list[str], chosen: list["ColumnMap"], taken: dict[str, int],
                  fixed: set[int], shapes: dict) -> tuple[list[dict], tuple[int, ...]]:
    """A mobile number written in parts, as Xero writes it (MobileCountryCode +
    MobileAreaCode + MobileNumber): (the summary's decision, the columns in order), as
    _phone_parts does for the phone."""
    lead = taken.get("mobile")
    if lead is None or "mobile" not in targets(ent):
        return [], ()

    def free(i: int) -> bool:
        if i in fixed or chosen[i].how != "unmapped" or chosen[i].could_be:
            return False
        got = shapes.get(i)
        return got is None or (not got.counts.get("phone") and got.letterless == sum(got.counts.values()))

    dial = next((i for i, h in enumerate(headers) if norm(h) in _MOBILE_DIALS and free(i)), None)
    area = next((i for i, h in enumerate(headers) if norm(h) in _MOBILE_AREAS and free(i)), None)
    if dial is None and area is None:
        return [], ()
    order = tuple(i for i in (dial, area, lead) if i is not None)
    for i in order:
        chosen[i] = ColumnMap(headers[i], "mobile", chosen[i].how if chosen[i].target == "mobile" else "synonym")
    shown = " + ".join(f"'{headers[i]}'" for i in order)
    return [{"what": "mobile in parts", "decided": f"{shown} joined into one number, in that order, before it is read",
             "evidence": "the headings name the country calling code (joined as +code), the area code and the "
                         "number of one mobile number (--map \"Column=-\" leaves a part out)"}], order


def is_dial_part(header: str) -> bool:
    """Does the heading name a phone's country calling code ("Country Code", "PhoneCountryCode")?"""
    return norm(header) in _DIAL_PARTS


def _phone_parts(ent: Entity, headers: list[str], chosen: list["ColumnMap"], taken: dict[str, int],
                 fixed: set[int], shapes: dict) -> tuple[list[dict], tuple[int, ...]]:
    """A phone number written in parts is one number: an area code column beside the
    phone column ("Area Code" + "Phone", 区号 + 电话), Japanese 市外局番 + 市内局番 +
    加入者番号, or a phone heading numbered 1, 2, 3 (電話番号1/2/3) whose first column
    holds no whole number in the rows seen (only digit groups: "03", "1234"). Returns
    (the summary's decision, the columns in order); plan joins each row's parts before
    the number is read, so no part is stored as a number of its own."""
    target = next((t for t in ("phone", "customer_phone") if t in targets(ent)), None)
    if target is None:
        return [], ()

    def free(i: int) -> bool:
        return i not in fixed and chosen[i].how == "unmapped" and not chosen[i].could_be

    def digit_groups(i: int) -> bool:
        got = shapes.get(i)
        return got is not None and not got.counts.get("phone") and got.letterless == sum(got.counts.values()) > 0

    order: tuple[int, ...] = ()
    why = ""
    lead = taken.get(target)
    ja = {norm(h): i for i, h in enumerate(headers) if norm(h) in _JA_PARTS and (free(i) or i == lead)}
    if len(ja) >= 2 and _JA_PARTS[0] in ja and (lead is None or lead in ja.values()):
        order = tuple(ja[k] for k in _JA_PARTS if k in ja)
        why = "市外局番 (area code), 市内局番 (exchange) and 加入者番号 (subscriber number) are one number's parts"
    if not order and lead is not None:
        stem, number = _line_key(headers[lead])
        if number == 1:
            rest = {n: i for i, h in enumerate(headers) for k, n in [_line_key(h)] if k == stem and n in (2, 3)
                    and free(i)}
            if 2 in rest and digit_groups(lead) and all(digit_groups(i) for i in rest.values()):
                order = (lead, *(rest[n] for n in sorted(rest)))
                why = (f"'{headers[lead]}' holds only digit groups, too short for a number (an area code): "
                       "the numbered columns are one number's parts")
        areas = [i for i, h in enumerate(headers) if norm(h) in _AREA_CODES and free(i)]
        if not order and areas:
            order = (areas[0], lead)
            why = f"'{headers[areas[0]]}' is the area code of the number in '{headers[lead]}'"
    if not order:
        return [], ()
    dial = next((i for i, h in enumerate(headers) if i not in order and free(i) and is_dial_part(h)
                 and not _MOBILE_PART.search(h) and digit_groups(i)), None)
    if dial is not None:
        # "Country Code" 7 + "Area Code" 495 + "Phone" 1234567 (Xero, QuickBooks, CRMs): the
        # number with its country code, +7 495 1234567, never a trunk prefix of the file's region
        order = (dial, *order)
        why += f"; '{headers[dial]}' holds its country calling code (joined as +code)"
    if lead is None:
        taken[target] = order[0 if dial is None else 1]
    for i in order:
        chosen[i] = ColumnMap(headers[i], target, chosen[i].how if chosen[i].target == target else "synonym")
    shown = " + ".join(f"'{headers[i]}'" for i in order)
    return [{"what": "phone in parts", "decided": f"{shown} joined into one number, in that order, before it "
                                                  "is read",
             "evidence": why + " (a number written with + and its country code is taken as it is; --map "
                               "\"Column=-\" leaves a part out)"}], order


def is_address_supplement(header: str) -> bool:
    """Does the heading name a supplement to the street address (hw.ADDRESS_SUPPLEMENT:
    "Adresszusatz", "Complément d'adresse", "Complemento", "Toevoeging", "建物名")?"""
    return norm(header) in _SUPPLEMENTS


def _line_key(header: str) -> tuple[str, int | None]:
    """("address", 2) for "Address Line 2", "Address2", "Address 2"; (the heading, None)
    for one without a line number."""
    n = norm(header)
    m = _LINE_NUMBER.match(n)
    return (m.group(1), int(m.group(2))) if m else (n, None)


def _name_continuation(headers: list[str], chosen: list["ColumnMap"], taken: dict[str, int],
                       fixed: set[int]) -> tuple[int, str] | None:
    """(the "Name 2" column, the name field) when the name (or the customer's name) is
    taken by a "Name 1" column and a "Name 2" column is left over; else None."""
    for target in ("name", "customer_name"):
        lead = taken.get(target)
        if lead is None or norm(headers[lead]) != "name1":
            continue
        for i, h in enumerate(headers):
            if norm(h) == "name2" and i not in fixed and chosen[i].how == "unmapped" and not chosen[i].could_be:
                return i, target
    return None


_ATTENTION = re.compile(r"^\s*(?:z\.?\s*hd\b|zu\s+h(?:än|a)nden|attn\b|att\.|attention\b|c/o\b|herrn?\b|frau\b|"
                        r"mr\b|mrs\b|ms\b|mme\b|m\.\s|abt\b|abteilung\b|dept\b|department\b|à l'attention|"
                        r"a/a\b|a la atenci[oó]n)", re.I)
_CUT_END = re.compile(r"(?:[-&+,/]|\b(?:und|and|u\.|et|y|e|en|og|och|i)\b)\s*$", re.I)
_CUT_START = re.compile(r"^\s*(?:[&+]|(?:und|and|u\.|et|y|en|og|och)\s)", re.I)


def name_continues(first: str, second: str) -> bool:
    """Does SAP's Name 2 `second` continue Name 1 `first` (one customer's name written in
    two fields of 35 letters)? Yes when the two together end with a legal form `first`
    lacks, or `first` is cut off (ends with a hyphen, '&', 'und', 'and') or `second`
    begins as a continuation does (a small letter, '&', 'und'); no for an attention
    line, a person or a department ("z. Hd. Frau Meier", "c/o", "Abteilung Einkauf")."""
    from ..domain.legal_forms import legal_form

    first, second = str(first).strip(), str(second).strip()
    if not first or not second or _ATTENTION.match(second):
        return False
    if _CUT_END.search(first) or _CUT_START.match(second) or second[0].islower():
        return True
    return legal_form(first) is None and legal_form(f"{first} {second}") is not None


# Small words that begin a Name 2 as words of their own (a linking word, a particle, a
# legal form written in small letters): "Weber Holz" + "und Bau GmbH" keeps its space
_OWN_SMALL_WORDS = frozenset("""und and u. et y e en og och i de del della di da do dos das du des der den dem die
van von zu zum zur im am an auf bei in für for of the la le les el mit aus & mbh gmbh ag kg ohg e.k. e.v. eg gbr
ug co co. sa s.a. srl spa ltd inc plc llc bv nv ab as oy""".split())


def _cut_word(first: str, second: str) -> bool:
    """Name 1 ends in the middle of a word Name 2 goes on with: Name 1 ends with a letter and
    Name 2 starts with a small letter whose word stands on its own nowhere ("…Handelsgesellsch"
    + "aft mbH"), not a linking word, particle or legal form ("und", "von", "mbH")."""
    from ..domain.legal_forms import legal_form

    if not (first[-1:].isalpha() and second[:1].isalpha() and second[:1].islower()):
        return False
    word = second.split()[0].rstrip(",;")
    return word.casefold() not in _OWN_SMALL_WORDS and legal_form(f"Acme {word}") is None


def joined_name(first: str, second: str) -> str:
    """Name 1 and the Name 2 continuing it as one name: a word cut by a hyphen at the
    end of Name 1 goes on without a space ("Anlagen-" + "technik GmbH"), and so does a word
    cut without one ("Handelsgesellsch" + "aft mbH": `_cut_word`)."""
    first, second = str(first).strip(), str(second).strip()
    glue = "" if (first.endswith("-") and second[:1].islower()) or _cut_word(first, second) else " "
    return f"{first}{glue}{second}"


def _address_lines(headers: list[str], chosen: list["ColumnMap"], taken: dict[str, int],
                   fixed: set[int], not_own: dict[int, str] | None = None) -> tuple[list[dict], tuple[int, ...]]:
    """The second and third lines of the street address ("Address Line 2", "Address2",
    "Street 3" beside "Address Line 1", "Address1", "Street") and its supplement under
    another name ("Adresszusatz", "Complément d'adresse", "Complemento", "Toevoeging",
    "建物名") go to Address too: plan joins each row's lines with ", " in LINE order (line
    1, 2, 3, then the supplement), whatever the columns' order. Only the lines of the
    address column taken (a Shipping Address2 beside the Billing address taken stays
    out). A second line or supplement with no first line is not the address: it is left
    out, kept in Notes (`not_own` says why). Returns (the summary's decisions, the
    address columns in line order)."""
    lead = taken.get("address")
    if lead is None:
        for i, h in enumerate(headers):
            if (is_address_supplement(h) and not_own is not None and i not in fixed
                    and chosen[i].how == "unmapped" and not chosen[i].could_be):
                not_own[i] = (f"'{h}' is a supplement to a street address, and the file has no first line: it is "
                              "not the address alone")
        return [], ()
    stem, number = _line_key(headers[lead])
    # "Address (2)": a second column headed "Address" (table.build_table), not its line 2
    numbered = number in (2, 3, 4) and not _COPY_NUMBER.search(headers[lead])
    if lead not in fixed and (numbered or is_address_supplement(headers[lead])):
        firsts = [i for i, h in enumerate(headers) if i != lead and _line_key(h) == (stem, 1)
                  and i not in fixed and chosen[i].how == "unmapped" and not chosen[i].could_be]
        if not firsts:
            chosen[lead] = ColumnMap(headers[lead], None, "unmapped")
            del taken["address"]
            if not_own is not None:
                not_own[lead] = (f"'{headers[lead]}' is the second line or a supplement of a street address, and "
                                 "the file has no first line: it is not the address alone")
            return [], ()
        chosen[lead] = ColumnMap(headers[lead], None, "unmapped")      # line 1 leads; this joins it
        lead = firsts[0]
        taken["address"] = lead
        chosen[lead] = ColumnMap(headers[lead], "address", "synonym")
        number = 1
    if number not in (None, 1):
        return [], ()
    lines: list[tuple[int, int]] = []
    for i, h in enumerate(headers):
        if i == lead or i in fixed or chosen[i].how != "unmapped" or chosen[i].could_be:
            continue
        key, line = _line_key(h)
        if line in (2, 3, 4) and (key == stem or _names_street(key)):    # Xero writes four lines
            lines.append((line, i))
        elif is_address_supplement(h):
            lines.append((5, i))
    more = [i for _line, i in sorted(lines)]
    for i in more:
        chosen[i] = ColumnMap(headers[i], "address", "synonym")
    if not more:
        return [], ()
    order = (lead, *more)
    shown = " + ".join(f"'{headers[i]}'" for i in order)
    moved = list(order) != sorted(order)
    return [{"what": "address lines", "decided": f"{shown} joined into Address, in that order",
             "evidence": "the columns are the lines of one street address"
                         + (", joined in line order, not the file's column order" if moved else "")
                         + " (--map \"Column=-\" leaves one out)"}], order


_HOUSE_AFTER = frozenset(norm(w) for w in hw.HOUSE_NUMBER_AFTER)
_HOUSE_BEFORE = frozenset(norm(w) for w in hw.HOUSE_NUMBER_BEFORE)
_HOUSE_BY_COUNTRY = frozenset(norm(w) for w in hw.HOUSE_NUMBER_BY_COUNTRY)
_HOUSE_BARE = frozenset(norm(w) for w in hw.HOUSE_NUMBER_BARE)
_HOUSE_SUFFIX = frozenset(norm(w) for w in hw.HOUSE_NUMBER_SUFFIX)
_STREET_AFTER = frozenset(norm(w) for w in hw.STREET_NUMBER_AFTER)
_STREET_BEFORE = frozenset(norm(w) for w in hw.STREET_NUMBER_BEFORE)
# Countries whose addresses write the house number before the street
NUMBER_FIRST = frozenset({"US", "CA", "GB", "IE", "AU", "NZ", "FR", "MC", "LU", "ZA", "SG", "PH", "MY", "IN",
                          "PK", "NG", "KE", "GH", "JM", "TT", "HK"})


# Countries (and heading words) writing a comma between the street and its number
COMMA_AFTER = frozenset({"BR", "PT", "ES", "IT", "AR", "MX", "CL", "CO", "PE", "UY", "VE", "EC", "BO", "PY"})
_HOUSE_COMMA = frozenset(norm(w) for w in ("número", "numero", "núm.", "núm", "número exterior",
                                            "núm. ext.", "num ext", "numero exterior", "número da casa",
                                            "número do imóvel", "civico", "numero civico", "n. civico",
                                            "n.civico", "num. civico"))


def house_number_order(header: str) -> str | None:
    """"after", "before" or "country" for a heading naming a house number ("Hausnummer",
    "Numéro de rue", "House No"); None for any other."""
    n = norm(header)
    if not n:
        n = header.strip()                     # "#"
    return ("after" if n in _HOUSE_AFTER else "before" if n in _HOUSE_BEFORE
            else "country" if n in _HOUSE_BY_COUNTRY or n == "#" else None)


def _house_number(headers: list[str], chosen: list["ColumnMap"], taken: dict[str, int], fixed: set[int],
                  found: tuple[int, ...], given: set[int] = frozenset()) -> tuple[list[dict], tuple[int, ...],
                                                                                   dict[int, str]]:
    """A house number in a column of its own beside the street ("Straße" + "Hausnummer",
    "Street" + "House No", "Logradouro" + "Número", "Numéro de rue" + "Rue", "Ulica" +
    "Nr domu", "Ulice" + "č.p.", "Gatuadress" + "Gatunummer") is joined to the street's
    first line in the country's order (plan._joined_house): after it for a German, Dutch,
    Portuguese, Spanish, Polish, Czech, Hungarian, Swedish, Finnish, Italian heading,
    before it for a French one, by each row's country for an English one ("House No":
    number first in NUMBER_FIRST, after the street elsewhere; a row with no country takes
    --region or the store's region, the import stops without either). A bare "Nr"/"Número"
    counts only right beside the street column (a bare "No"/"#", a row counter's heading
    too, is decided on its values after the first pass: join_bare_house_number). A flat's
    number follows the house number as its country writes it (FLAT_JOINS: "Długa 5/3",
    "Storgatan 5 lgh 1101", "Mannerheimintie 5 A 3"), a Dutch addition with a space.
    `given`: columns --map "Column=House number" names. Returns (decisions, the address
    columns in order, {column: order})."""
    lead = taken.get("address")
    if lead is None:
        return [], found, {}

    def free(i: int) -> bool:
        return i not in fixed and chosen[i].how == "unmapped" and not chosen[i].could_be

    number = next((i for i in sorted(given) if i != lead), None)
    if number is None:
        number = next((i for i, h in enumerate(headers) if free(i) and house_number_order(h)
                       and (norm(h) not in _HOUSE_BARE and h.strip() != "#" or abs(i - lead) == 1)), None)
    if number is None:
        return [], found, {}
    return house_join(headers, chosen, lead, number, fixed, found, given=number in given)


def house_join(headers: list[str], chosen: list["ColumnMap"], lead: int, number: int, fixed: set[int],
               found: tuple[int, ...], given: bool = False, why: str = "") -> tuple[list[dict], tuple[int, ...],
                                                                                     dict[int, str]]:
    """Column `number` joined as the house number of the street in column `lead`, with the
    flat number or addition columns after it (_house_number); `found` the address columns
    already in order; `why` the evidence its values gave, for a bare heading."""

    def free(i: int) -> bool:
        return i not in fixed and chosen[i].how == "unmapped" and not chosen[i].could_be

    order = house_number_order(headers[number]) or "country"
    if order == "country":
        # "Straße" + "No": the street's heading says the language
        street = norm(headers[lead])
        order = ("after" if street in _STREET_AFTER else "before" if street in _STREET_BEFORE else order)
    if order == "after" and norm(headers[number]) in _HOUSE_COMMA:
        order = "after,"                          # "Rua Augusta, 1500", "Via Roma, 12"
    suffixes = [i for i, h in enumerate(headers) if (norm(h) in _HOUSE_SUFFIX or norm(h) in _FLAT_JOINS)
                and i not in (number, lead) and (free(i) or (chosen[i].target == "address" and i in found))]
    rest = tuple(i for i in (found or (lead,)) if i != lead and i not in suffixes)
    columns = (lead, number, *suffixes, *rest)
    chosen[number] = ColumnMap(headers[number], "address", "synonym")
    for i in suffixes:
        chosen[i] = ColumnMap(headers[i], "address", "synonym")
    houses = {number: order, **{i: _FLAT_JOINS.get(norm(headers[i]), "suffix") for i in suffixes}}
    shown = " + ".join(f"'{headers[i]}'" for i in (number, *suffixes))
    said = {"after": "the street, then the number (the heading's language writes it so: \"Hauptstraße 12a\")",
            "after,": "the street, a comma, then the number (the heading's language writes it so: \"Rua Augusta, "
                      "1500\")",
            "before": "the number, then the street (a French heading: \"12 rue de la Paix\")",
            "country": "by each row's country: the number first in " + ", ".join(sorted(NUMBER_FIRST))
                       + " (\"12 Main St\"), after the street elsewhere (\"Hauptstraße 12a\"); a row with no "
                         "country takes --region or the store's region (`cims settings region CC`)"}[order]
    flats = {"flat/": "a slash (\"ul. Długa 5/3\", \"Dlouhá 730/5\")", "flat lgh": "\"lgh\" (\"Storgatan 5 lgh 1101\")",
             "suffix": "a space (\"Keizersgracht 123 II\", \"Mannerheimintie 5 A 3\")"}
    after = "; ".join(f"'{headers[i]}' after the number with {flats[houses[i]]}" for i in suffixes)
    source = " (--map named it)" if given else why
    return [{"what": "house number", "decided": f"{shown} joined to '{headers[lead]}' in Address",
             "evidence": f"'{headers[number]}' is the house number of the street in '{headers[lead]}'{source}: "
                         f"{said}" + (f"; {after}, as that country writes it" if after else "")
                         + " (--map \"Column=Notes\" keeps it in Notes instead)"}], columns, houses


# --map "Column=House number" (in the words of the languages the headings are read in)
HOUSE_NUMBER_OPTION = frozenset(norm(w) for w in ("house number", "house no", "housenumber", "hausnummer",
                                                   "huisnummer", "número", "nr domu", "numéro de rue"))
_FLAT_JOINS = {**{norm(w): "flat/" for w in hw.FLAT_NUMBER_SLASH}, **{norm(w): "flat lgh" for w in hw.FLAT_NUMBER_LGH},
               **{norm(w): "suffix" for w in hw.FLAT_NUMBER_SPACE}}
_HOUSE_LIKE = re.compile(r"\d{1,4}(?:\s?(?:bis|ter|quater|[^\W\d_]))?"
                         r"(?:\s?[-/]\s?\d{1,4}(?:\s?[^\W\d_])?)?", re.IGNORECASE)   # 12, 12a, 4bis, 5/3, 10-12


class BareHouseNumbers:
    """The values of a column headed only "No"/"No."/"#" (a row counter's heading too)
    right after the street column, over the whole file: whether they are house numbers
    (join_bare_house_number)."""

    def __init__(self) -> None:
        self.count = 0
        self.shaped = 0             # values a house number's shape: 12, 12a, 5/3, 10-12
        self.marked = 0             # ... with a letter, slash or dash: 12a, 5/3
        self.seen: set[str] = set()
        self.repeats = False
        self.examples: list[str] = []

    def add(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        if re.fullmatch(r"\d+\.0", text):
            text = text[:-2]                  # 7.0: a number cell
        self.count += 1
        if len(self.examples) < 4 and text not in self.examples:
            self.examples.append(text)
        if _HOUSE_LIKE.fullmatch(text):
            self.shaped += 1
            self.marked += not text.isdigit()
        if text in self.seen:
            self.repeats = True
        elif len(self.seen) < 100_000:
            self.seen.add(text)

    def verdict(self) -> str | None:
        """"house" (every value a house number's shape, and some written with a letter or
        slash, or repeated: 12a, 5/3, 7 twice), "other" (some value no house number:
        a customer number 100234, "C-17"), None (small whole numbers, each once: either)."""
        if not self.count or self.shaped < self.count:
            return "other"
        return "house" if self.marked or self.repeats else None


def join_bare_house_number(m: "Mapping", j: int, values: BareHouseNumbers, file_words: str) -> list[dict]:
    """Column `j` of `m`, headed "No"/"#" right after the street column and not the row
    numbers: joined to the street as its house number when its values show it
    (BareHouseNumbers.verdict: "house"), left as it was ("other"); where they cannot
    tell (small whole numbers, each once: a house number or a customer's number) the
    import stops before writing, naming the column, examples and the options."""
    verdict = values.verdict()
    if verdict == "other":
        return []
    headers = [c.header for c in m.columns]
    lead = j - 1
    header = headers[j].replace('"', "'")
    shown = ", ".join(values.examples)
    if verdict is None:
        raise ImportRefused(
            f"{file_words}: column '{headers[j]}' beside the street '{headers[lead]}' holds small whole numbers, "
            f"each once ({shown}, …): they may be the house numbers of the streets or the customers' own numbers, "
            f"and nothing in the file tells which. Nothing was imported. Say which: --map \"{header}=House number\" "
            f"joins each to its street, --map \"{header}=-\" leaves the column out (--map \"{header}=Notes\" "
            "keeps it in Notes).")
    found = m.address_lines if m.address_lines and m.address_lines[0] == lead else ()
    why = (" (its values are house numbers: " + shown
           + (", written with a letter or slash" if values.marked else ", some repeated") + ")")
    decisions, columns, houses = house_join(headers, m.columns, lead, j, set(), found, why=why)
    m.address_lines = columns
    m.house_numbers = {**m.house_numbers, **houses}
    return decisions


# ----- headers in parts: "Person - Email - Work", "Contact: Email", "Account.Name" --------

# The record a CRM's export names before each field (Pipedrive "Person - Name",
# "Organization - Name", "Deal - Value"; HubSpot "Contact: Email"; Salesforce
# "Account.Name").
RECORD_PREFIXES = frozenset({"person", "organization", "organisation", "org", "deal", "contact",
                             "account", "lead", "company", "customer", "client", "opportunity"})
_ORG_PREFIXES = frozenset({"organization", "organisation", "org", "account", "company"})
_PREFIXED = re.compile(r"^\s*([A-Za-z]+)\s*(?:\s-\s|:|\.(?=\S))\s*(.+)$")
_SEGMENT = re.compile(r"(?<!\s)\s+[-–—]\s+")
SEGMENT_RANK = 1000     # below every whole-header synonym: an exact header wins the field


# The word a heading ends with when it gives the type of one of a contact's items:
# Google Contacts' "E-mail 1 - Type" (* Work, Home), Outlook's "E-mail Type" (SMTP),
# "Phone 1 - Typ", "电话类型", "電話種別". ("Label" is not one: vCard's LABEL is an address.)
_TYPE_LEAD = re.compile(r"^(?:types?|tipo|typ)\s+(?:(?:of|de|del|da|do|der|des|du)\s+)?(\S.*)$")
_TYPE_END = re.compile(r"(?:(?<=[\W\d_])|^)(?:types?|typ|tipo|art|тип|τύπος|rodzaj|soort|tür)\W*$"
                       r"|(?:类型|類型|类别|類別|タイプ|種別|種類|유형|종류)\W*$")
# Items a Type heading may qualify that no customer field takes (Google Contacts, vCard CSV)
_TYPED_ITEMS = frozenset({"website", "webpage", "web", "url", "homepage", "im", "relation", "event",
                          "customfield", "externalid", "location", "sip", "impp", "tel", "adr", "网站", "网址"})
_TYPED_FIELDS = frozenset({"email", "phone", "mobile", "address", "company"})


def describes_item(header: object) -> bool:
    """Whether a heading gives the type of another item than the record: a Type word
    (`_TYPE_END`, in several languages) after an email, phone, address, organisation,
    website, IM or relation's name, numbered or not ("E-mail 1 - Type", "Phone 1 - Type",
    "Address 1 - Type", "Website 1 - Type", "E-mail Type", "EMAIL;TYPE", "电子邮件 1 - 类型").
    Its values ("* Work", "Mobile", "SMTP") describe that item: the column is not the
    customer's Type, nor the item itself. A record's own type ("Type", "Customer Type",
    "Customer - Type", "Company Type") is not one."""
    text = fold(header).strip()
    if len(text) > 60:
        return False
    m = _TYPE_END.search(text)
    before = text[:m.start()] if m is not None else ""
    if m is None and (lead := _TYPE_LEAD.match(text)) is not None:
        before = lead.group(1)          # "Tipo de teléfono", "Type of email"
    rest = re.sub(r"\d+", "", norm(before))
    # "Organization - Type" is a CRM's record's own; Google numbers its items ("Organization 1 - Type")
    if not rest or (rest in RECORD_PREFIXES and not re.search(r"\d", before)):
        return False
    hit = _synonym_table(ENTITIES["customer"]).get(rest)
    return rest in _TYPED_ITEMS or (hit is not None and hit[0] in _TYPED_FIELDS)


def header_segments(header: str) -> tuple[str | None, list[str]]:
    """(record prefix or None, the parts after it) of a header written in parts:
    "Person - Postal address - Country" -> ("person", ["Postal address", "Country"]),
    "Phone 1 - Value" -> (None, ["Phone 1", "Value"]), "Email" -> (None, ["Email"])."""
    text = str(header)
    m = _PREFIXED.match(text)
    prefix = None
    if m and m.group(1).casefold() in RECORD_PREFIXES:
        prefix, text = m.group(1).casefold(), m.group(2)
    return prefix, [p for p in _SEGMENT.split(text.strip()) if p]


def segment_hit(ent: Entity, header: str) -> tuple[str, int] | None:
    """(target, rank) for a header in parts that no synonym names whole: the part after a
    record prefix ("Person - Email - Work" -> "Email - Work"), else the most specific,
    last part when it is a field ("Person - Postal address - Country" is a Country, not a
    Postal Code; "地址 - 省份" under a merged "地址" is the province), else the last two
    parts the other way round ("Phone - Work" -> "Work Phone"), else the first part.
    An organisation's name ("Organization - Name", "Account.Name") is the company, or
    for other records the customer they belong to. None when no part is a field."""
    prefix, parts = header_segments(header)
    if prefix is None and len(parts) < 2:
        return None
    table = _synonym_table(ent)
    tries = [" - ".join(parts)] if prefix else []
    if len(parts) >= 2:
        tries += [parts[-1], f"{parts[-1]} {parts[-2]}", parts[0]]
    # a group heading over its columns that names the organisation ("Firma - Name",
    # "公司 - 电话" under a merged "Firma"/"公司"): as a record prefix "Company - " does
    group = table.get(norm(parts[0])) if prefix is None and len(parts) == 2 else None
    org = prefix in _ORG_PREFIXES or (group is not None and group[0] in ("company", "customer_name"))
    for rank, words in enumerate(tries):
        hit = table.get(norm(words))
        if hit is None:
            continue
        target = hit[0]
        if org and target == "name":
            allowed = targets(ent)
            target = "company" if "company" in allowed else "customer_name" if "customer_name" in allowed else target
        elif org and target in ("email", "phone") and f"customer_{target}" in targets(ent):
            target = f"customer_{target}"   # a contact's "Company - Phone" is its customer's, not the person's
        return target, SEGMENT_RANK + rank * 100 + hit[1]
    # A record's name where the kind has no Name field (Pipedrive's activities and orders:
    # "Organization - Name", "Person - Name") is the customer the row belongs to: the
    # organisation's before the person's when the file has both.
    if prefix and len(parts) == 1 and "customer_name" in targets(ent) and "name" not in targets(ent):
        hit = _synonym_table(ENTITIES["customer"]).get(norm(parts[0]))
        if hit is not None and hit[0] == "name":
            return "customer_name", SEGMENT_RANK + (0 if prefix in _ORG_PREFIXES else 50)
    return None


_COUNTRY_END = re.compile(r"(?:country|country/region|国家|国家/地区|國家|国|국가)$")
_NOT_COUNTRY = re.compile(r"(?:code|prefix|id|区号|代码)$")


def _currency_by_codes(ent: Entity, headers: list[str], chosen: list, taken: dict[str, int], fixed: set[int],
                       shapes: dict, assign) -> list[dict]:
    """A column no heading word maps whose every filled value is an ISO 4217 code ("EUR",
    "CHF": Salesforce's CurrencyIsoCode, SAP's WAERS, a bank's "Ccy") beside a mapped
    amount is the rows' currency, said in the summary; two such columns stop the import,
    naming both and the --map that settles it."""
    money = [f.key for f in ent.fields if f.kind == "money"]
    if "currency" not in targets(ent) or "currency" in taken or not any(k in taken for k in money):
        return []
    found = [i for i, h in enumerate(headers)
             if i not in fixed and chosen[i].how == "unmapped" and not chosen[i].could_be
             and own_columns.holds_currency_codes(shapes.get(i))]
    if not found:
        return []

    def codes(i: int) -> str:
        return ", ".join(sorted(shapes[i].code_examples))

    if len(found) > 1:
        shown = "; ".join(f"'{headers[i]}' ({codes(i)})" for i in found)
        first = headers[found[0]].replace('"', "'")
        raise ImportRefused(f"columns {shown} all hold only ISO 4217 currency codes beside the amounts: which is the "
                            "amounts' currency cannot be told. Nothing was imported. Say which with --map "
                            f"\"{first}=Currency\" (the others are kept in Notes).")
    i = found[0]
    amount = next(headers[taken[k]] for k in money if k in taken)
    quoted = headers[i].replace('"', "'")
    assign(i, "currency", "values")
    return [{"what": f"currency column '{headers[i]}'", "decided": "the currency of each row's amounts",
             "evidence": f"every value is an ISO 4217 currency code ({codes(i)}), beside '{amount}'; "
                         f"--map \"{quoted}=-\" leaves it out"}]


# Words naming a fax line in a heading: a column so headed is never the record's phone,
# whatever phone word it holds too ("Fax Phone", "Phone Fax", "Fax Tel", "FAX電話").
_FAX_WORDS = re.compile(r"fax|telefax|t[ée]l[ée]copie|传真|傳真|ファックス|ファクス|팩스|факс|φαξ", re.IGNORECASE)


def names_fax(header: object) -> bool:
    """Does the heading name a fax number (fax, Telefax, télécopie, 传真, 傳真, FAX, 팩스)?"""
    return bool(_FAX_WORDS.search(unicodedata.normalize("NFKC", str(header))))


def names_a_country(header: object) -> bool:
    """Whether a heading's last word is "country" (in English, Chinese, Japanese or
    Korean): "Mailing Country", "POCountry", "Person - Postal address - Country",
    "Country/Region", "客户国家" name a country, whatever comes before (not "Country
    Code", a dial code, nor "Country ID")."""
    text = " ".join(fold(header).replace("-", " ").split())
    return bool(text) and len(text) <= 60 and bool(_COUNTRY_END.search(text)) and not _NOT_COUNTRY.search(text)


# CRMs write the record's kind before each header ("Deal - Stage", "Deal - Currency" in
# Pipedrive; "Opportunity Owner", "Opportunity Currency" in Salesforce; "Ticket Status"):
# a header no synonym matches is tried again without it.
_RECORD_PREFIXES = {"opportunity": ("deal", "opportunity"), "ticket": ("ticket",)}


@lru_cache(maxsize=1)
def money_headings() -> frozenset[str]:
    """The normalised headings (synonyms) of every money field of every kind ("amount",
    "金额", "betrag"): a currency noun that is an everyday word too ("won") is a currency
    in brackets after one of them (header_currency)."""
    out = set()
    for kind, ent in ENTITIES.items():
        kinds = {f.key: f.kind for f in ent.fields}
        out.update(n for n, hit in _tables(kind)[0].items() if kinds.get(hit[0]) == "money")
    return frozenset(out)


def _currency_headed_hit(ent: Entity, table: dict, header: str):
    """The synonym hit of a money field for a heading that states its currency
    ("Amount (EUR)", "Sales in EUR": importer.header_currency), else None."""
    from .header_currency import header_currency

    from .amount_units import header_unit

    kinds = {f.key: f.kind for f in ent.fields}
    # the heading without its currency, without its scale, without both ("amount_cents_usd")
    heads = [found[0] for found in (header_currency(header), header_unit(header)) if found is not None]
    heads += [found[0] for h in list(heads) if (found := header_unit(h)) is not None]
    for head in heads:
        n = norm(head)
        if not n:
            continue
        hit = table.get(n) or table.get(_unprefixed(ent.kind, n))
        if hit and kinds.get(hit[0]) == "money":
            return hit
    return None


# Chinese invoices and receipts write an amount twice: 大写 in capital numerals (壹仟贰佰元整,
# against forgery) and 小写 in figures (1200.00). The figures are the amount; the capitals
# stay in Notes.
_IN_FIGURES = re.compile(r"^(?P<head>.+?)\s*[(（\[【]?\s*(?:小写|小寫)(?:金额|金額)?\s*[)）\]】]?\s*$")


def _figures_headed_hit(ent: Entity, table: dict, header: str):
    """The synonym hit of a money field for a heading naming its amount in figures
    ("金额(小写)", "金额（小寫）", "总金额小写"), else None."""
    text = unicodedata.normalize("NFKC", header)
    if ("小写" not in text and "小寫" not in text) or len(text) > 60:
        return None                 # (the pattern backtracks on a long run of spaces: none reach it)
    m = _IN_FIGURES.match(text)
    if m is None:
        return None
    n = norm(m.group("head"))
    hit = table.get(n) or table.get(_unprefixed(ent.kind, n))
    kinds = {f.key: f.kind for f in ent.fields}
    return hit if hit and kinds.get(hit[0]) == "money" else None


def _zone_headed_hit(ent: Entity, table: dict, header: str):
    """The synonym hit of a date field for a heading that names the zone of its times
    ("Order Date (UTC)", "Created (GMT)"; "UTC time", "Zeit (UTC)" are the record's own date):
    importer.heading_zone. None for any other, or when the field is no date."""
    from .heading_zone import bare_time, heading_zone

    found = heading_zone(header)
    if found is None:
        return None
    rest = found[0]
    kinds = {f.key: f.kind for f in ent.fields}
    n = norm(rest) if rest else ""
    hit = (table.get(n) or table.get(_unprefixed(ent.kind, n))) if n else None
    if hit is None and bare_time(rest):
        dated = [k for k, kind in kinds.items() if kind in ("date", "datetime")]
        hit = table.get(norm("date")) if dated else None
    return hit if hit and kinds.get(hit[0]) in ("date", "datetime") else None


def _percent_headed_hit(table: dict, n: str):
    """The synonym hit of a percentage field (Discount, Probability) for a normalised
    heading that adds a percent sign to one of its names ("折扣率(%)", "% Rabatt"), else None."""
    hit = table.get(n.replace("%", "")) if "%" in n else None
    return hit if hit and hit[0] in ("discount", "probability") else None


# "N° de commande", "Nº do pedido", "N.º de pedido", "Nr. Auftrag", "No. of order", "# Bestelling":
# a number mark (and a linking word) before a word naming the record or its customer.
_NUMBER_OF = re.compile(r"^\s*(?:n\s*\.?\s*[°o]\.?(?![a-z])|nr\b\.?|núm\b\.?|num\b\.?|número|numero|numéro|nummer|"
                        r"#|№)\s*(?:(?:de|do|da|del|di|du|der|des|van|of|the)\s+)*(\S.*)$")
# what the number of a word naming a field's thing is: the order's, the customer's
_NUMBER_TARGETS = {"order_number": "order_number", "customer_name": "customer_ref", "name": "customer_ref",
                   "customer_ref": "customer_ref"}


def number_of_hit(ent: Entity, table: dict[str, tuple[str, int]], header: str) -> tuple[str, int] | None:
    """(target, rank) of a heading that is a number mark before a word naming the record
    or its customer ("N° de commande", "Nº do pedido" -> order_number; "N° de client",
    "Nr. Kunde" -> customer_ref); None for any other."""
    m = _NUMBER_OF.match(fold(header))
    hit = table.get(norm(m.group(1))) if m else None
    if hit is None:
        return None
    target = _NUMBER_TARGETS.get(hit[0])
    if target is None or target not in targets(ent) or (hit[0] == "name" and ent.kind != "customer"):
        return None
    return target, hit[1] + SEGMENT_RANK


# A heading written in two languages: "Name / 名称", "Email／邮箱", "City | Ville", "名称 (Name)",
# "Name\n名称" (bilingual exports and templates). The places it is cut are those of the pattern
#   \s*[/|／｜\n]\s*  |  \s*[(（]\s*(?=[^)）]+[)）]\s*$)  |  [)）]\s*$
#   |  (?<=[A-Za-z.\u00c0-\u024f])\s+(?=[CJK])  |  (?<=[CJK])\s+(?=[A-Za-z])
# (CJK: kana, CJK ideographs, hangul), found in one pass over the heading: as a regular expression
# it took time quadratic in a long cell (a run of spaces or of "(" was scanned again from each
# position), and no lookbehind of Python's `re` can say "no earlier '(' since the last ')'".
_LATIN_BEFORE = re.compile(r"[A-Za-z.\u00c0-\u024f]")
_CJK_AFTER = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


class _TwoLanguageCuts:
    pattern = ("\\s*[/|／｜\\n]\\s* | \\s*[(（]\\s*(?=[^)）]+[)）]\\s*$) | [)）]\\s*$ | latin\\s+CJK | "
               "CJK\\s+latin, in one pass")

    @staticmethod
    def split(text: str) -> list[str]:
        """`text` cut where the pattern above matches (as `re.split`: leftmost matches, the first
        alternative that matches at a place, each match as long as the pattern's greedy parts make it)."""
        n = len(text)
        space_end = [n] * (n + 1)          # where the run of white space starting at i ends
        next_newline = [n] * (n + 1)       # the first "\n" at or after i
        next_close = [n] * (n + 1)         # the first ")" or "）" at or after i
        for i in range(n - 1, -1, -1):
            c = text[i]
            space_end[i] = space_end[i + 1] if c.isspace() else i
            next_newline[i] = i if c == "\n" else next_newline[i + 1]
            next_close[i] = i if c in ")）" else next_close[i + 1]

        def cut_at(p: int) -> int | None:
            r = space_end[p]
            if r < n and text[r] in "/|／｜":
                return space_end[r + 1]
            if next_newline[p] < r:
                return r                   # back to the run's last newline, then the rest of the run
            if r < n and text[r] in "(（":
                q0 = q1 = r + 1
                q1 = space_end[q0]
                c = next_close[q1]
                if c < n and space_end[c + 1] == n:
                    if c > q1:
                        return q1
                    if q1 > q0:
                        return q1 - 1
            c = text[p]
            if c in ")）" and space_end[p + 1] == n:
                return n
            if c.isspace() and p > 0 and r < n:
                before, after = text[p - 1], text[r]
                if (_LATIN_BEFORE.match(before) and _CJK_AFTER.match(after)) or (
                        _CJK_AFTER.match(before) and after.isascii() and after.isalpha()):
                    return r
            return None

        parts, last, p = [], 0, 0
        while p < n:
            end = cut_at(p)
            if end is None:
                p += 1
                continue
            parts.append(text[last:p])
            last = p = end
        parts.append(text[last:])
        return parts


_TWO_LANGUAGES = _TwoLanguageCuts()


def two_language_hit(ent: Entity, table: dict[str, tuple[str, int]], header: str) -> tuple[str, int] | None:
    """(target, rank) of a heading written in two languages whose parts name one field
    ("Name / 名称", "E-mail／邮箱", "名称（Name）", "Name 名称"); None unless every part names
    that one field ("Name/Company", "Phone/Fax" are not)."""
    parts = [p for p in _TWO_LANGUAGES.split(str(header)) if p and p.strip()]
    if len(parts) < 2:
        return None
    hits = [table.get(norm(p)) for p in parts]
    if not all(hits) or len({h[0] for h in hits}) != 1:
        return None
    return hits[0][0], min(h[1] for h in hits) + SEGMENT_RANK


def translation_row(ent: Entity, rows: list[tuple[int, list]], i: int) -> tuple[int, list, list[tuple[str, str]]] | None:
    """(row number, the headings, [(heading, its translation)]) when the row right below
    the header at `rows[i]` writes the same headings in another language, as bilingual
    exports do (row 1 "Name", "Email"; row 2 "名称", "邮箱"): two or more of its cells
    name the same fields as the headings above them, none another field, and it holds
    text only. The headings become "Name / 名称" (read by `two_language_hit`); the data
    starts below. None otherwise."""
    if i + 1 >= len(rows):
        return None
    number, top = rows[i]
    below_number, below = rows[i + 1]
    if below_number != number + 1:
        return None
    texts = [v if isinstance(v, str) and v.strip() else None for v in below]
    if any(t is None and v is not None and str(v).strip() for t, v in zip(texts, below)):
        return None                         # a number, a date: a record
    width = max(len(top), len(below))
    ups = [str(top[c]).strip() if c < len(top) and isinstance(top[c], str) and top[c].strip() else "" for c in range(width)]
    downs = [texts[c].strip() if c < len(texts) and texts[c] else "" for c in range(width)]
    table = _synonym_table(ent)
    agree: list[tuple[str, str]] = []
    known_above = 0
    for up, down in zip(ups, downs):
        t_up = table.get(norm(up)) if up else None
        t_down = table.get(norm(down)) if down else None
        known_above += t_up is not None
        if t_up and t_down:
            if t_up[0] != t_down[0]:
                return None                 # "Name" over "Email": not a translation
            if norm(up) != norm(down):
                agree.append((up, down))
        elif t_down and not up:
            return None
    if len(agree) < 2 or 2 * len(agree) < known_above:
        return None
    merged = [_translated_heading(table, up, down) for up, down in zip(ups, downs)]
    return below_number, merged, agree


def _translated_heading(table: dict[str, tuple[str, int]], up: str, down: str) -> str:
    """One column's heading from a header row and its translation row: "Name / 名称" when
    both name the field (or neither does); the one that names a field when only one does
    (a system's field code over its label: "cust_name" over "客户名称" is 客户名称, as
    Kingdee/用友 templates write them)."""
    if not (up and down) or norm(up) == norm(down):
        return up or down
    t_up, t_down = table.get(norm(up)), table.get(norm(down))
    if t_down and not t_up:
        return down
    if t_up and not t_down:
        return up
    return f"{up} / {down}"


def disagreeing_header_row(ent: Entity, rows: list[tuple[int, list]], i: int) -> tuple[int, list[tuple[str, str]]] | None:
    """(row number, [(heading, the heading below it)] that disagree) when the row right
    below the header at `rows[i]` names fields in every cell it fills, all of them ones the header names, but
    not each under the heading naming it: a second header row translating the first in
    another column order ("Name, Phone, City" over "名称, 城市, 电话"). Which column is which
    cannot be told then, and neither row is a record. None otherwise."""
    if i + 1 >= len(rows):
        return None
    number, top = rows[i]
    below_number, below = rows[i + 1]
    if below_number != number + 1 or any(v is not None and not isinstance(v, str) and str(v).strip() for v in below):
        return None
    table = _synonym_table(ent)
    width = max(len(top), len(below))
    cell = lambda r, c: str(r[c]).strip() if c < len(r) and isinstance(r[c], str) else ""
    above = {c: table.get(norm(cell(top, c)))[0] for c in range(width) if cell(top, c) and table.get(norm(cell(top, c)))}
    named = {c: table.get(norm(cell(below, c)))[0] for c in range(width)
             if cell(below, c) and table.get(norm(cell(below, c)))}
    filled = sum(1 for c in range(width) if cell(below, c))
    if len(named) < 2 or len(named) < filled or not set(named.values()) <= set(above.values()):
        return None                         # a record holding a word or two that name fields ("Email")
    wrong = [(cell(top, c), cell(below, c)) for c, field in named.items() if above.get(c) != field]
    return (below_number, wrong) if wrong else None


def _unprefixed(kind: str, n: str) -> str:
    """A normalised header without its record-kind prefix ("dealstage" -> "stage"), or "" """
    for prefix in _RECORD_PREFIXES.get(kind, ()):
        if n.startswith(prefix) and len(n) > len(prefix):
            return n[len(prefix):]
    return ""


# "Name" beside "Vorname", "Nom" beside "Prénom" is the family name; "Nombre" beside
# "Apellidos", "Nome" beside "Sobrenome"/"Cognome" is the given name. (An English
# "Name" beside "First Name" is left as the full name: such files repeat it.)
HALF_NAME: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("last_name", ("vorname",)),
    "nom": ("last_name", ("prénom", "prenom")),
    "nombre": ("first_name", ("apellido", "apellidos", "primer apellido", "primerapellido")),
    "nome": ("first_name", ("sobrenome", "cognome", "apelidos", "último nome", "ultimo nome")),
    **{norm(w): ("first_name", partners) for w, partners in hw.LANGUAGE_HALF_NAMES.items()},
    **{norm(w): ("last_name", partners) for w, partners in hw.LANGUAGE_LAST_HALF_NAMES.items()},
}
_OTHER_HALF = {"last_name": "first_name", "first_name": "last_name"}


def _split_half_names(headers: list[str], chosen: list[ColumnMap], taken: dict[str, int]) -> None:
    """A name column that the synonyms mapped to Name, in a file whose other half of a
    name is in the same language (HALF_NAME), is this half: joined into Name, not dropped."""
    i = taken.get("name")
    halves = {_plain_latin(k): v for k, v in HALF_NAME.items()}
    if i is None or chosen[i].how != "synonym" or _plain_latin(norm(headers[i])) not in halves:
        return
    half, partners = halves[_plain_latin(norm(headers[i]))]
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
    replace_keeping_mode(tmp, path)
    return path


def list_profiles() -> list[str]:
    folder = config_dir() / "import-profiles"
    if not folder.exists():
        return []
    return sorted(p.stem for p in folder.glob("*.json"))
