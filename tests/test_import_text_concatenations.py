"""Exports that keep a code's leading zeros for Excel write it as a formula joining string
literals: ="0"&"10010", ="0" & "10010", =CONCATENATE("0","10010"), ="00"&"123". Excel shows
the joined text (010010), and so it is stored, wherever ="00124" is read as 00124. A formula
with a cell reference or any other function is not evaluated: it stays as it did."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def _said(result, what: str) -> str:
    return " ".join(f"{i['decided']} {i['evidence']}" for i in result.inferences if i["what"] == what)


def _orders(session) -> dict[str, Decimal]:
    return {o["order_number"]: Decimal(str(o["amount"])).normalize() for o in records.list_records(session, "order")}


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("written, shown", [
    ('="0"&"10010"', "010010"),
    ('="0" & "10010"', "010010"),
    ('="00"&"123"', "00123"),
    ('"=""0""&""10010"""', "010010"),                        # the same, quoted by a CSV writer
    ('"=CONCATENATE(""0"",""10010"")"', "010010"),
    ('"=concatenate(""00"", ""12"", ""3"")"', "00123"),
    ('"=""A-""&""00""&""7"""', "A-007"),
])
def test_a_concatenation_of_string_literals_is_stored_as_excel_shows_it(admin, tmp_path, delimiter, written, shown):
    d = delimiter
    path = tmp_path / "o.csv"
    path.write_text(d.join(["Order No", "Customer", "Order Date", "Amount"]) + "\n"
                    + d.join([written, "Ann Lee", "2024-03-05", "12.50"]) + "\n"
                    + d.join(['="00124"', "Bob Ray", "2024-03-06", "99"]) + "\n", encoding="utf-8")
    result = import_file(admin, path, kind="orders")
    assert _orders(admin) == {shown: Decimal("12.5"), "00124": Decimal("99")}
    assert "joining string literals" in _said(result, "Excel text wrappers")


def test_a_file_whose_only_wrappers_are_concatenations_reads_them_and_says_so(admin, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('客户编号,姓名,邮编,国家\n="0"&"07",王小明,="0"&"10010",中国\n'
                    '"=CONCATENATE(""00"",""8"")",李华,"=CONCATENATE(""2000"",""01"")",中国\n', encoding="utf-8")
    result = import_file(admin, path)
    got = {c["name"]: (c["tags"], c["postal_code"]) for c in records.list_records(admin, "customer")}
    assert got == {"王小明": ("src:007", "010010"), "李华": ("src:008", "200001")}
    assert "010010" in _said(result, "Excel text wrappers")


@pytest.mark.parametrize("formula", ['="0"&A2', '"=CONCATENATE(""0"",B2)"', '"=TEXT(10010,""000000"")"',
                                     '"=""0""&LEFT(""10010"",5)"'])
def test_a_concatenation_with_a_reference_or_another_function_is_not_evaluated(admin, tmp_path, formula):
    path = tmp_path / "c.csv"
    path.write_text(f'Name,Postal Code,Company\nAnn Lee,="0"&"2134",{formula}\n', encoding="utf-8")
    import_file(admin, path)
    (ann,) = records.list_records(admin, "customer")
    assert ann["postal_code"] == "02134"
    assert (ann["company"] or "") not in ("010010", "0", "02134")
