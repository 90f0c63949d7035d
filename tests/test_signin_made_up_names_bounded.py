"""Failed sign-ins for names that are nobody's are counted like a user's (a wrong password
tells nobody which names exist: the same entry, the same growth of `<store>.keys`), but
they share a table of at most keys.UNKNOWN_LOCKOUTS entries, the name tried longest ago
dropped first: made-up names cannot grow the key file without bound. A real user's count
is never dropped, however many made-up names are tried after it."""
from __future__ import annotations

import json

import pytest

from cims_xl.errors import AccountLocked, WrongPassword
from cims_xl.security import keys
from cims_xl.services import auth

from conftest import FAST_KDF, USER_PASSWORD

LIMIT = 3


@pytest.fixture
def small_table(monkeypatch):
    monkeypatch.setattr(keys, "UNKNOWN_LOCKOUTS", LIMIT)


def _fail(store_path, name):
    with pytest.raises(WrongPassword):
        auth.sign_in(store_path, name, "Not-The-Password-99")


def _keys(store_path):
    return store_path.parent / (store_path.name + ".keys")


def _lockout(store_path) -> dict:
    return json.loads(_keys(store_path).read_text())["lockout"]


@pytest.mark.parametrize("names", [[f"ghost{i:02d}" for i in range(8)],
                                   [f"幽灵用户{i}" for i in range(7)],
                                   [f"زائر-{i}" for i in range(8)]])
def test_made_up_names_keep_at_most_the_table_size_and_the_file_stops_growing(store_path, small_table, names):
    sizes = []
    for name in names:
        _fail(store_path, name)
        sizes.append(_keys(store_path).stat().st_size)
    kept = _lockout(store_path)
    kf = keys.KeyFile.load(store_path)                          # entries are keyed, never named
    assert sorted(kept) == sorted(kf.lockout_key(n) for n in names[-LIMIT:]), kept   # the last tried are kept
    assert max(sizes[LIMIT:]) <= sizes[LIMIT - 1] + 16, sizes      # stopped growing once full


def test_a_real_users_count_survives_any_number_of_made_up_names(store_path, admin, small_table):
    auth.add_user(admin, "lina", "sales", USER_PASSWORD, kdf=FAST_KDF)
    for _ in range(4):
        _fail(store_path, "lina")
    for i in range(3 * LIMIT):
        _fail(store_path, f"nobody{i}")
    assert keys.KeyFile.load(store_path).lockout("lina")["failed"] == 4
    _fail(store_path, "lina")
    with pytest.raises(AccountLocked):                   # the fifth failure still locks her
        auth.sign_in(store_path, "lina", USER_PASSWORD)


def test_a_made_up_name_tried_again_keeps_its_count_and_locks_like_a_users(store_path, small_table):
    for i in range(5):
        _fail(store_path, "mallory")
        _fail(store_path, f"spray{i}")                    # fewer than the table between its tries
        _fail(store_path, f"spray{i}b")
    assert keys.KeyFile.load(store_path).lockout("mallory")["failed"] == 5
    with pytest.raises(AccountLocked):
        auth.sign_in(store_path, "mallory", "Whatever-Password-1")


def test_a_first_failure_grows_the_file_the_same_for_a_user_and_a_made_up_name(store_path, admin, small_table):
    auth.add_user(admin, "tomas", "sales", USER_PASSWORD, kdf=FAST_KDF)
    _fail(store_path, "someone")                          # the table is not empty (a comma either way)
    before = _keys(store_path).stat().st_size
    _fail(store_path, "tomas")
    after_user = _keys(store_path).stat().st_size
    _fail(store_path, "tamas")                            # nobody's, the same length
    after_ghost = _keys(store_path).stat().st_size
    assert after_user - before == after_ghost - after_user
