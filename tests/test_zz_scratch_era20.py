import datetime as dt
import pytest
from cims_xl.importer import import_file
from cims_xl.importer.errors import ImportRefused
from cims_xl.services import records

def show(admin, path, **kw):
    try:
        r = import_file(admin, path, **kw)
        print("INF", [i for i in r.inferences if 'calendar' in i['what'] or 'date' in i['what'].lower()])
        print("STORED", [(x.get('order_number'), x.get('order_date')) for x in records.list_records(admin, "order")])
        print("CUST", [(x.get('name'), x.get('marketing_consent_at')) for x in records.list_records(admin, "customer")])
    except ImportRefused as e:
        print("REFUSED", e)

@pytest.mark.parametrize("rows", [
  ["A1,95/12/31,陳小明,TWD 1500,台北市", "A2,113/03/05,林美玲,TWD 200,台北市"],
  ["A1,95/12/31,陳小明,TWD 1500,台北市", "A2,96/01/05,林美玲,TWD 200,台北市"],
  ["A1,113/03/05,陳小明,1500,", "A2,112/01/05,林美玲,200,"],
  ["A1,5 มี.ค. 2567,x,฿1500,", "A2,6 มี.ค. 2567,y,฿200,"],
  ["A1,พ.ศ. 2567-03-05,x,1500,", "A2,2567-03-06,y,200,"],
  ["A1,R06/03/05,x,1500,", "A2,H30.12.31,y,200,"],
  ["A1,民國113年3月5日,x,1500,", "A2,95/12/31,y,200,"],
])
def test_s(admin, tmp_path, rows):
    p = tmp_path / "o.csv"
    p.write_text("Order No,Order Date,Customer,Total,Address\n" + "\n".join(rows) + "\n", encoding="utf-8")
    show(admin, p, kind="orders")
