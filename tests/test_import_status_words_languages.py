"""Words and headings that other systems' exports write in other languages (issue 14,
tester round 19 finding 12): help-desk statuses and priorities, yes/no and consent words,
order headings in Arabic and Korean, German "Mail", Kingdee's 单据日期. Each is read
right; a word still unknown stops as before."""

from __future__ import annotations

import pytest

from cims_xl.domain import normalize as nz
from cims_xl.domain.schema import ENTITIES
from cims_xl.importer import header_words as hw
from cims_xl.importer import import_file
from cims_xl.importer import mapping as mp
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import write_csv, write_xlsx

# (headings: id, subject, status, priority, requester, requester's email;
#  statuses and priorities as the help desk's interface writes them, and ours)
TICKETS = {
    "es": (["ID", "Asunto", "Estado", "Prioridad", "Solicitante", "Correo del solicitante"],
           [("Abierto", "Alta"), ("Resuelto", "Urgente"), ("Cerrado", "Baja"), ("Pendiente", "Normal")]),
    "de": (["ID", "Betreff", "Status", "Priorität", "Anfragender", "E-Mail des Anfragenden"],
           [("Offen", "Hoch"), ("Gelöst", "Dringend"), ("Geschlossen", "Niedrig"), ("Wartend", "Normal")]),
    "fr": (["ID", "Sujet", "Statut", "Priorité", "Demandeur", "E-mail du demandeur"],
           [("Ouvert", "Haute"), ("Résolu", "Urgente"), ("Fermé", "Basse"), ("En attente", "Normale")]),
    "pt": (["ID", "Assunto", "Status", "Prioridade", "Solicitante", "E-mail do solicitante"],
           [("Aberto", "Alta"), ("Resolvido", "Urgente"), ("Fechado", "Baixa"), ("Pendente", "Normal")]),
    "it": (["ID", "Oggetto", "Stato", "Priorità", "Richiedente", "E-mail del richiedente"],
           [("Aperto", "Alta"), ("Risolto", "Urgente"), ("Chiuso", "Bassa"), ("In attesa", "Normale")]),
    "ja": (["ID", "件名", "ステータス", "優先度", "依頼者", "依頼者のメール"],
           [("対応中", "高"), ("解決済み", "緊急"), ("クローズ", "低"), ("保留", "中")]),
    "ko": (["ID", "제목", "상태", "우선순위", "요청자", "요청자 이메일"],
           [("열림", "높음"), ("해결됨", "긴급"), ("종료", "낮음"), ("보류", "보통")]),
}
OURS = [("Open", "P2"), ("Resolved", "P1"), ("Closed", "P4"), ("Pending", "P3")]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("lang", list(TICKETS), ids=list(TICKETS))
def test_a_help_desk_export_in_another_language_keeps_its_statuses_and_priorities(admin, tmp_path, lang, writer):
    headers, words = TICKETS[lang]
    rows = [[str(i + 1), f"Ticket {i + 1}", status, priority, f"Person {i + 1}", f"p{i + 1}@example.com"]
            for i, (status, priority) in enumerate(words)]
    path = writer(tmp_path / f"t-{lang}.{'csv' if writer is write_csv else 'xlsx'}", [headers, *rows])
    result = import_file(admin, path, kind="tickets")
    assert result.created == 4, result.rejected
    got = {t["subject"]: (t["status"], t["priority"]) for t in records.list_records(admin, "ticket")}
    assert got == {f"Ticket {i + 1}": ours for i, ours in enumerate(OURS)}
    emails = {c["name"]: c["email"] for c in records.list_records(admin, "customer")}
    assert emails["Person 1"] == "p1@example.com"


def test_a_ticket_status_no_help_desk_writes_still_stops(admin, tmp_path):
    path = write_csv(tmp_path / "t.csv", [["Asunto", "Estado", "Solicitante"],
                                          ["A", "Abierto", "Ana"], ["B", "En la luna", "Bea"]])
    with pytest.raises(ImportRefused, match="En la luna"):
        import_file(admin, path, kind="tickets")
    assert records.list_records(admin, "ticket") == []


YES = ["yes", "oui", "ja", "Sí", "sim", "sì", "tak", "evet", "да", "так", "ano", "igen", "ναι", "có", "ya",
       "はい", "예", "是", "Opted in", "opt-in", "Subscribed", "abonniert", "نعم"]
