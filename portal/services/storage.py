"""Content-addressed file storage on the local disk, written durably before any row points to it."""
import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app


def _root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def store_bytes(data: bytes, suffix: str) -> tuple[str, str]:
    """Write `data` (temp file, fsync, rename) and return (storage key, sha256)."""
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest[:2]}/{digest}{suffix}"
    _write(_root() / key, data)
    return key, digest


def derived(key: str, name: str, make) -> Path:
    """The path of a file derived from a stored one (a thumbnail), made with make(bytes) on first use."""
    source = path_of(key)
    target = source.with_name(f"{source.stem}.{name}")
    if not target.exists():
        _write(target, make(source.read_bytes()))
    return target


def _write(target: Path, data: bytes) -> None:
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def path_of(key: str) -> Path:
    root = _root().resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        raise ValueError("storage key outside the upload folder")
    return path


def read_bytes(key: str) -> bytes:
    return path_of(key).read_bytes()
