"""`cims demo --dir D` replaces only a demo `cims demo` made in D (a marker beside it
records that store's id); a person's own store named demo.cims, a copy of another store,
a plain file of that name or a workbook named cims-demo.xlsm is refused, named, and left
as it was, even with --yes. Stored values read back from the real encrypted store."""
from __future__ import annotations

import shutil

import pytest

from cims_xl import cli
from cims_xl.services import auth, records

from conftest import ADMIN_PASSWORD, FAST_KDF


def _demo(folder, capsys, *extra):
    code = cli.main(["demo", "--dir", str(folder), "--customers", "12", "--yes", *extra])
    out, err = capsys.readouterr()
    return code, out + err


def _own_store(path, name="Ingrid Ødegård"):
    auth.init_store(path, "admin", ADMIN_PASSWORD, kdf=FAST_KDF)
    session = auth.sign_in(path, "admin", ADMIN_PASSWORD)
    records.create(session, "customer", {"name": name})
    session.close()


def _names(path):
    session = auth.sign_in(path, "admin", ADMIN_PASSWORD)
    try:
        return [c["name"] for c in records.list_records(session, "customer")]
    finally:
        session.close()


def test_a_users_own_store_named_demo_cims_is_refused_by_name_and_kept(tmp_path, capsys):
    folder = tmp_path / "dd2"
    folder.mkdir()
    _own_store(folder / "demo.cims")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    code, said = _demo(folder, capsys)
    assert code != 0
    assert "demo.cims" in said and "not a demo store" in " ".join(said.split())
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert _names(folder / "demo.cims") == ["Ingrid Ødegård"]


@pytest.mark.parametrize("name,content", [("demo.cims", b"precious\n"), ("demo.cims.keys", b"{}"),
                                          ("cims-demo.xlsm", b"PK\x03\x04 mine")])
def test_any_other_file_of_a_demo_files_name_is_refused_and_left_as_it_was(tmp_path, capsys, name, content):
    (tmp_path / name).write_bytes(content)
    code, said = _demo(tmp_path, capsys)
    assert code != 0 and name in said
    assert (tmp_path / name).read_bytes() == content
    assert not (tmp_path / "demo.cims").exists() or name == "demo.cims"


def test_the_demo_it_made_is_replaced_but_a_store_copied_over_it_is_kept(tmp_path, capsys):
    folder = tmp_path / "demo"
    assert _demo(folder, capsys)[0] == 0
    first = (folder / "demo.cims.keys").read_bytes()
    code, said = _demo(folder, capsys)          # its own demo: replaced (--yes)
    assert code == 0, said
    assert (folder / "demo.cims.keys").read_bytes() != first
    mine = tmp_path / "mine.cims"
    _own_store(mine, "陈静")
    for suffix in ("", ".keys"):
        shutil.copyfile(str(mine) + suffix, str(folder / "demo.cims") + suffix)
    code, said = _demo(folder, capsys)
    assert code != 0 and "demo.cims" in said
    assert _names(folder / "demo.cims") == ["陈静"]
