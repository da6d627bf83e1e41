"""Private files: created 0600 (folders 0700) from the first byte, or 0640/0750 with a configured group."""
import grp
import json
import os
import stat

from workbench import files
from workbench.store import chain
from workbench.store.connection import apply_migrations


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_database_its_wal_key_and_head_are_the_owners_only(tmp_path):
    old = os.umask(0o022)  # a permissive umask, as on many machines
    try:
        path = tmp_path / "centre.db"
        apply_migrations(path)
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    for belonging in chain.files(path):
        assert mode(belonging) == 0o600, belonging
    for suffix in ("-wal", "-shm"):
        wal = path.with_name(path.name + suffix)
        if wal.exists():
            assert mode(wal) == 0o600, wal


def test_a_configured_group_may_read(tmp_path, monkeypatch):
    group = grp.getgrgid(os.getgid()).gr_name  # a group this user belongs to
    settings = tmp_path / "config.json"
    settings.write_text(json.dumps({"files": {"group": group}}))
    monkeypatch.setenv("WB_CONFIG", str(settings))
    written = files.write_private(tmp_path / "report.bin", b"x")
    folder = files.private_folder(tmp_path / "exports")
    assert (mode(written), mode(folder)) == (0o640, 0o750)
    assert os.stat(written).st_gid == os.getgid()
    assert not files.too_open(written)
    os.chmod(written, 0o644)
    assert files.too_open(written)
