"""Files given to `cims restore` that are not backups cims made are refused before
anything is read into memory or written beside the store: a manifest of nested
brackets (had crashed with a RecursionError), a small file holding a huge manifest
(2 GB of memory), a few MB of zeros that unpack to gigabytes beside the live store, a
store larger than the disk can take."""

from __future__ import annotations

import json
import zipfile
from collections import namedtuple

import pytest

from cims_xl.errors import StoreError
from cims_xl.services import backup, records

from conftest import ADMIN_PASSWORD


def _tampered(made, tmp_path, name: str, **members) -> "Path":  # noqa: F821
    """A copy of backup `made` with some members replaced ({member: (bytes, compression)})."""
    out = tmp_path / name
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data, how = members.pop(info.filename, (src.read(info.filename), zipfile.ZIP_STORED))
            dst.writestr(info.filename, data, compress_type=how)
    return out


def _listing(store_path):
    return sorted(p.name for p in store_path.parent.iterdir())


@pytest.mark.parametrize("manifest, why", [
    (b"[" * 200_000 + b"]" * 200_000, "nested too deep"),
    (b'{"x": "' + b"a" * (2 << 20) + b'"}', "bytes"),
])
def test_a_manifest_no_backup_writes_is_refused_with_one_line(store_path, admin, tmp_path, manifest, why):
    made = backup.backup(admin)
    bad = _tampered(made, tmp_path, "bad.cimsbak", **{backup.MANIFEST_MEMBER: (manifest, zipfile.ZIP_DEFLATED)})
    with pytest.raises(StoreError, match=why):
        backup.check_restore(admin, bad)
    with pytest.raises(StoreError, match="not a cims backup"):
        backup.read_manifest(bad)
    before = _listing(store_path)
    with pytest.raises(StoreError, match="not a cims backup"):
        backup.restore(admin, bad, ADMIN_PASSWORD)
    assert _listing(store_path) == before


def test_zeros_that_unpack_to_a_huge_store_are_refused_before_anything_is_written(store_path, admin, tmp_path):
    records.create(admin, "customer", {"name": "Ann Lee"})
    made = backup.backup(admin)
    bad = _tampered(made, tmp_path, "zeros.cimsbak",
                    **{backup.DB_MEMBER: (b"\0" * (64 << 20), zipfile.ZIP_DEFLATED)})
    assert bad.stat().st_size < (1 << 20)
    before = _listing(store_path)
    with pytest.raises(StoreError, match="does not compress"):
        backup.restore(admin, bad, ADMIN_PASSWORD)
    assert _listing(store_path) == before
    assert records.list_records(admin, "customer")[0]["name"] == "Ann Lee"


def test_a_backup_larger_than_the_free_disk_is_refused(store_path, admin, tmp_path, monkeypatch):
    made = backup.backup(admin)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(backup.shutil, "disk_usage", lambda path: usage(1 << 30, (1 << 30) - 4096, 4096))
    with pytest.raises(StoreError, match="free; nothing was restored"):
        backup.restore(admin, made, ADMIN_PASSWORD)


def test_a_real_backup_zipped_again_with_deflate_still_restores(store_path, admin, tmp_path):
    records.create(admin, "customer", {"name": "Ann Lee"})
    made = backup.backup(admin)
    again = tmp_path / "again.cimsbak"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(again, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    assert json.loads(zipfile.ZipFile(again).read(backup.MANIFEST_MEMBER))["store_id"]
    backup.restore(admin, again, ADMIN_PASSWORD)
