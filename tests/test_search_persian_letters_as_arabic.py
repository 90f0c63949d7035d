"""Persian (and Kurdish, Urdu) keyboards type their own forms of Arabic letters: ک for ك,
ی for ي, ە and ۀ for ه. A search reads them as one letter, both ways, as it already reads
ى/ي and ة/ه (try26y item 6: `كريمي` did not find "علي رضا کریمی"): free text of any
length, a city filter, the CLI and CIMS_COUNT."""

from __future__ import annotations

import json

from cims_xl.excel import worksheet_functions as wf
from cims_xl.services import records
from cims_xl.services.search import search_customers

# (stored, typed the other way)
PAIRS = [
    ("علي رضا کریمی", "كريمي"),        # Persian ک ی stored, Arabic typed
    ("مريم كاظمي", "کاظمی"),           # Arabic stored, Persian typed
    ("هەولێر کۆمپانی", "هه"),           # Kurdish ە stored, short term (scanned, not indexed)
    ("خانهٔ نو", "خانه"),                # ه with hamza above as two characters
    ("مدرسۀ ایران", "مدرسه ايران"),      # ۀ stored, Arabic typed
]


def test_persian_and_arabic_forms_of_a_letter_find_each_other_in_free_text(admin, run):
    made = records.create_many(admin, "customer", [{"name": stored} for stored, _ in PAIRS])
    for (stored, typed), rec in zip(PAIRS, made):
        page = search_customers(admin, typed)
        assert rec["id"] in [r["id"] for r in page.rows], (stored, typed)
        code, out, err = run("--format", "json", "customer", "search", typed)
        assert code == 0, err
        assert rec["id"] in [r["id"] for r in json.loads(out)["rows"]], (stored, typed)
    assert wf.cims_count("كريمي", session=admin) == 1
    # typed as stored still finds it, and a different name is not found
    assert [r["name"] for r in search_customers(admin, "کریمی").rows] == ["علي رضا کریمی"]
    assert search_customers(admin, "كريمان").total == 0


def test_a_city_filter_reads_persian_and_arabic_letters_as_one(admin):
    rec = records.create(admin, "customer", {"name": "Reza", "city": "کرمانشاه"})
    other = records.create(admin, "customer", {"name": "Ali", "city": "يزد"})
    assert [r["id"] for r in search_customers(admin, city="كرمانشاه").rows] == [rec["id"]]
    assert [r["id"] for r in search_customers(admin, city="یزد").rows] == [other["id"]]
    assert wf.cims_count("city:كرمانشاه", session=admin) == 1
