"""A key file that cannot be read says how to get it back, not only that it is damaged."""
from __future__ import annotations

import json

import pytest

from cims_xl.errors import StoreError
from cims_xl.security.keys import keyfile_path
from cims_xl.services import auth
from conftest import ADMIN_PASSWORD


@pytest.mark.parametrize("damage", ["not json", "kdf none", "not a key file"])
def test_a_damaged_key_file_names_the_backup_it_comes_back_from(store_path, damage):
    path = keyfile_path(store_path)
    if damage == "not json":
        path.write_text("garbage")
    elif damage == "kdf none":
        doc = json.loads(path.read_text())
        doc["slots"]["admin"]["kdf"] = None
        path.write_text(json.dumps(doc))
    else:
        path.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(StoreError, match="put the key file back from a backup.*store.cims.keys"):
        auth.sign_in(store_path, "admin", ADMIN_PASSWORD)
