"""Deals exported by CRMs in other languages (issue 14, tester round 19 finding 4): the
stage column and its words are read in German, French, Spanish, Portuguese, Italian,
Japanese, Chinese and Korean; a deals file whose stage column is not found stops and
names the columns that may hold it, never storing every deal as Lead 10 %."""

from __future__ import annotations

import pytest

from cims_xl.domain.deal_words import stage_outcome
from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records
from table_files import write_csv, write_xlsx


def deals(session) -> dict[str, dict]:
    return {r["name"]: r for r in records.list_records(session, "opportunity")}


# (headings: name, stage, amount, customer, probability; rows: name, stage text, amount,
#  customer, probability; the stage each deal must get)
EXPORTS = {
    "hubspot-fr": (["Nom de la transaction", "Phase de la transaction", "Montant", "Entreprise associée",
                    "Probabilité de la transaction"],
                   [["Refonte", "Fermé gagné", "12 500,00", "Acme SARL", "1"],
                    ["Audit", "Fermé perdu", "800,00", "Delta SARL", "0"],
                    ["Licence", "Contrat envoyé", "3 000,00", "Beta SA", "0,9"]],
                   {"Refonte": "Won", "Audit": "Lost", "Licence": "Negotiation"}),
    "hubspot-es": (["Nombre del negocio", "Etapa del negocio", "Importe", "Empresa asociada",
                    "Probabilidad del negocio"],
                   [["Renovación", "Cerrado ganado", "12.500,00", "Acme SL", "1"],
                    ["Auditoría", "Cerrado perdido", "3.000,00", "Beta SA", "0"],
                    ["Piloto", "Cita programada", "1.200,50", "Gamma SL", "0,2"]],
                   {"Renovación": "Won", "Auditoría": "Lost", "Piloto": "Lead"}),
    "salesforce-de": (["Opportunity-Name", "Accountname", "Phase", "Betrag", "Wahrscheinlichkeit (%)"],
                      [["Rahmenvertrag", "Müller GmbH", "Abgeschlossen und gewonnen", "12.500,00", "100"],
                       ["Wartung", "Weiß AG", "Abgeschlossen und verloren", "3.000,00", "0"],
                       ["Pilot", "Rossi SRL", "Verhandlung/Überprüfung", "1.200,50", "90"]],
                      {"Rahmenvertrag": "Won", "Wartung": "Lost", "Pilot": "Negotiation"}),
    "salesforce-it": (["Nome opportunità", "Nome account", "Fase", "Importo", "Probabilità (%)"],
                      [["Contratto", "Rossi SRL", "Chiusa vinta", "1.000,00", "100"],
                       ["Rinnovo", "Bianchi SpA", "Chiusa persa", "2.000,00", "0"],
                       ["Demo", "Verdi SRL", "Analisi delle esigenze", "500,00", "30"]],
                      {"Contratto": "Won", "Rinnovo": "Lost", "Demo": "Needs analysis"}),
    "hubspot-pt": (["Nome do negócio", "Etapa do negócio", "Valor", "Empresa associada",
                    "Probabilidade do negócio"],
                   [["Projeto", "Fechado ganho", "1.000,00", "Silva Ltda", "1"],
                    ["Suporte", "Fechado perdido", "2.000,00", "Costa Ltda", "0"],
                    ["Treino", "Reunião agendada", "300,00", "Souza Ltda", "0,2"]],
                   {"Projeto": "Won", "Suporte": "Lost", "Treino": "Lead"}),
    "hubspot-ja": (["取引名", "取引ステージ", "金額", "関連付けられた会社", "取引確度"],
                   [["年間契約", "受注", "120000", "山田商事株式会社", "1"],
                    ["保守", "失注", "30000", "佐藤工業株式会社", "0"],
                    ["導入支援", "契約書送付済み", "50000", "鈴木物産株式会社", "0.9"]],
                   {"年間契約": "Won", "保守": "Lost", "導入支援": "Negotiation"}),
    "crm-zh": (["交易名称", "交易阶段", "金额", "关联公司", "交易概率"],
               [["年度采购", "已关闭赢单", "120000", "上海华联有限公司", "1"],
                ["维保", "已关闭输单", "30000", "北京明达科技有限公司", "0"],
                ["试点", "需求分析", "50000", "深圳恒通有限公司", "0.3"]],
               {"年度采购": "Won", "维保": "Lost", "试点": "Needs analysis"}),
    "crm-ko": (["거래 이름", "거래 단계", "금액", "연결된 회사", "거래 확률"],
               [["연간 계약", "수주", "120000", "한빛 주식회사", "1"],
                ["유지보수", "실주", "30000", "대한 주식회사", "0"],
                ["시범", "협상", "50000", "미래 주식회사", "0.75"]],
               {"연간 계약": "Won", "유지보수": "Lost", "시범": "Negotiation"}),
}


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("export", list(EXPORTS), ids=list(EXPORTS))
def test_a_deal_export_in_another_language_keeps_its_stages_won_lost_and_open(admin, tmp_path, export, writer):
    headers, rows, want = EXPORTS[export]
    path = writer(tmp_path / f"{export}.{'csv' if writer is write_csv else 'xlsx'}", [headers, *rows])
    result = import_file(admin, path, kind="opportunities", currency="EUR")
    assert result.created == 3, result.rejected
    got = deals(admin)
    assert {n: d["stage"] for n, d in got.items()} == want
    won = next(n for n, s in want.items() if s == "Won")
    lost = next(n for n, s in want.items() if s == "Lost")
    assert got[won]["probability"] == 100 and got[lost]["probability"] == 0
    assert got[won]["customer_id"] and got[won]["customer_id"] != got[lost]["customer_id"]
    assert not any(i["what"] == "kind of records" for i in result.inferences)


