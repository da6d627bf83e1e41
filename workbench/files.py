"""Private files: the database, its WAL, exports, reports and keys are readable by their owner only.

Mode 0600 for files and 0700 for folders, or 0640/0750 when the configuration names a group
(``files.group``) that may read them too, e.g. the centre's backup operator. Files are created with
that mode from the start (``os.open`` with the mode, under a tight umask), never made and then
narrowed, so no other user of the machine can open them in between.
"""
from __future__ import annotations

import grp
import os
import stat
from contextlib import contextmanager
from pathlib import Path

from .config import load_config


def _group() -> int | None:
    """The configured group's id, or None (owner only). An unknown group name is an error at once."""
    name = (load_config().get("files") or {}).get("group")
    return grp.getgrnam(name).gr_gid if name else None


def file_mode() -> int:
    """0640 with a configured group, else 0600."""
    return 0o640 if _group() is not None else 0o600


def folder_mode() -> int:
    """0750 with a configured group, else 0700."""
    return 0o750 if _group() is not None else 0o700


@contextmanager
def private_umask():
    """Run the block under a umask that leaves only the owner's (and the configured group's) bits, so
    files a library creates in it (SQLite's WAL and shared-memory files, pandas' CSV and Parquet)
    are private from their first byte. The umask is process-wide: keep the block short."""
    mask = 0o027 if _group() is not None else 0o077
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def make_private(path: str | os.PathLike) -> Path:
    """Give an existing file or folder the private mode (and the configured group), and return it."""
    path = Path(path)
    gid = _group()
    if gid is not None:
        os.chown(path, -1, gid)
    os.chmod(path, folder_mode() if path.is_dir() else file_mode())
    return path


def private_folder(path: str | os.PathLike) -> Path:
    """Create ``path`` (and missing parents) if needed and make the folder itself private."""
    path = Path(path)
    with private_umask():
        path.mkdir(parents=True, exist_ok=True)
    return make_private(path)


def write_private(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write ``data`` (text as UTF-8) to a new or existing file that only its owner (and group) can read."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, file_mode())
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return make_private(path)


def too_open(path: str | os.PathLike) -> bool:
    """Whether others than the owner and the configured group may read or write ``path``
    (or the group may, when none is configured)."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    allowed = folder_mode() if Path(path).is_dir() else file_mode()
    return bool(mode & ~allowed & 0o077)
