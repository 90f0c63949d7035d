"""The one layout definition of cims_xl's entities.

Store columns, pydantic models, workbook sheets, the Save/Refresh protocol and the
importer's field names all come from here, so a field is added in one place.
Keys are snake_case (store columns and API dict keys); headers are what the sheet
shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# ----- enumerations -----------------------------------------------------------------

CUSTOMER_TYPES = ("Person", "Company")
SEGMENTS = ("Consumer", "Corporate", "Home Office", "Small Business", "Enterprise",
            "Government", "VIP")
SOURCES = ("Referral", "Website", "Event", "Cold call", "Partner", "Social media",
           "Advertising", "Import", "Other")
INTERACTION_KINDS = ("Call", "Email", "Meeting", "Visit", "Note")
# Draft: an order or invoice not yet confirmed (Xero's DRAFT and SUBMITTED, Kingdee's
# 未审核): not yet a sale. Last, so that the statuses before it keep their places.
ORDER_STATUSES = ("Open", "Paid", "Shipped", "Completed", "Cancelled", "Returned", "Draft")
# Orders that are not revenue: left out of lifetime value, the reports' sales figures and
# RFM alike (one definition; the reports used to count Returned orders as sales).
NOT_REVENUE_STATUSES = ("Cancelled", "Returned", "Draft")
STAGES = ("Lead", "Qualified", "Needs analysis", "Proposal", "Negotiation", "Won", "Lost")
STAGE_PROBABILITY = {"Lead": 10, "Qualified": 20, "Needs analysis": 30, "Proposal": 50,
                     "Negotiation": 75, "Won": 100, "Lost": 0}
OPEN_STAGES = STAGES[:5]
PRIORITIES = ("P1", "P2", "P3", "P4")
TICKET_STATUSES = ("New", "Open", "Pending", "Resolved", "Closed")
OPEN_TICKET_STATUSES = ("New", "Open", "Pending")
CHANNELS = ("Phone", "Email", "Web", "WeChat", "Visit", "Other")
ROLES = ("admin", "manager", "sales", "support", "viewer")
RFM_SEGMENTS = ("Champions", "Loyal", "Potential loyalist", "New", "Promising",
                "Need attention", "At risk", "Cannot lose", "Hibernating", "Lost")

# Words people type for enumeration values (lower-cased, Chinese included).
ENUM_SYNONYMS: dict[str, str] = {
    "个人": "Person", "person": "Person", "individual": "Person", "private": "Person",
    "公司": "Company", "企业": "Company", "company": "Company", "organisation": "Company",
    "organization": "Company", "business": "Company",
    # a customer's type as CRMs and shop systems write it in other languages (B2B/B2C;
    # Privatperson/Firma; particulier/entreprise; 法人/個人; 회사/개인; pessoa física/jurídica)
    "b2b": "Company", "b2c": "Person", "firma": "Company", "unternehmen": "Company", "privatperson": "Person",
    "privatkunde": "Person", "geschäftskunde": "Company", "entreprise": "Company", "société": "Company",
    "particulier": "Person", "empresa": "Company", "particular": "Person", "azienda": "Company",
    "privato": "Person", "bedrijf": "Company", "pessoa física": "Person", "pessoa jurídica": "Company",
    "persona física": "Person", "persona jurídica": "Company", "persona moral": "Company",
    "法人": "Company", "個人": "Person", "企業": "Company", "会社": "Company", "회사": "Company",
    "개인": "Person", "기업": "Company",
    "电话": "Call", "call": "Call", "phone": "Call", "邮件": "Email", "e-mail": "Email",
    "会议": "Meeting", "拜访": "Visit", "备注": "Note",
    "线索": "Lead", "已确认": "Qualified", "需求分析": "Needs analysis", "方案": "Proposal",
    "报价": "Proposal", "谈判": "Negotiation", "赢单": "Won", "成交": "Won", "输单": "Lost",
    "丢单": "Lost", "新建": "New", "处理中": "Open", "待定": "Pending", "挂起": "Pending",
    "已解决": "Resolved", "已关闭": "Closed", "微信": "WeChat",
    "待处理": "New", "已完成": "Closed", "关闭": "Closed",
    # Ticket priorities as help desks write them: 1 highest.
    # Ticket statuses as help desks write them (Zendesk: solved, hold; Freshdesk: Waiting on
    # Customer, Waiting on Third Party).
    "solved": "Resolved", "hold": "Pending", "on hold": "Pending", "waiting on customer": "Pending",
    "waiting on third party": "Pending", "awaiting customer": "Pending", "in progress": "Open",
    "reopened": "Open", "已处理": "Resolved", "处理完成": "Resolved", "待回复": "Pending",
    "紧急": "P1", "urgent": "P1", "critical": "P1", "高": "P2", "high": "P2",
    "中": "P3", "普通": "P3", "一般": "P3", "medium": "P3", "normal": "P3", "低": "P4", "low": "P4",
    # ServiceNow's priorities as its exports write them (number and word; 5 - Planning is its
    # lowest, below Low: our lowest) and severities as help desks number them (1 highest)
    "1 - critical": "P1", "2 - high": "P2", "3 - moderate": "P3", "4 - low": "P4", "5 - planning": "P4",
    "moderate": "P3", "sev 1": "P1", "sev 2": "P2", "sev 3": "P3", "sev 4": "P4",
    "severity 1": "P1", "severity 2": "P2", "severity 3": "P3", "severity 4": "P4",
}

# Ticket statuses and priorities as help desks (Zendesk, Freshdesk, Jira Service
# Management, OTRS/Znuny) write them in the languages the importer reads headings in
# (importer.header_words): new, open, pending/on hold, resolved/solved, closed; urgent,
# high, normal/medium, low. Lower-cased; merged into ENUM_SYNONYMS below without
# replacing a word it has.
TICKET_WORDS: dict[str, str] = {
    # German
    "neu": "New", "offen": "Open", "in bearbeitung": "Open", "wartend": "Pending", "warten auf kunde": "Pending",
    "angehalten": "Pending", "gelöst": "Resolved", "erledigt": "Resolved", "geschlossen": "Closed",
    "dringend": "P1", "kritisch": "P1", "hoch": "P2", "mittel": "P3", "niedrig": "P4",
    # French
    "nouveau": "New", "nouvelle": "New", "ouvert": "Open", "ouverte": "Open", "en cours": "Open",
    "en attente": "Pending", "résolu": "Resolved", "résolue": "Resolved", "fermé": "Closed", "fermée": "Closed",
    "clôturé": "Closed", "clos": "Closed", "urgente": "P1", "critique": "P1", "haute": "P2", "élevée": "P2",
    "moyenne": "P3", "normale": "P3", "basse": "P4", "faible": "P4",
    # Spanish
    "nuevo": "New", "nueva": "New", "abierto": "Open", "abierta": "Open", "en curso": "Open", "en progreso": "Open",
    "pendiente": "Pending", "en espera": "Pending", "resuelto": "Resolved", "resuelta": "Resolved",
    "cerrado": "Closed", "cerrada": "Closed", "urgente": "P1", "crítica": "P1", "alta": "P2", "media": "P3",
    "baja": "P4",
    # Portuguese
    "novo": "New", "aberto": "Open", "em andamento": "Open", "pendente": "Pending", "em espera": "Pending",
    "resolvido": "Resolved", "resolvida": "Resolved", "fechado": "Closed", "fechada": "Closed", "baixa": "P4",
    "média": "P3",
    # Italian
    "nuovo": "New", "aperto": "Open", "in corso": "Open", "in attesa": "Pending", "sospeso": "Pending",
    "risolto": "Resolved", "chiuso": "Closed", "bassa": "P4",
    # Dutch
    "nieuw": "New", "open": "Open", "in behandeling": "Open", "in afwachting": "Pending", "wachtend": "Pending",
    "opgelost": "Resolved", "gesloten": "Closed", "hoog": "P2", "gemiddeld": "P3", "laag": "P4",
    # Polish, Turkish, Russian, Ukrainian, Czech, Hungarian
    "nowe": "New", "otwarte": "Open", "oczekujące": "Pending", "rozwiązane": "Resolved", "zamknięte": "Closed",
    "pilny": "P1", "wysoki": "P2", "średni": "P3", "niski": "P4",
    "yeni": "New", "açık": "Open", "beklemede": "Pending", "çözüldü": "Resolved", "kapalı": "Closed",
    "acil": "P1", "yüksek": "P2", "orta": "P3", "düşük": "P4",
    "новый": "New", "открыт": "Open", "открыта": "Open", "в работе": "Open", "ожидание": "Pending",
    "в ожидании": "Pending", "решён": "Resolved", "решен": "Resolved", "решена": "Resolved", "закрыт": "Closed",
    "закрыта": "Closed", "срочный": "P1", "высокий": "P2", "средний": "P3", "низкий": "P4",
    "новий": "New", "відкрито": "Open", "очікування": "Pending", "вирішено": "Resolved", "закрито": "Closed",
    "nový": "New", "otevřený": "Open", "čeká": "Pending", "vyřešeno": "Resolved", "uzavřeno": "Closed",
    "új": "New", "nyitott": "Open", "függőben": "Pending", "megoldva": "Resolved", "lezárva": "Closed",
    # Japanese, Chinese (traditional), Korean
    "新規": "New", "未対応": "New", "オープン": "Open", "対応中": "Open", "保留": "Pending", "保留中": "Pending",
    "回答待ち": "Pending", "解決済み": "Resolved", "解決済": "Resolved", "完了": "Closed", "クローズ": "Closed",
    "クローズ済み": "Closed", "最優先": "P1", "至急": "P1", "新建立": "New", "處理中": "Open", "待處理": "New",
    "已解決": "Resolved", "已關閉": "Closed", "緊急": "P1",
    "신규": "New", "열림": "Open", "진행 중": "Open", "진행중": "Open", "처리중": "Open", "보류": "Pending",
    "대기": "Pending", "해결됨": "Resolved", "해결": "Resolved", "종료": "Closed", "닫힘": "Closed",
    "긴급": "P1", "높음": "P2", "보통": "P3", "낮음": "P4",
}

for _word, _value in TICKET_WORDS.items():
    ENUM_SYNONYMS.setdefault(_word, _value)

# An interaction's kind as CRMs and people write it in other languages (de, fr, es, it,
# nl, pt, zh, ja; lower-cased keys). Kept apart from ENUM_SYNONYMS: "telefon" is a call
# here, not a ticket's channel.
INTERACTION_KIND_SYNONYMS: dict[str, str] = {
    # English
    "phone call": "Call", "telephone": "Call", "call log": "Call", "email": "Email", "e-mail": "Email",
    "mail": "Email", "appointment": "Meeting", "video call": "Meeting", "site visit": "Visit", "memo": "Note",
    # German
    "anruf": "Call", "telefonat": "Call", "telefon": "Call", "telefonanruf": "Call", "rückruf": "Call",
    "besprechung": "Meeting", "termin": "Meeting", "sitzung": "Meeting", "treffen": "Meeting",
    "videokonferenz": "Meeting", "besuch": "Visit", "kundenbesuch": "Visit", "notiz": "Note", "vermerk": "Note",
    # French
    "appel": "Call", "appel téléphonique": "Call", "téléphone": "Call", "réunion": "Meeting",
    "rendez-vous": "Meeting", "rdv": "Meeting", "courriel": "Email", "visite": "Visit",
    # Spanish
    "llamada": "Call", "llamada telefónica": "Call", "reunión": "Meeting", "cita": "Meeting",
    "correo": "Email", "correo electrónico": "Email", "visita": "Visit", "nota": "Note",
    # Italian
    "chiamata": "Call", "telefonata": "Call", "riunione": "Meeting", "incontro": "Meeting",
    "appuntamento": "Meeting", "posta elettronica": "Email",
    # Dutch
    "telefoongesprek": "Call", "telefoon": "Call", "gebeld": "Call", "vergadering": "Meeting",
    "afspraak": "Meeting", "bespreking": "Meeting", "bezoek": "Visit", "notitie": "Note",
    # Portuguese
    "ligação": "Call", "chamada": "Call", "telefonema": "Call", "reunião": "Meeting", "nota interna": "Note",
    # Chinese (simplified and traditional)
    "电话": "Call", "電話": "Call", "通话": "Call", "通話": "Call", "来电": "Call", "去电": "Call",
    "会议": "Meeting", "會議": "Meeting", "会面": "Meeting", "會面": "Meeting", "邮件": "Email",
    "郵件": "Email", "电子邮件": "Email", "電子郵件": "Email", "拜访": "Visit", "拜訪": "Visit",
    "上门": "Visit", "备注": "Note", "備註": "Note", "笔记": "Note",
    # Japanese
    "会議": "Meeting", "ミーティング": "Meeting", "打ち合わせ": "Meeting", "打合せ": "Meeting",
    "メール": "Email", "電子メール": "Email", "訪問": "Visit", "メモ": "Note",
    "架電": "Call", "受電": "Call", "面談": "Meeting", "商談": "Meeting", "来訪": "Visit", "来社": "Visit",
    # Korean
    "전화": "Call", "통화": "Call", "전화상담": "Call", "전화 상담": "Call", "미팅": "Meeting", "회의": "Meeting",
    "면담": "Meeting", "방문": "Visit", "현장방문": "Visit", "현장 방문": "Visit", "이메일": "Email",
    "메일": "Email", "메모": "Note", "노트": "Note",
    # English as CRMs write activity categories
    "phone": "Call", "outbound call": "Call", "inbound call": "Call", "on-site visit": "Visit",
    "onsite visit": "Visit", "on site visit": "Visit", "customer visit": "Visit", "in-person meeting": "Meeting",
}

# Order statuses as shops, marketplaces (Taobao, JD, Shopify, WooCommerce exports) and
# other languages write them. Kept apart from ENUM_SYNONYMS, where "已完成" is a ticket's
# Closed: for an order it is Completed. Lower-cased keys. Words that mean one status in
# one system and another elsewhere ("closed": completed in Shopify, 已关闭 a cancelled
# Taobao trade) are left out: the import names such values and `--value` says what they
# are (importer.values); a stray one refuses its row.
ORDER_STATUS_SYNONYMS: dict[str, str] = {
    # Chinese
    "待付款": "Open", "未付款": "Open", "待支付": "Open", "等待买家付款": "Open", "待处理": "Open",
    "新订单": "Open", "处理中": "Open", "待发货": "Paid", "已付款": "Paid", "已支付": "Paid",
    "买家已付款": "Paid", "已发货": "Shipped", "卖家已发货": "Shipped", "运输中": "Shipped",
    "配送中": "Shipped", "已完成": "Completed", "完成": "Completed", "交易成功": "Completed",
    "已收货": "Completed", "已签收": "Completed", "已取消": "Cancelled", "取消": "Cancelled",
    "交易关闭": "Cancelled", "已退货": "Returned", "退货": "Returned",
    "已退款": "Returned", "退款成功": "Returned", "退货退款": "Returned",
    # refunded in full (WeChat Pay's 当前状态 "已全额退款"; Japanese, Korean, English shop and
    # payment exports): not a sale. A partial refund written with its amount ("已退款(￥50.00)")
    # is read by importer.refunds.refund_in_status.
    "已全额退款": "Returned", "全额退款": "Returned", "已全部退款": "Returned", "全部退款": "Returned",
    "已全額退款": "Returned", "全額退款": "Returned", "返金済み": "Returned", "返金済": "Returned",
    "返金完了": "Returned", "全額返金": "Returned", "全額返金済み": "Returned", "환불완료": "Returned",
    "환불 완료": "Returned", "전액환불": "Returned", "전액 환불": "Returned", "환불됨": "Returned",
    "fully refunded": "Returned", "refunded in full": "Returned", "full refund": "Returned",
    "vollständig erstattet": "Returned", "remboursé intégralement": "Returned",
    "reembolsado totalmente": "Returned", "reembolso total": "Returned",
    # WeChat Pay's bill: money received (已收钱, 已存入零钱: into the change wallet), paid (支付成功)
    "已收钱": "Paid", "已存入零钱": "Paid", "支付成功": "Paid", "已收款": "Paid",
    # English as order systems write it
    "pending": "Open", "pending payment": "Open", "new": "Open", "processing": "Open", "on hold": "Open",
    "unpaid": "Open", "payment received": "Paid", "fulfilled": "Shipped", "dispatched": "Shipped",
    "in transit": "Shipped", "delivered": "Completed", "complete": "Completed",
    "canceled": "Cancelled", "voided": "Cancelled", "refunded": "Returned", "return": "Returned",
    # German, French, Spanish
    "offen": "Open", "bezahlt": "Paid", "versandt": "Shipped", "verschickt": "Shipped",
    "abgeschlossen": "Completed", "geliefert": "Completed", "storniert": "Cancelled",
    "zurückgegeben": "Returned", "retoure": "Returned", "erstattet": "Returned",
    "en attente": "Open", "payée": "Paid", "payé": "Paid", "expédiée": "Shipped", "expédié": "Shipped",
    "livrée": "Completed", "livré": "Completed", "terminée": "Completed", "annulée": "Cancelled",
    "annulé": "Cancelled", "retournée": "Returned", "remboursée": "Returned", "remboursé": "Returned",
    "pendiente": "Open", "pagado": "Paid", "enviado": "Shipped", "entregado": "Completed",
    "completado": "Completed", "cancelado": "Cancelled", "devuelto": "Returned", "reembolsado": "Returned",
    # more of what shop systems write (WooCommerce, Shopify, Shopware, PrestaShop exports;
    # "_" and "-" are read as spaces: "on-hold", "partially_paid")
    "authorized": "Open", "partially paid": "Open", "awaiting payment": "Open", "awaiting shipment": "Paid",
    "shipped": "Shipped", "out for delivery": "Shipped",
    "in bearbeitung": "Open", "ausstehend": "Open", "zahlung ausstehend": "Open", "wartend": "Open",
    "in zustellung": "Shipped", "zugestellt": "Completed", "erledigt": "Completed",
    "abgebrochen": "Cancelled", "rückerstattet": "Returned", "zurückerstattet": "Returned",
    "en cours": "Open", "en cours de traitement": "Open", "en préparation": "Paid",
    "paiement accepté": "Paid", "remboursement": "Returned", "en proceso": "Open", "procesando": "Open",
    "en espera": "Open", "in lavorazione": "Open", "in attesa": "Open", "pagato": "Paid",
    "spedito": "Shipped", "consegnato": "Completed", "completato": "Completed", "annullato": "Cancelled",
    "rimborsato": "Returned", "reso": "Returned",
    # WooCommerce's own status slugs (its CSV export writes "wc-completed"); "wc-failed" (a
    # payment that failed and may be retried) and "wc-checkout-draft" are left out
    "wc-pending": "Open", "wc-processing": "Open", "wc-on-hold": "Open", "wc-completed": "Completed",
    "wc-cancelled": "Cancelled", "wc-refunded": "Returned",
    # Amazon order reports, Magento, BigCommerce ("closed" is a refunded order in Magento and
    # a completed one in Shopify: left out, as above; so are "partially refunded" and "disputed")
    "unshipped": "Paid", "partiallyshipped": "Shipped", "partially shipped": "Shipped",
    "shipped - delivered to buyer": "Completed", "shipped delivered to buyer": "Completed",
    "shipped - returned to seller": "Returned", "shipped returned to seller": "Returned",
    "holded": "Open", "payment review": "Open", "awaiting fulfillment": "Paid", "awaiting pickup": "Paid",
    "declined": "Cancelled",
    # PrestaShop (French, German) and the Chinese marketplaces (JD, Pinduoduo, Youzan)
    "en cours de préparation": "Paid", "paiement à distance accepté": "Paid",
    "en attente du paiement par chèque": "Open", "en attente de paiement par virement bancaire": "Open",
    "zahlung eingegangen": "Paid", "zahlung akzeptiert": "Paid", "versendet": "Shipped",
    "warten auf zahlungseingang": "Open", "等待出库": "Paid", "等待确认收货": "Shipped", "待收货": "Shipped",
    "已发货，待收货": "Shipped", "已发货,待收货": "Shipped", "已发货，待签收": "Shipped", "交易完成": "Completed",
    # accounting and payment systems (invoice and charge statuses): Kingdee/Yonyou 作废 (void);
    # Stripe payments (Succeeded/Paid, Failed, Refunded, Disputed: a charge that was paid and
    # is contested); Xero invoices (AUTHORISED: approved, awaiting payment; VOIDED, DELETED;
    # DRAFT and SUBMITTED: not yet approved, so Draft, no sale yet); QuickBooks invoices and
    # payments (Overdue: unpaid past its due date; Deposited). Stripe's "Partially refunded"
    # is read only beside a refunded amount (importer.refunds): left out here.
    "作废": "Cancelled", "已作废": "Cancelled", "作廢": "Cancelled", "已作廢": "Cancelled",
    "succeeded": "Paid", "failed": "Cancelled", "disputed": "Paid", "authorised": "Open",
    "void": "Cancelled", "deleted": "Cancelled", "overdue": "Open", "deposited": "Paid",
    "draft": "Draft", "submitted": "Draft", "awaiting approval": "Draft", "草稿": "Draft",
    # Odoo sale orders (sale.order state): a quotation, sent or not, is no sale yet (Draft); a
    # "Sales Order" is confirmed, and "Locked" (state done) is a confirmed order locked against
    # edits, neither saying it was paid or delivered (Open, as Xero's AUTHORISED)
    "quotation": "Draft", "quotation sent": "Draft", "sales order": "Open", "locked": "Open",
    "entwurf": "Draft", "brouillon": "Draft", "borrador": "Draft", "bozza": "Draft",
    # Kingdee/Yonyou 单据状态: 已审核 (audited) is a document approved, its order confirmed
    # and not yet paid or delivered (as Xero's AUTHORISED); 未审核, 创建, 暂存, 审核中 and
    # 重新审核 are a document not yet approved (Draft); 已关闭 (closed: done or cancelled)
    # is not guessed.
    "已审核": "Open", "已審核": "Open", "未审核": "Draft", "未審核": "Draft", "创建": "Draft", "建立": "Draft",
    "暂存": "Draft", "暫存": "Draft", "审核中": "Draft", "審核中": "Draft", "重新审核": "Draft",
    "重新審核": "Draft",
    # The languages whose headings the importer reads (header_words.LANGUAGES): shop and
    # marketplace order statuses as their exports write them (Allegro, Trendyol, Ozon,
    # Bol.com, Tokopedia, Shopee, Lazada; WooCommerce and PrestaShop translations).
    # Polish
    "nowe": "Open", "oczekujące": "Open", "w realizacji": "Open", "opłacone": "Paid", "wysłane": "Shipped",
    "zrealizowane": "Completed", "dostarczone": "Completed", "anulowane": "Cancelled", "zwrócone": "Returned",
    # Turkish
    "beklemede": "Open", "hazırlanıyor": "Open", "ödendi": "Paid", "kargoda": "Shipped",
    "kargoya verildi": "Shipped", "teslim edildi": "Completed", "tamamlandı": "Completed",
    "iptal edildi": "Cancelled", "iade edildi": "Returned",
    # Greek
    "σε εκκρεμότητα": "Open", "πληρώθηκε": "Paid", "απεστάλη": "Shipped", "παραδόθηκε": "Completed",
    "ολοκληρώθηκε": "Completed", "ακυρώθηκε": "Cancelled", "επιστράφηκε": "Returned",
    # Russian, Ukrainian
    "новый": "Open", "в обработке": "Open", "оплачен": "Paid", "отправлен": "Shipped", "доставлен": "Completed",
    "выполнен": "Completed", "отменён": "Cancelled", "отменен": "Cancelled", "возвращён": "Returned",
    "возвращен": "Returned", "новий": "Open", "оплачено": "Paid", "відправлено": "Shipped",
    "доставлено": "Completed", "виконано": "Completed", "скасовано": "Cancelled", "повернено": "Returned",
    # Dutch
    "in behandeling": "Open", "betaald": "Paid", "verzonden": "Shipped", "afgeleverd": "Completed",
    "voltooid": "Completed", "geannuleerd": "Cancelled", "geretourneerd": "Returned", "terugbetaald": "Returned",
    # Hungarian
    "függőben": "Open", "feldolgozás alatt": "Open", "fizetve": "Paid", "kiszállítva": "Shipped",
    "teljesítve": "Completed", "törölve": "Cancelled", "visszaküldve": "Returned",
    # Czech
    "nová": "Open", "zaplaceno": "Paid", "odesláno": "Shipped", "doručeno": "Completed", "vyřízeno": "Completed",
    "stornováno": "Cancelled", "zrušeno": "Cancelled", "vráceno": "Returned",
    # Indonesian, Vietnamese, Thai
    "menunggu pembayaran": "Open", "diproses": "Open", "dibayar": "Paid", "dikirim": "Shipped",
    "selesai": "Completed", "dibatalkan": "Cancelled", "dikembalikan": "Returned",
    "chờ xác nhận": "Open", "đang xử lý": "Open", "đã thanh toán": "Paid", "đang giao": "Shipped",
    "đã giao": "Completed", "hoàn thành": "Completed", "đã hủy": "Cancelled", "trả hàng": "Returned",
    "รอชำระเงิน": "Open", "ชำระเงินแล้ว": "Paid", "จัดส่งแล้ว": "Shipped", "สำเร็จ": "Completed",
    "ยกเลิก": "Cancelled", "คืนสินค้า": "Returned",
}

# Opportunity stages as CRMs write them, lower-cased, mapped to ours by what the stage
# means and, for a pipeline with as many open stages as ours, in the same order.
# Sources: the default stage picklists of Salesforce (Sales Cloud "Opportunity Stage") and
# Zoho CRM (Deals "Stage"); HubSpot's default sales pipeline; Pipedrive's default pipeline
# (current and older); Dynamics 365's business process stages; Odoo CRM; common Chinese CRM
# stages (纷享销客, 销售易, 金蝶云之家). A stage none of them names is never guessed: the import
# names it and `--value "Stage text=Stage"` says which of ours it is.
STAGE_SYNONYMS: dict[str, str] = {
    # Salesforce and Zoho
    "prospecting": "Lead", "qualification": "Qualified", "needs analysis": "Needs analysis",
    "value proposition": "Needs analysis", "id. decision makers": "Needs analysis",
    "id decision makers": "Needs analysis", "identify decision makers": "Needs analysis",
    "perception analysis": "Needs analysis", "proposal/price quote": "Proposal",
    "proposal/quote": "Proposal", "negotiation/review": "Negotiation", "closed won": "Won",
    "closed lost": "Lost", "closed lost to competition": "Lost", "closed-won": "Won", "closed-lost": "Lost",
    # HubSpot (five open stages, ours in order)
    "appointment scheduled": "Lead", "qualified to buy": "Qualified", "presentation scheduled": "Needs analysis",
    "decision maker bought-in": "Proposal", "decision maker bought in": "Proposal", "contract sent": "Negotiation",
    # Pipedrive
    "lead in": "Lead", "idea": "Lead", "contact made": "Qualified", "demo scheduled": "Needs analysis",
    "needs defined": "Needs analysis", "proposal made": "Proposal", "negotiations started": "Negotiation",
    "won": "Won", "lost": "Lost",
    # Dynamics 365, Odoo
    "qualify": "Qualified", "develop": "Needs analysis", "propose": "Proposal", "proposition": "Proposal",
    "negotiating": "Negotiation", "negotiation": "Negotiation", "new lead": "Lead", "prospect": "Lead",
    # Chinese CRMs
    "初步接洽": "Lead", "初步沟通": "Lead", "意向客户": "Lead", "线索": "Lead", "验证客户": "Qualified",
    "需求确认": "Needs analysis", "需求沟通": "Needs analysis", "方案报价": "Proposal", "方案制定": "Proposal",
    "报价": "Proposal", "商务谈判": "Negotiation", "合同谈判": "Negotiation", "赢单": "Won", "已成交": "Won",
    "签约": "Won", "已签约": "Won", "输单": "Lost", "丢单": "Lost", "已输单": "Lost",
}

# What a CRM's deal status column says (Pipedrive's "Deal - Status": open, won, lost):
# Won or Lost, or None for a deal still open (its Stage column then says where it is).
DEAL_STATUS_WORDS: dict[str, str | None] = {
    "open": None, "won": "Won", "lost": "Lost", "closed won": "Won", "closed lost": "Lost",
    "进行中": None, "跟进中": None, "赢单": "Won", "输单": "Lost", "已成交": "Won", "丢单": "Lost",
}

# ----- field and entity specs ------------------------------------------------------

# kinds: text, name, email, phone, date, datetime, money, decimal, int, bool, enum,
#        tags, ref (id of another entity), user (a user name)


@dataclass(frozen=True)
class Field:
    key: str
    header: str
    kind: str = "text"
    choices: tuple[str, ...] = ()
    strict: bool = True          # enum: reject values outside `choices`
    required: bool = False
    personal: bool = False       # erased by GDPR erase, hidden from viewers
    free_text: bool = False      # may name a person: hidden from viewers; GDPR erase removes the names
    # Not personal alone, but with other data identifies a person (a customer's old-system
    # id tag, a Person's company and town): the audit trail MACs it through its digest, so
    # GDPR erase can remove it from the trail as well as from the record.
    identifying: bool = False
    # May name a person though it is not personal data of its own (a company called after
    # its owner, "Schmidt GmbH", or a Company customer's company, which is its name; a tag
    # typed as free text, or the person's id in another system, "src:CRM-007"): hidden
    # from viewers like personal fields, and not searched or sorted on by them; kept by
    # GDPR erase where the record is a company's (see `identifying`).
    may_name: bool = False
    searchable: bool = False     # gets an index
    editable: bool = True        # False: computed or set by the system
    internal: bool = False       # never shown on a sheet
    ref: str | None = None       # entity kind a `ref` field points to
    width: float = 14
    default: object = None

    @property
    def private(self) -> bool:
        """Hidden from roles without "read_personal": it may name a person."""
        return self.personal or self.free_text or self.may_name


@dataclass(frozen=True)
class Entity:
    kind: str
    prefix: str
    table: str
    sheet: str
    label: str
    fields: tuple[Field, ...]
    extra_headers: tuple[str, ...] = field(default=())

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def plural(self) -> str:
        """The label's plural, for messages ("opportunities", "customers")."""
        label = self.label
        if label.endswith("y") and label[-2:-1] not in tuple("aeiou"):
            return label[:-1] + "ies"
        return label + ("es" if label.endswith(("s", "x", "ch", "sh")) else "s")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    @property
    def personal_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if f.personal)

    @property
    def free_text_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if f.free_text)

    @property
    def digested_keys(self) -> tuple[str, ...]:
        """What the audit trail MACs through keyed digests (security.audit): private
        fields and identifying ones."""
        return tuple(f.key for f in self.fields if f.personal or f.free_text or f.identifying)

    @property
    def private_keys(self) -> tuple[str, ...]:
        """What a role without "read_personal" does not see, search or sort on: every
        field that may name a person (personal fields, free text, `may_name`). The single
        source for viewer masking in records, history, search, frames, sheets and
        worksheet functions (`Field.private`)."""
        return tuple(f.key for f in self.fields if f.private)

    @property
    def erasable_keys(self) -> tuple[str, ...]:
        """What GDPR erase blanks in every record of the person: personal fields and free
        text (a `may_name` field is erased only where it is `identifying` too)."""
        return tuple(f.key for f in self.fields if f.personal or f.free_text)