@pytest.mark.parametrize("text, outcome", [
    ("Closed Won", "Won"), ("Closed - Lost", "Lost"), ("Abgeschlossen und gewonnen", "Won"),
    ("Abgeschlossen/verloren", "Lost"), ("Fermée gagnée", "Won"), ("Clôturé perdu", "Lost"),
    ("Cerrada ganada", "Won"), ("Cierre perdido", "Lost"), ("Fechado ganho", "Won"), ("Chiusa persa", "Lost"),
    ("Gesloten gewonnen", "Won"), ("Zamknięta wygrana", "Won"), ("Kapalı kaybedildi", "Lost"),
    ("Закрыта выиграна", "Won"), ("Закрыта проиграна", "Lost"), ("已关闭赢单", "Won"), ("已關閉輸單", "Lost"),
    ("クローズ（受注）", "Won"), ("クローズ(失注)", "Lost"), ("종료 수주", "Won"), ("실주", "Lost"),
    ("Gewonnen", "Won"), ("perdido", "Lost"), ("Won back", None), ("Closed", None), ("Gewinnspiel", None),
    ("Proposal", None), ("已关闭", None), ("Abgeschlossen und offen", None),
])
def test_closed_won_and_lost_are_read_in_every_language_and_nothing_else_is(text, outcome):
    assert stage_outcome(text) == outcome


def test_a_deals_file_whose_stage_column_is_not_found_stops_and_names_it_then_the_map_imports_it(admin, tmp_path):
    path = write_csv(tmp_path / "deals.csv", [["Deal", "Kunde", "Zustand", "Betrag"],
                                              ["Rahmen", "Acme GmbH", "Gewonnen", "10"],
                                              ["Wartung", "Beta AG", "Verloren", "20"],
                                              ["Pilot", "Gamma KG", "Offen", "30"]])
    with pytest.raises(ImportRefused) as err:
        import_file(admin, path, kind="opportunities", currency="EUR")
    message = str(err.value)
    assert "'Zustand'" in message and "'Gewonnen'" in message and "Lead" in message
    assert '--map "Zustand=Stage"' in message and "Nothing was imported" in message
    assert records.list_records(admin, "opportunity") == []
    assert records.list_records(admin, "customer") == []
    result = import_file(admin, path, kind="opportunities", currency="EUR", mapping=["Zustand=Deal Status"])
    assert result.created == 3
    assert {n: d["stage"] for n, d in deals(admin).items()} == {"Rahmen": "Won", "Wartung": "Lost", "Pilot": "Lead"}


