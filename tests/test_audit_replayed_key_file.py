"""An old `<store>.keys` put back over a password reset: the victim's old password opens a
slot whose keys the signed trail no longer gives her. Sign-in lets her in as a viewer and
records nothing of that slot's keys (no `user.key` entry); `audit verify` leads with the
cause (the slot was replaced outside cims) and says the consequence in one line after it,
and blames the victim for nothing."""
from __future__ import annotations

import shutil

import pytest

from cims_xl.security.audit import AuditEvent
from cims_xl.services import audit_log, auth
from cims_xl.store.db import utcnow

from conftest import ADMIN_PASSWORD, FAST_KDF

OLD = "Jade-Garden-2026-Old"
NEW = "Orchid-River-Stone-77"
BLAME = ("without an administrator", "changed after", "forged", "in the name of")


def _keys(store_path):
    return store_path.parent / (store_path.name + ".keys")


def _replayed(store_path, tmp_path, name: str, role: str):
    """`name` exists and signed in once; the key file is copied, her password reset by an
    administrator (after a suspected leak), then the copy put back."""
    with auth.sign_in(store_path, "admin", ADMIN_PASSWORD) as admin:
        auth.add_user(admin, name, role, OLD, kdf=FAST_KDF)
    auth.sign_in(store_path, name, OLD).close()
    shutil.copyfile(_keys(store_path), tmp_path / "old.keys")
    with auth.sign_in(store_path, "admin", ADMIN_PASSWORD) as admin:
        auth.change_password(admin, name, NEW, kdf=FAST_KDF)
    shutil.copyfile(tmp_path / "old.keys", _keys(store_path))


def _entries_by(store_path, name):
    with auth.sign_in(store_path, "admin", ADMIN_PASSWORD) as admin:
        return [(e["seq"], e["action"]) for e in audit_log.show(admin, limit=1000) if e["actor"] == name]


def _verify(store_path):
    with auth.sign_in(store_path, "admin", ADMIN_PASSWORD) as admin:
        return audit_log.verify(admin)


@pytest.mark.parametrize("name, role", [("mei", "manager"), ("李娜", "sales"), ("zaid", "support")])
def test_a_replayed_key_file_makes_sign_in_record_no_key_and_verify_lead_with_the_slot(
        store_path, tmp_path, name, role):
    _replayed(store_path, tmp_path, name, role)
    before = _entries_by(store_path, name)
    with auth.sign_in(store_path, name, OLD) as session:        # the old password still opens
        assert session.role == "viewer" and session.account_problem
    new = [e for e in _entries_by(store_path, name) if e not in before]
    assert [action for _seq, action in new] == ["sign-in"], new  # no user.key from a replaced slot
    result = _verify(store_path)
    assert not result.ok
    first = result.problems[0]
    assert first.startswith(f"the sign-in slot of {name} was replaced outside cims"), result.problems
    assert "cims rekey" in first
    seq = new[0][0]
    assert f"#{seq}" in result.problems[1] and "that slot's key" in result.problems[1], result.problems
    assert not any(word in p for p in result.problems for word in BLAME), result.problems
    assert sum(f"slot of {name}" in p or f"{name}'s slot" in p for p in result.problems) == 1


def test_a_key_entry_an_older_version_wrote_from_a_replayed_slot_is_named_under_the_cause(store_path, tmp_path):
    _replayed(store_path, tmp_path, "mei", "manager")
    with auth.sign_in(store_path, "mei", OLD) as session:
        # What sign-in of the version before wrote from the replaced slot.
        with session.unit_of_work() as uow:
            session.audit([AuditEvent(utcnow(), "mei", "user.key", "user", "mei", None,
                                      {"sign_key": [None, session.signing_public]})])
            uow.commit()
    written = max(seq for seq, action in _entries_by(store_path, "mei") if action == "user.key")
    result = _verify(store_path)
    assert result.problems[0].startswith("the sign-in slot of mei was replaced outside cims"), result.problems
    assert f"#{written}" in result.problems[1], result.problems
    assert not any(word in p for p in result.problems for word in BLAME), result.problems


def test_a_trail_rewritten_in_a_users_name_is_still_named_as_a_rewrite(store_path, tmp_path):
    """The folding above is only for what the slot's own key signed: a signature no key
    vouches for is still a rewrite."""
    _replayed(store_path, tmp_path, "mei", "manager")
    auth.sign_in(store_path, "mei", OLD).close()
    from cims_xl.security.keys import KeyFile
    with auth.sign_in(store_path, "admin", ADMIN_PASSWORD) as admin:
        kf = KeyFile.load(store_path)
        row = [r for r in admin.store.iter_audit_sigs() if r[2] == "mei"][-1]
        with admin.store.transaction():
            admin.store.conn.execute("UPDATE audit_sigs SET sig=? WHERE first_seq=?",
                                     (row[4][:-4] + ("AAAA" if not row[4].endswith("AAAA") else "BBBB"),
                                      row[0]))
    result = _verify(store_path)
    assert result.problems[0].startswith("the sign-in slot of mei was replaced outside cims")
    assert any("changed after mei signed it" in p for p in result.problems), result.problems