def _f(key: str, header: str, kind: str = "text", **kw) -> Field:
    return Field(key, header, kind, **kw)


CUSTOMER = Entity(
    kind="customer", prefix="C", table="customers", sheet="Customers", label="customer",
    fields=(
        _f("name", "Name", "name", required=True, personal=True, searchable=True, width=24),
        _f("type", "Type", "enum", choices=CUSTOMER_TYPES, default="Person", width=11),
        _f("company", "Company", "name", searchable=True, identifying=True, may_name=True, width=24),
        _f("email", "Email", "email", personal=True, searchable=True, width=26),
        _f("phone", "Phone", "phone", personal=True, searchable=True, width=17),
        _f("mobile", "Mobile", "phone", personal=True, searchable=True, width=17),
        _f("address", "Address", "text", personal=True, width=30),
        _f("city", "City", "name", searchable=True, identifying=True),
        _f("province", "Province", "name", searchable=True, identifying=True),
        _f("postal_code", "Postal Code", "text", personal=True, width=12),
        _f("country", "Country", "name", searchable=True, width=12),
        _f("segment", "Segment", "enum", choices=SEGMENTS, strict=False, searchable=True),
        _f("source", "Source", "enum", choices=SOURCES, strict=False, searchable=True),
        _f("tags", "Tags", "tags", identifying=True, may_name=True, width=18),   # "src:<old id>", "referred-by-wang"
        _f("owner", "Owner", "user", searchable=True, width=12),
        _f("notes", "Notes", "text", personal=True, width=30),
        _f("marketing_consent", "Marketing Consent", "bool", width=10),
        _f("marketing_consent_at", "Consent Date", "date", width=12),
        _f("rfm_segment", "RFM Segment", "enum", choices=RFM_SEGMENTS, strict=False,
           searchable=True, editable=False, width=16),
    ),
)

