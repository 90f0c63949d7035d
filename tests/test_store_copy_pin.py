"""A copy of the store file written on the same OS account makes the store look
rewritten (the pin is kept per store id, which a copy shares): the warning says a copy
may be why, and what settles it."""
from __future__ import annotations

import shutil

from cims_xl.services import auth, records
from conftest import ADMIN_PASSWORD


def test_writing_to_a_copy_of_the_store_is_named_as_the_copy_it_is(store_path, admin):
    records.create(admin, "customer", {"name": "Ann Lee"})
    admin.close()
    copy = store_path.with_name("copy.cims")
    shutil.copy(store_path, copy)
    shutil.copy(store_path.with_name(store_path.name + ".keys"), copy.with_name("copy.cims.keys"))
    on_copy = auth.sign_in(copy, "admin", ADMIN_PASSWORD)
    records.create(on_copy, "customer", {"name": "Made in the copy"})
    on_copy.close()
    again = auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
    try:
        problem = again.trust_problem
        assert problem and "a copy of this store file" in problem and "cims audit accept" in problem
        assert "cut" not in problem.replace("nothing was cut", "")      # led by the copy, not a cut
        records.create(again, "customer", {"name": "Made in the store"})
    finally:
        again.close()
