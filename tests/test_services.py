"""Services on a real encrypted store: search, 360, merge, backups, GDPR export."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from cims_xl.excel.safe import write_rows_xlsx
from cims_xl.errors import CimsError, NotFound, PermissionDenied, StoreError, ValidationFailed
from cims_xl.services import backup, gdpr, merge, records, search

from conftest import ADMIN_PASSWORD


@pytest.fixture
def people(admin):
    rows = [
        {"name": "张三", "mobile": "+86 138 0013 8000", "city": "上海", "segment": "VIP", "tags": "wechat, vip",
         "email": "zhang.san@example.cn", "company": "上海华信科技有限公司"},
        {"name": "李四", "phone": "010-8888 6666", "city": "北京", "segment": "Consumer", "source": "Referral",
         "notes": "prefers WeChat; 年底采购"},
        {"name": "Olivia Smith", "email": "Olivia.Smith@Example.com", "city": "London", "country": "GB",
         "segment": "Corporate", "tags": "trade-show"},
        {"name": "王五", "mobile": "13912345678", "city": "上海", "segment": "Consumer", "owner": "admin"},
    ]
    out = records.create_many(admin, "customer", rows)
    records.create(admin, "order", {"customer_id": out[0]["id"], "order_date": "2024-03-01", "amount": "¥1,234.50"})
    records.create(admin, "order", {"customer_id": out[0]["id"], "order_date": "2024-04-01", "amount": "100"})
    records.create(admin, "order", {"customer_id": out[3]["id"], "order_date": "2024-04-01", "amount": "50",
                                    "status": "Cancelled"})
    records.create(admin, "ticket", {"customer_id": out[1]["id"], "subject": "发票", "priority": "P2"})
    return [r["id"] for r in out]


def _names(page):
    return sorted(r["name"] for r in page.rows)


@pytest.mark.parametrize("query", ["138 0013 8000", "+86-138-0013-8000", "１３８００１３８０００", "0086 13800138000"])
def test_a_phone_number_written_any_way_finds_the_customer(admin, people, query):
    assert _names(search.search_customers(admin, query)) == ["张三"]


def test_an_email_in_any_case_finds_the_customer(admin, people):
    assert _names(search.search_customers(admin, "  olivia.smith@EXAMPLE.com ")) == ["Olivia Smith"]


def test_free_text_matches_name_company_and_notes_in_chinese_and_english(admin, people):
    assert _names(search.search_customers(admin, "华信科技")) == ["张三"]
    assert _names(search.search_customers(admin, "年底采购")) == ["李四"]
    assert _names(search.search_customers(admin, "王五")) == ["王五"]
    assert _names(search.search_customers(admin, "smith")) == ["Olivia Smith"]


def test_filters_combine_with_each_other_and_with_text(admin, people):
    assert _names(search.search_customers(admin, city="上海")) == ["张三", "王五"]
    assert _names(search.search_customers(admin, city="上海", segment="VIP")) == ["张三"]
    assert _names(search.search_customers(admin, tag="vip")) == ["张三"]
    assert _names(search.search_customers(admin, tag="vi")) == []
    assert _names(search.search_customers(admin, has_open_tickets=True)) == ["李四"]
    assert _names(search.search_customers(admin, ltv_min="1000")) == ["张三"]
    assert _names(search.search_customers(admin, "上海", city="北京")) == []
    today = dt.date.today()
    assert search.search_customers(admin, created_from=today.isoformat(), created_to=today.isoformat()).total == 4
    assert search.search_customers(admin, created_to=(today - dt.timedelta(days=1)).isoformat()).total == 0


def test_results_are_sorted_and_paged(admin, people):
    first = search.search_customers(admin, sort="ltv", descending=True, limit=2)
    assert first.total == 4 and [r["name"] for r in first.rows][0] == "张三"
    second = search.search_customers(admin, sort="ltv", descending=True, limit=2, offset=2)
    assert not {r["id"] for r in first.rows} & {r["id"] for r in second.rows}
    with pytest.raises(ValidationFailed, match="Created from"):
        search.search_customers(admin, created_from="not a date")


def test_lifetime_value_sums_orders_exactly_and_leaves_cancelled_out(admin, people):
    assert search.lifetime_value(admin, people[0]) == Decimal("1334.5")
    assert search.lifetime_value(admin, people[3]) == Decimal("0")


def test_customer_360_shows_everything_attached(admin, people):
    view = search.customer_360(admin, people[0])
    assert view["customer"]["name"] == "张三" and len(view["orders"]) == 2
    assert view["lifetime_value"] == Decimal("1334.5")


def test_merging_moves_children_fills_blanks_and_retires_the_duplicate(admin, people):
    dup = records.create(admin, "customer", {"name": "张三", "address": "上海市人民路 1 号", "tags": "key-account"})
    records.create(admin, "order", {"customer_id": dup["id"], "order_date": "2024-05-01", "amount": "10"})
    result = merge.merge_customers(admin, people[0], dup["id"])
    assert result["moved"] == 1 and "address" in result["filled"]
    kept = records.get(admin, people[0])
    assert kept["address"] == "上海市人民路 1 号" and kept["tags"] == "wechat, vip, key-account"
    with pytest.raises(NotFound):
        records.get(admin, dup["id"])
    assert search.lifetime_value(admin, people[0]) == Decimal("1344.5")
    actions = [h["action"] for h in records.history(admin, dup["id"])]
    assert actions[-1] == "merge"


def test_deleted_records_disappear_and_can_be_restored(admin, people):
    records.delete(admin, people[1])
    assert search.search_customers(admin, "李四").total == 0
    restored = records.restore(admin, people[1])
    assert restored["name"] == "李四" and restored["version"] == 3


def test_backups_are_verified_and_only_the_newest_are_kept(admin, people, tmp_path):
    made = [backup.backup(admin, tmp_path / "bk", keep=2) for _ in range(3)]
    assert sorted(p.name for p in backup.list_backups(tmp_path / "bk")) == sorted(p.name for p in made[1:])
    manifest = backup.verify_backup(made[-1], "admin", ADMIN_PASSWORD)
    assert manifest["counts"]["customer"] == 4
    with zipfile.ZipFile(made[-1]) as zf:
        assert sorted(zf.namelist()) == ["manifest.json", "store.cims", "store.cims.keys"]


def test_a_damaged_backup_is_refused_and_the_store_is_untouched(admin, people, tmp_path):
    good = backup.backup(admin, tmp_path / "bk")
    bad = tmp_path / "bad.cimsbak"
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    with pytest.raises(StoreError):
        backup.restore(admin, bad, ADMIN_PASSWORD)
    assert len(records.list_records(admin, "customer")) == 4


def test_only_an_administrator_restores(session_as, admin, tmp_path):
    good = backup.backup(admin, tmp_path / "bk")
    with pytest.raises(PermissionDenied):
        backup.restore(session_as("manager"), good, "whatever")


def test_gdpr_export_to_xlsx_writes_formula_looking_text_as_text(admin, tmp_path):
    c = records.create(admin, "customer", {"name": "=1+1", "notes": "@SUM(A1)"})
    out = tmp_path / "person.xlsx"
    gdpr.export_customer(admin, c["id"], out, write_xlsx=write_rows_xlsx)
    ws = openpyxl.load_workbook(out)["Customer"]
    headers = [cell.value for cell in ws[1]]
    row = {h: ws.cell(2, i + 1) for i, h in enumerate(headers)}
    assert row["name"].value == "=1+1" and row["name"].data_type == "s"
    assert row["notes"].value == "@SUM(A1)" and row["notes"].data_type == "s"


def test_gdpr_export_to_xlsx_reads_back_as_the_exact_text_in_excel(admin, tmp_path):
    import python_calamine
    # "_x0041_" is how a file spells "A": written as is, Excel would show the wrong name.
    c = records.create(admin, "customer", {"name": "Ann_x0041_", "company": "R&D _x000D_ Ltd"})
    out = tmp_path / "person.xlsx"
    gdpr.export_customer(admin, c["id"], out, write_xlsx=write_rows_xlsx)
    rows = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Customer").to_python()
    row = dict(zip(rows[0], rows[1]))
    assert (row["name"], row["company"]) == ("Ann_x0041_", "R&D _x000D_ Ltd")


def test_a_workbook_export_without_a_writer_is_refused_before_anything_is_audited(admin, tmp_path):
    # The service writes no workbook itself: the entry point passes the writer in.
    c = records.create(admin, "customer", {"name": "Zoë Ångström"})
    before = admin.store.last_audit()
    with pytest.raises(CimsError, match="xlsx"):
        gdpr.export_customer(admin, c["id"], tmp_path / "Person.XLSX")
    assert not (tmp_path / "Person.XLSX").exists()
    assert admin.store.last_audit() == before


def test_viewers_may_not_export_personal_data(session_as, admin, people):
    with pytest.raises(PermissionDenied):
        gdpr.export_customer(session_as("viewer"), people[0])


def test_an_id_is_found_however_it_is_typed(admin):
    c = records.create(admin, "customer", {"name": "Typed Id"})
    assert c["id"] == "C-000001"
    for typed in ("C-000001", "c-1", " C-01 ", "c-000001"):
        assert records.get(admin, typed)["name"] == "Typed Id"
    records.update(admin, "c-1", {"city": "上海"})
    assert [h["action"] for h in records.history(admin, "c-1")] == ["create", "update"]
    records.delete(admin, "C-1")
    records.restore(admin, "c-01")
    assert records.get(admin, "C-000001")["city"] == "上海"
    with pytest.raises(NotFound, match="no customer C-2"):
        records.get(admin, "C-2")