CONTACT = Entity(
    kind="contact", prefix="P", table="contacts", sheet="Contacts", label="contact",
    fields=(
        _f("customer_id", "Customer ID", "ref", ref="customer", required=True, searchable=True, width=12),
        _f("name", "Name", "name", required=True, personal=True, searchable=True, width=22),
        _f("title", "Job Title", "name", width=18),
        _f("email", "Email", "email", personal=True, searchable=True, width=26),
        _f("phone", "Phone", "phone", personal=True, searchable=True, width=17),
        _f("mobile", "Mobile", "phone", personal=True, searchable=True, width=17),
        _f("is_primary", "Primary", "bool", width=9),
        _f("notes", "Notes", "text", personal=True, width=30),
    ),
)

INTERACTION = Entity(
    kind="interaction", prefix="I", table="interactions", sheet="Interactions",
    label="interaction",
    fields=(
        _f("customer_id", "Customer ID", "ref", ref="customer", required=True, searchable=True, width=12),
        _f("contact_id", "Contact ID", "ref", ref="contact", width=12),
        _f("kind", "Kind", "enum", choices=INTERACTION_KINDS, required=True, default="Note", width=10),
        _f("occurred_at", "When", "datetime", searchable=True, width=17),
        _f("subject", "Subject", "text", free_text=True, width=28),
        _f("notes", "Notes", "text", personal=True, width=36),
        _f("owner", "Owner", "user", searchable=True, width=12),
    ),
)

