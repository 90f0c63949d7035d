"""Command-line arguments holding bytes that are not text in the terminal's encoding.

Python decodes argv with the file system encoding and keeps bytes it cannot decode as
lone surrogates (PEP 383): `cims customer search $'\\xff\\xfe'` arrives as '\\udcff\\udcfe'.
Such text can be neither stored nor searched; it is refused naming the argument, while a
file name with such bytes (a Latin-1 name on a UTF-8 system) is a file name like any other.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from cims_xl.cli import cli
from cims_xl.errors import ValidationFailed
from cims_xl.services import batches, records, search

from conftest import ADMIN_PASSWORD


def _env(store_path) -> dict[str, str]:
    return {"CIMS_STORE": str(store_path), "CIMS_USER": "admin", "CIMS_PASSWORD": ADMIN_PASSWORD}


# What a Latin-1 or GBK terminal sends for "café", "Müller", "张三" to a UTF-8 Python.
LATIN1_CAFE = os.fsdecode("café".encode("latin-1"))
LATIN1_MUELLER = os.fsdecode("Müller".encode("latin-1"))
GBK_ZHANG = os.fsdecode("张三".encode("gbk"))


@pytest.mark.parametrize("args, label", [
    (["customer", "search", "\udcff\udcfe"], "TEXT"),
    (["customer", "search", "--city", LATIN1_CAFE], "--city"),
    (["customer", "add", "--name", LATIN1_MUELLER], "--name"),
    (["customer", "add", "--name", "Zhang San", "--tags", f"vip, {GBK_ZHANG}"], "--tags"),
    (["ticket", "add", "--customer-id", "C-000001", "--subject", GBK_ZHANG], "--subject"),
    (["--user", "adm\udce9", "customer", "list"], "--user"),
])
def test_an_argument_with_bytes_that_are_not_text_is_refused_naming_it(store_path, admin, args, label):
    result = CliRunner().invoke(cli, args, env=_env(store_path))
    assert isinstance(result.exception, ValidationFailed), (result.output, result.exception)
    message = result.exception.message
    assert message.startswith(f"{label}: '") and "not UTF-8 text" in message
    assert "\\x" in message and "codec" not in message and "surrogate" not in message
    message.encode("utf-8")                 # printable: the bytes are shown as escapes
    assert records.list_records(admin, "customer") == []


def test_through_main_the_refusal_is_one_line_on_stderr(run, admin):
    code, out, err = run("customer", "search", "\udcff\udcfe")
    assert code == 4 and out == ""
    assert err.strip().splitlines() == [
        "Error: TEXT: '\\xff\\xfe' holds bytes that are not UTF-8 text; set the terminal to UTF-8 and "
        "type it again"]


def test_the_same_words_typed_as_utf8_are_taken(store_path, admin):
    result = CliRunner().invoke(cli, ["--format", "json", "customer", "add", "--name", "Müller Café",
                                      "--tags", "vip, 张三"], env=_env(store_path))
    assert result.exit_code == 0, (result.output, result.exception)
    found = CliRunner().invoke(cli, ["--format", "json", "customer", "search", "Müller"], env=_env(store_path))
    assert json.loads(found.stdout)["total"] == 1


def test_a_file_name_with_bytes_that_are_not_utf8_still_imports(store_path, admin, tmp_path):
    path = tmp_path / os.fsdecode("clientes_españa.csv".encode("latin-1"))
    path.write_text("Nombre,Correo\nJosé Álvarez,jose@example.es\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(path), "--kind", "customers"], env=_env(store_path))
    assert result.exit_code == 0, (result.output, result.exception)
    assert [c["name"] for c in records.list_records(admin, "customer")] == ["José Álvarez"]
    (batch,) = batches.list_batches(admin)
    assert batch["source"] == "clientes_espa\\xf1a.csv"


def test_the_search_service_names_text_it_cannot_search_for(admin):
    records.create(admin, "customer", {"name": "Zoë"})
    with pytest.raises(ValidationFailed, match=r"^Search: the text holds bytes that are not valid text"):
        search.search_customers(admin, "Zo\udceb")


def test_every_command_checks_its_text_arguments_before_it_runs():
    import click

    def walk(cmd, path=()):
        yield path, cmd
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                yield from walk(sub, path + (name,))

    unchecked = [" ".join(path) or "cims" for path, cmd in walk(cli)
                 if cmd.callback is not None and not getattr(cmd.callback, "checks_text_arguments", False)]
    assert unchecked == []


def test_a_command_refuses_such_an_argument_before_asking_for_a_password(tmp_path):
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "none.cims"), "--user", "admin",
                                      "customer", "search", "--city", LATIN1_CAFE], env={"CIMS_PASSWORD": None})
    assert isinstance(result.exception, ValidationFailed), (result.output, result.exception)
    assert "Password" not in result.output and not (tmp_path / "none.cims").exists()


def test_a_user_name_from_the_environment_with_such_bytes_is_named_too(store_path, monkeypatch):
    result = CliRunner().invoke(cli, ["customer", "list"], env={**_env(store_path), "CIMS_USER": LATIN1_MUELLER})
    assert isinstance(result.exception, ValidationFailed), (result.output, result.exception)
    assert result.exception.message.startswith("CIMS_USER: 'M\\xfcller' holds bytes")