NO = ["no", "non", "nein", "não", "nie", "hayır", "HAYIR", "нет", "ні", "ne", "nem", "όχι", "không", "tidak",
      "いいえ", "아니오", "否", "Opted out", "opt_out", "Unsubscribed", "abgemeldet", "désabonné", "لا"]


@pytest.mark.parametrize("word", YES)
def test_yes_in_every_language_and_as_mailing_systems_write_consent_is_yes(word):
    assert nz.parse_bool(word) is True


@pytest.mark.parametrize("word", NO)
def test_no_in_every_language_and_a_withdrawn_consent_is_no(word):
    assert nz.parse_bool(word) is False


@pytest.mark.parametrize("word", ["maybe", "vielleicht", "peut-être", "たぶん", "pending"])
def test_a_word_that_is_neither_yes_nor_no_is_refused(word):
    with pytest.raises(ValueError, match="not a yes/no value"):
        nz.parse_bool(word)


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_consent_column_in_many_languages_is_stored_as_given(admin, tmp_path, writer):
    words = [*YES[:8], *NO[:8]]
    rows = [["Name", "Email", "Marketing Consent"],
            *[[f"Person {i}", f"p{i}@example.com", w] for i, w in enumerate(words)]]
    result = import_file(admin, writer(tmp_path / ("c.csv" if writer is write_csv else "c.xlsx"), rows))
    assert result.created == len(words) and not result.rejected
    got = {c["name"]: c["marketing_consent"] for c in records.list_records(admin, "customer")}
    assert got == {f"Person {i}": i < 8 for i in range(len(words))}


# (headings: order number, date, customer, email, amount; their values)
ORDERS = {
    "ar": (["رقم الطلب", "التاريخ", "العميل", "البريد الإلكتروني", "المبلغ", "العملة"],
           ["A1", "2024-03-05", "محمد علي", "m@example.sa", "1200.50", "SAR"]),
    "ko": (["주문번호", "주문일", "고객명", "이메일", "결제금액", "통화"],
           ["K1", "2024-03-05", "김민준", "minjun@example.kr", "12000", "KRW"]),
    "de": (["Bestellnummer", "Bestelldatum", "Kunde", "Mail", "Betrag", "Währung"],
           ["B1", "2024-03-05", "Anna Schmidt", "anna@example.de", "120.50", "EUR"]),
    "zh-kingdee": (["单据编号", "单据日期", "客户", "邮箱", "价税合计", "币别"],
                   ["XSDD1", "2024-03-05", "上海华联有限公司", "hl@example.cn", "250.00", "人民币"]),
}


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("lang", list(ORDERS), ids=list(ORDERS))
def test_an_orders_file_in_another_language_gives_its_customer_the_email(admin, tmp_path, lang, writer):
    headers, row = ORDERS[lang]
    path = writer(tmp_path / f"o-{lang}.{'csv' if writer is write_csv else 'xlsx'}", [headers, row])
    result = import_file(admin, path, kind="orders")
    assert result.created == 1, result.rejected
    order = records.list_records(admin, "order")[0]
    assert (order["order_number"], str(order["order_date"])[:10]) == (row[0], "2024-03-05")
    customer = records.list_records(admin, "customer")[0]
    assert (customer["name"], customer["email"]) == (row[2], row[3])
    assert not result.unmapped


ORDER_MEANINGS = {"order_number": "order_number", "order_date": "order_date", "customer": "customer_name",
                  "email": "customer_email", "amount": "amount"}


@pytest.mark.parametrize("lang", sorted(hw.LANGUAGES), ids=sorted(hw.LANGUAGES))
def test_every_languages_order_headings_map_an_orders_customer_email_and_amount(lang):
    words = hw.LANGUAGES[lang]
    headers = [words[m][0] for m in ORDER_MEANINGS if words.get(m)]
    want = [ORDER_MEANINGS[m] for m in ORDER_MEANINGS if words.get(m)]
    assert len(headers) == len(ORDER_MEANINGS), f"{lang} lacks order headings"
    got = [c.target for c in mp.build_mapping(ENTITIES["order"], headers).columns]
    assert got == want
