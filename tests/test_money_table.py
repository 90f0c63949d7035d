"""The currency table shipped as package data is babel's, and is only used when it is."""

import json
from importlib import resources

import babel

from cims_xl.domain import money


def _shipped_text() -> str:
    return resources.files("cims_xl.data").joinpath(money.SHIPPED_TABLE).read_text("utf-8")


def test_the_shipped_currency_table_equals_the_one_babel_builds():
    built = money.table_as_data(money._babel_table(), money._babel_codes())
    shipped = json.loads(_shipped_text())
    assert shipped == built, "regenerate it: python tools/gen_currency_table.py"
    assert money._shipped() is not None      # so the import does not rebuild it


def test_the_table_read_from_the_file_answers_as_the_one_built_from_babel():
    from_file = money._table_from_data(json.loads(_shipped_text()))
    built = money._babel_table()
    assert from_file == built
    for token in ("$", "US$", "€", "¥", "￥", "元", "kr", "C$", "HK$", "₩", "₹", "RMB", "euros", "人民币"):
        key = money._key(token)
        assert from_file.candidates.get(key) == built.candidates.get(key)
        assert from_file.default.get(key) == built.default.get(key)
    assert money._codes() == money._babel_codes()


def test_a_table_file_from_another_babel_version_or_damaged_is_not_used():
    text = _shipped_text()
    assert money._usable_table_data(text, babel.__version__) is not None
    assert money._usable_table_data(text, "0.0.1") is None
    assert money._usable_table_data(text[: len(text) // 2], babel.__version__) is None
    data = json.loads(text)
    del data["candidates"]
    assert money._usable_table_data(json.dumps(data), babel.__version__) is None