ORDER = Entity(
    kind="order", prefix="O", table="orders", sheet="Orders", label="order",
    fields=(
        _f("order_number", "Order No.", "text", searchable=True, width=16),
        _f("line_no", "Line", "int", default=1, width=6),
        _f("customer_id", "Customer ID", "ref", ref="customer", required=True, searchable=True, width=12),
        _f("order_date", "Order Date", "date", required=True, searchable=True, width=12),
        _f("ship_date", "Ship Date", "date", width=12),
        _f("product", "Product", "text", free_text=True, width=28),
        _f("category", "Category", "name", searchable=True),
        _f("sub_category", "Sub-Category", "name"),
        _f("quantity", "Quantity", "int", default=1, width=9),
        _f("amount", "Amount", "money", required=True, width=13),
        _f("discount", "Discount", "decimal", width=9),
        _f("profit", "Profit", "money", width=12),
        _f("currency", "Currency", "text", width=9),
        _f("region", "Region", "name", searchable=True, width=12),
        _f("province", "Province", "name", width=12),
        _f("city", "City", "name", width=12),
        _f("status", "Order Status", "enum", choices=ORDER_STATUSES, default="Completed", width=12),
        _f("notes", "Notes", "text", free_text=True, width=24),
    ),
)

OPPORTUNITY = Entity(
    kind="opportunity", prefix="OP", table="opportunities", sheet="Opportunities",
    label="opportunity",
    fields=(
        _f("customer_id", "Customer ID", "ref", ref="customer", required=True, searchable=True, width=12),
        _f("name", "Opportunity", "text", required=True, free_text=True, width=28),
        _f("stage", "Stage", "enum", choices=STAGES, default="Lead", searchable=True, width=15),
        _f("amount", "Amount", "money", width=13),
        _f("currency", "Currency", "text", width=9),
        _f("probability", "Probability %", "int", width=12),
        _f("probability_manual", "Probability Set By Hand", "bool", internal=True),
        _f("expected_close", "Expected Close", "date", searchable=True, width=13),
        _f("next_step", "Next Step", "text", free_text=True, width=24),
        _f("lost_reason", "Lost Reason", "text", free_text=True, width=20),
        _f("owner", "Owner", "user", searchable=True, width=12),
        _f("source", "Source", "enum", choices=SOURCES, strict=False, width=12),
        _f("closed_at", "Closed", "date", editable=False, width=12),
    ),
)

