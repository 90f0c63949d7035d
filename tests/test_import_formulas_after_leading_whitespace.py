"""A CSV cell whose formula follows leading whitespace (" =cmd|…", a tab, a no-break
space) is checked as it will be stored, trimmed: a formula is never stored, in the dry
run and in the run alike; text that only starts with = ("=Smith") is kept."""

from __future__ import annotations

import pytest

from cims_xl.importer import import_file
from cims_xl.services import records


def names(session) -> set[str]:
    return {c["name"] for c in records.list_records(session, "customer")}


@pytest.mark.parametrize("lead", [" ", "\t", "\u00a0", "  \u3000"])
@pytest.mark.parametrize("formula", ["=cmd|' /C calc'!A0", '=HYPERLINK(""http://x"",""y"")', "=1+1", "=A1"])
def test_a_formula_after_leading_whitespace_is_never_stored_in_dry_run_or_run(admin, tmp_path, lead, formula):
    path = tmp_path / "people.csv"
    path.write_text(f'Name,City\n"{lead}{formula}",Oslo\nAnn Berg,Bergen\n', encoding="utf-8")
    dry = import_file(admin, path, kind="customers", dry_run=True)
    done = import_file(admin, path, kind="customers")
    got = names(admin)
    assert not any(n.lstrip().startswith("=") for n in got)
    assert "Ann Berg" in got
    assert (dry.created, dry.rejected, dry.duplicates) == (done.created, done.rejected, done.duplicates) == (1, 1, 0)


def test_text_that_only_starts_with_an_equals_sign_is_kept_beside_a_spaced_formula_refused(admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text('Name,City\n" =Smith",Oslo\n" =cmd|\' /C calc\'!A0",Bergen\n', encoding="utf-8")
    import_file(admin, path, kind="customers")
    assert names(admin) == {"=Smith"}
