"""A phone cell that ends with a remark in brackets ("(WhatsApp only)", "（微信同号）",
"[home]", "【夜间】") keeps its number in the field and the whole text in Notes, as an
extension does; a bracketed area code or trunk (digits) is part of the number, and a
remark naming a fax is refused (that number is the fax line, not the phone)."""

from __future__ import annotations

import pytest

from cims_xl.domain import normalize as nz
from cims_xl.importer import import_file
from cims_xl.services import records

ROWS = [
    ("王先生", "w@x.cn", "139 1234 5678（微信同号）", "China", "+8613912345678"),
    ("Ms Tan", "t@x.sg", "+65 9123 4567 (WhatsApp only)", "Singapore", "+6591234567"),
    ("Ola", "o@x.no", "+47 412 34 567 [privat]", "Norway", "+4741234567"),
    ("陈小姐", "c@x.hk", "9123 4567【夜間】", "Hong Kong", "+85291234567"),
    ("Lena", "l@x.de", "030 1234567 (nur abends)", "Germany", "+49301234567"),
    ("Ana", "a@x.br", "(11) 91234-5678 (recado)", "Brazil", "+5511912345678"),
]


def test_numbers_with_a_bracketed_remark_are_stored_and_the_remark_kept_in_notes(admin, tmp_path):
    f = tmp_path / "remarks.csv"
    f.write_text("Name,Email,Phone,Country\n" + "".join(f"{n},{e},\"{p}\",{c}\n" for n, e, p, c, _ in ROWS),
                 encoding="utf-8")
    result = import_file(admin, f, kind="customers")
    assert result.created == len(ROWS) and not result.rejected
    stored = {c["email"]: c for c in records.list_records(admin, "customer")}
    for name, email, phone, _country, e164 in ROWS:
        assert stored[email]["phone"] == e164, (phone, stored[email]["phone"])
        assert phone in (stored[email]["notes"] or ""), stored[email]["notes"]
    assert any(i["what"] == "phone extensions" and "remark" in i["decided"] for i in result.inferences)


@pytest.mark.parametrize("text, region, number", [
    ("+49 (0) 30 1234567", "DE", "+49301234567"), ("(415) 555-0100", "US", "+14155550100"),
    ("03(1234)5678", "JP", "+81312345678"),
])
def test_brackets_holding_digits_are_part_of_the_number(text, region, number):
    assert nz.phone_remark(text) is None
    assert nz.normalize_phone(text, region) == number


@pytest.mark.parametrize("text", ["+1 415 555 0100 (fax)", "030 1234567 (Telefax)", "010 8888 1234（传真）"])
def test_a_remark_naming_a_fax_is_not_read_as_the_phone(text):
    assert nz.phone_remark(text) is None
    with pytest.raises(ValueError):
        nz.normalize_phone(text, "US")