TICKET = Entity(
    kind="ticket", prefix="T", table="tickets", sheet="Tickets", label="ticket",
    fields=(
        _f("customer_id", "Customer ID", "ref", ref="customer", required=True, searchable=True, width=12),
        _f("contact_id", "Contact ID", "ref", ref="contact", width=12),
        _f("subject", "Subject", "text", required=True, free_text=True, width=30),
        _f("description", "Description", "text", personal=True, width=36),
        _f("priority", "Priority", "enum", choices=PRIORITIES, default="P3", searchable=True, width=9),
        _f("status", "Ticket Status", "enum", choices=TICKET_STATUSES, default="New", searchable=True, width=12),
        _f("channel", "Channel", "enum", choices=CHANNELS, strict=False, width=10),
        _f("assignee", "Assignee", "user", searchable=True, width=12),
        _f("opened_at", "Opened", "datetime", searchable=True, width=17),
        _f("first_response_at", "First Response", "datetime", width=17),
        _f("resolved_at", "Resolved", "datetime", width=17),
        _f("closed_at", "Closed", "datetime", width=17),
        _f("first_response_due", "Response Due", "datetime", editable=False, width=17),
        _f("resolution_due", "Resolution Due", "datetime", editable=False, width=17),
        # The paused clock: computed by cims from status changes (domain.sla), never typed;
        # an import gives only the time a Pending ticket's pause started (FROM_IMPORT).
        _f("pending_since", "Pending Since", "datetime", internal=True, editable=False),
        _f("paused_seconds", "Paused Seconds", "int", internal=True, editable=False, default=0),
    ),
)

