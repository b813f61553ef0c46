"""Files on disk: originals content-addressed by SHA-256, and the page image cache."""

from __future__ import annotations

import os
import uuid
from pathlib import Path


class BlobStore:
    def __init__(self, data_dir: Path):
        self.files = data_dir / "files"
        self.tmp = data_dir / "tmp"
        self.pages = data_dir / "cache" / "pages"
        # Copies without JavaScript, actions or embedded files: what the server hands out
        # (documents/served.py). Made again from the original whenever missing.
        self.served = data_dir / "cache" / "served"

    def path(self, sha256: str) -> Path:
        return self.files / sha256[:2] / f"{sha256}.pdf"

    def temp_path(self, suffix: str = ".upload") -> Path:
        return self.tmp / f"{uuid.uuid4().hex}{suffix}"

    def put(self, temp: Path, sha256: str) -> Path:
        """Move a fully written temp file into place, durably. The same content is kept once."""
        target = self.path(sha256)
        if target.exists():
            temp.unlink(missing_ok=True)
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
        _fsync_dir(target.parent)
        return target

    def served_path(self, sha256: str) -> Path:
        """The sanitized copy of an original that carries active content."""
        return self.served / sha256[:2] / f"{sha256}.pdf"

    def inert_marker(self, sha256: str) -> Path:
        """Present when the original was checked and carries no active content: it is handed out as it is."""
        return self.served / sha256[:2] / f"{sha256}.inert"

    def page_folder(self, sha256: str) -> Path:
        return self.pages / sha256[:2] / sha256

    def page_image(self, sha256: str, page: int, width: int) -> Path:
        return self.page_folder(sha256) / f"{page}-{width}.jpg"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