def test_a_stage_heading_no_list_knows_is_read_by_its_stage_word(admin, tmp_path):
    path = write_xlsx(tmp_path / "deals.xlsx", [["Deal title", "Customer", "Phase du pipeline", "Amount"],
                                                ["A", "Acme", "Fermé gagné", 10], ["B", "Beta", "Devis", 20]])
    result = import_file(admin, path, kind="opportunities", currency="EUR")
    assert result.created == 2
    assert {n: d["stage"] for n, d in deals(admin).items()} == {"A": "Won", "B": "Proposal"}


def test_a_deals_file_with_no_stage_anywhere_says_every_deal_is_a_lead(admin, tmp_path):
    path = write_csv(tmp_path / "deals.csv", [["Opportunity", "Customer", "Amount", "Currency"],
                                              ["A", "Acme", "10", "EUR"], ["B", "Beta", "20", "EUR"]])
    result = import_file(admin, path, kind="opportunities")
    assert result.created == 2
    line = next(i for i in result.inferences if i["what"] == "stage")
    assert "Lead" in line["decided"] and "no Stage" in line["evidence"]


def test_a_spanish_estado_beside_the_stage_is_the_deal_status(admin, tmp_path):
    path = write_csv(tmp_path / "d.csv", [["Nombre del negocio", "Etapa del negocio", "Importe", "Empresa", "Estado"],
                                          ["Renovación", "Propuesta", "100", "Acme SL", "Ganado"],
                                          ["Auditoría", "Negociación", "200", "Beta SA", "Perdido"],
                                          ["Piloto", "Propuesta", "300", "Gamma SL", "Abierto"]])
    import_file(admin, path, kind="opportunities", currency="EUR")
    assert {n: d["stage"] for n, d in deals(admin).items()} == {
        "Renovación": "Won", "Auditoría": "Lost", "Piloto": "Proposal"}


@pytest.mark.parametrize("writer", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_a_two_meaning_estado_in_an_orders_file_whose_values_are_statuses_is_the_status_and_said(
        admin, tmp_path, writer):
    rows = [["Pedido", "Cliente", "Fecha", "Importe", "Estado"],
            ["P1", "Ana López", "2024-03-05", "10", "Pagado"], ["P2", "Bruno Díaz", "2024-03-06", "20", "Enviado"]]
    path = writer(tmp_path / ("o.csv" if writer is write_csv else "o.xlsx"), rows)
    result = import_file(admin, path, kind="orders", currency="EUR", dry_run=True)
    line = next(i for i in result.inferences if i["what"] == "column 'Estado'")
    assert "Order Status" in line["decided"]
    assert "Order Status or Province" in line["evidence"] and "'Pagado'" in line["evidence"]
    import_file(admin, path, kind="orders", currency="EUR", mapping=["Estado=Order Status"])
    assert sorted(o["status"] for o in records.list_records(admin, "order")) == ["Paid", "Shipped"]


def test_the_map_suggestion_never_takes_the_deal_name_for_the_customer(admin, tmp_path):
    # the customer column's heading is one no list knows: the deal's name is no customer
    path = write_csv(tmp_path / "d.csv", [["Nombre del trato", "Etapa del negocio", "Importe", "Socio comercial"],
                                          ["Renovación anual", "Cerrado ganado", "100", "Acme SL"],
                                          ["Auditoría web", "Cerrado perdido", "200", "Beta SA"]])
    with pytest.raises(ImportRefused) as err:
        import_file(admin, path, kind="opportunities")
    assert "Nombre del trato=Customer Name" not in str(err.value)


def test_a_french_deals_file_imported_as_customers_is_said_to_be_deals_not_orders(admin, tmp_path):
    headers, rows, _want = EXPORTS["hubspot-fr"]
    path = write_csv(tmp_path / "d.csv", [["ID de fiche d'informations", "Propriétaire de la transaction", *headers],
                                          *[["1", "Marie Curie", *r] for r in rows]])
    with pytest.raises(ImportRefused) as err:
        import_file(admin, path)
    message = str(err.value)
    assert "--kind opportunities" in message and "--kind orders" not in message
    assert "Nom de la transaction=Name" not in message
    result = import_file(admin, path, kind="opportunities", currency="EUR", dry_run=True)
    assert not any(i["what"] == "kind of records" for i in result.inferences)
    kept = next(i for i in result.inferences if i["what"] == "columns no field takes")
    assert "opportunities have no Notes field" in kept["evidence"]