# Fields the store computes on a record typed in (editable=False) that an import of
# another system's history takes from its file (`records.create_many(imported=True)`,
# which needs the import permission): a help desk's own due times, and the time a ticket
# still Pending there last changed ("Updated at", "Status changed"), where its pause
# starts. Nothing else computed is ever written from outside cims.
FROM_IMPORT: dict[str, frozenset[str]] = {"ticket": frozenset({"first_response_due", "resolution_due",
                                                               "pending_since"})}

COMPUTED = "is computed by cims and cannot be changed"
_PAUSED = "cims counts it from the ticket's status changes, Pending and back"
_DUE = "cims sets it from Opened, Priority and the time the ticket was Pending"
_HOW = {("ticket", "pending_since"): _PAUSED, ("ticket", "paused_seconds"): _PAUSED,
        ("ticket", "first_response_due"): _DUE, ("ticket", "resolution_due"): _DUE}


def computed_problem(ent: "Entity", key: str) -> str:
    """What a refusal to write field `key` of `ent`, which cims computes, says."""
    how = _HOW.get((ent.kind, key))
    return f"{COMPUTED} ({how})" if how else COMPUTED


ENTITIES: dict[str, Entity] = {e.kind: e for e in
                               (CUSTOMER, CONTACT, INTERACTION, ORDER, OPPORTUNITY, TICKET)}
