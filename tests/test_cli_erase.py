"""`cims gdpr erase`: the question names whose data goes; the result reads as lines."""

from __future__ import annotations

import json

import pytest

from cims_xl.services import backup, records

pexpect = pytest.importorskip("pexpect")

from conftest import ADMIN_PASSWORD  # noqa: E402
from test_cli_terminal import finish, spawn_cims  # noqa: E402


@pytest.mark.parametrize("values, shown", [
    ({"name": "王小明", "email": "wangxm@hengtong.cn"}, "王小明, wangxm@hengtong.cn"),
    ({"name": "Ingrid Bergman"}, "Ingrid Bergman"),
])
def test_the_erase_question_names_the_person_and_no_keeps_them(store_path, admin, tmp_path, values, shown):
    cid = records.create(admin, "customer", values)["id"]
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "gdpr", "erase", cid],
                       cwd=tmp_path, password=ADMIN_PASSWORD)
    child.expect(f"Erase all personal data of {cid} \\({shown}\\)\\? This cannot be undone \\[y/N\\]: ")
    child.sendline("n")
    text = finish(child)
    assert child.exitstatus == 1 and "Aborted." in text
    assert records.get(admin, cid)["name"] == values["name"]


def test_the_erase_result_lists_each_copy_on_its_own_line_not_as_a_python_list(run, admin):
    cid = records.create(admin, "customer", {"name": "Zhang Wei", "email": "zw@example.cn"})["id"]
    first = backup.backup(admin)
    records.update(admin, cid, {"city": "杭州"})
    second = backup.backup(admin)

    code, out, err = run("gdpr", "erase", cid, "--yes")

    assert code == 0, err
    assert "[" not in out.replace("[erased]", "") and "'" not in out and '"' not in out
    lines = out.splitlines()
    for name in (first.name, second.name):
        assert sum(name in line for line in lines) == 1
    assert not any(first.name in line and second.name in line for line in lines)
    assert "Copies not reached" in out and "none" in out
    code, out, _ = run("--format", "json", "gdpr", "erase", cid, "--yes")
    assert sorted(json.loads(out)["copies_erased"]) == sorted([first.name, second.name])   # JSON keeps lists
