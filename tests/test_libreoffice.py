"""LibreOffice, a second independent reader, opens the built workbook and prints it.

openpyxl reading back what openpyxl wrote proves little about the package itself;
LibreOffice parses the zip, content types, tables, validations and VBA storage on its
own. Skipped, visibly, only where LibreOffice is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cims_xl.excel import build

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TIMEOUT = 180  # seconds; a first start with a fresh profile takes a few

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: the built workbook was "
                            "not opened by a second reader (CI installs libreoffice-calc-nogui)")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("libreoffice")
    workbook = build.build_workbook(work / "cims.xlsm")
    out = work / "out"
    # A private profile per run: parallel or leftover soffice processes cannot collide.
    profile = (work / "profile").as_uri()
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(workbook)],
        capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, f"soffice failed ({done.returncode}): {done.stderr}"
    result = out / "cims.pdf"
    # soffice reports a file it could not load on stderr and still exits 0.
    assert result.exists(), f"no PDF written; soffice said: {done.stdout} {done.stderr}"
    return result


def test_libreoffice_converts_the_built_workbook_to_pdf(pdf):
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 10_000


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="pdftotext (poppler-utils) is not installed: PDF text not checked")
def test_the_pdf_shows_the_home_sheet_and_the_customer_table_header(pdf):
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, timeout=60, check=True).stdout
    assert "CIMS - customer information" in text
    for header in ("Postal Code", "RFM Segment"):  # only on Customers, and wide enough not to wrap
        assert header in text
    assert "_fingerprint" not in text, "hidden columns must not print"


def test_libreoffice_reads_the_exact_text_of_an_export_with_escaped_characters(tmp_path):
    # A literal "_x0041_" and a CR are written the way Excel writes them; a second
    # reader must see the text the customer record holds, not "A" or a lost CR.
    import csv

    from cims_xl.excel.safe import write_rows_xlsx

    texts = ["Ann_x0041_", "two\rlines", "bell\x07x", "=1+1"]
    book = tmp_path / "export.xlsx"
    write_rows_xlsx(book, {"Data": [{"Text": t} for t in texts]})
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(book)],
        capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "export.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert [r[0] for r in rows] == ["Text"] + texts
