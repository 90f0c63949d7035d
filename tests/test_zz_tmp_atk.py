import sys
sys.path.insert(0, "tests")
from test_import_shared_phone import write_csv
from cims_xl.importer import import_file
from cims_xl.services import records
L = "+44 20 7946 0000"

def test_chunks(admin, tmp_path):
    rows = [["Customer","Contact Name","Email","Phone"]] + [["Acme", f"P{i}", "", f"+44 20 7946 {i:04d}"] for i in range(30)]
    rows += [["Acme","Alice","a@x.example",L]] + [["Acme", f"Q{i}", "", f"+44 20 7947 {i:04d}"] for i in range(30)] + [["Acme","alice","a@x.example",L], ["Acme","Bob","",L]]
    p = write_csv(tmp_path / "c.csv", rows)
    r = import_file(admin, p, kind="contacts", chunk_rows=20)
    d = import_file(admin, p, kind="contacts", chunk_rows=20, dry_run=True)
    open("/tmp/atk4/ch.log","w").write(str([o.as_dict() for o in r.outcomes][-3:]) + "\n" + str(len(records.list_records(admin, "contact"))) + "\n" + str([o.as_dict() for o in d.outcomes][-3:]))