BY_PREFIX: dict[str, Entity] = {e.prefix: e for e in ENTITIES.values()}
BY_SHEET: dict[str, Entity] = {e.sheet: e for e in ENTITIES.values()}

# Meta columns every stored row has (besides the business fields).
META_KEYS = ("id", "created_at", "created_by", "updated_at", "updated_by", "version",
             "deleted_at", "deleted_by", "batch_id")


def entity(kind: str) -> Entity:
    """The spec for an entity kind ('customer', 'order', ...), with a plain error."""
    try:
        return ENTITIES[kind]
    except KeyError:
        raise ValueError(f"unknown record type {kind!r}; use one of: {', '.join(ENTITIES)}") from None


def kind_of_id(record_id: str) -> Entity:
    """The entity a human-readable id like 'C-000123' belongs to."""
    prefix, _, number = str(record_id).strip().partition("-")
    ent = BY_PREFIX.get(prefix.upper())
    if ent is None or not number.isdigit():
        raise ValueError(f"{record_id!r} is not a record id (expected e.g. C-000123)")
    return ent


def format_id(ent: Entity, seq: int) -> str:
    return f"{ent.prefix}-{seq:06d}"


def normalize_id(record_id: object) -> str:
    """An id as stored, however it was typed: " c-5" -> "C-000005". Text that is not
    one of our ids comes back trimmed and upper-cased (lookups then find nothing)."""
    text = str(record_id).strip().upper()
    prefix, _, number = text.partition("-")
    if prefix in BY_PREFIX and number.isdigit() and len(number) <= 12:
        return f"{prefix}-{int(number):06d}"
    return text


# A customer imported from another system keeps the id it had there as the tag
# "src:<id>": a later import links its orders by it, and search and the worksheet
# functions find the customer by it.
SOURCE_TAG = "src:"


def source_ids(tags: str | None) -> list[str]:
    """The other systems' ids in a tags text: "src:CG-12520, VIP" -> ["CG-12520"]."""
    out = []
    for t in (tags or "").split(","):
        t = t.strip()
        if t.startswith(SOURCE_TAG) and len(t) > len(SOURCE_TAG):
            out.append(t[len(SOURCE_TAG):])
    return out
