"""The page images on disk (cache/pages), under a bound in bytes
(MEETING_PAGE_CACHE_MB), the least recently used evicted first.

The index lives in this process: the files found at start-up (oldest first,
by modification time), then every image a worker writes, registered when
its job is answered, and every hit. Files are only ever whole (workers write
a temp file and rename it), any one may go at any time, and one that
vanished behind the index's back is simply forgotten and drawn again.
Calls touch the disk: make them from a worker thread, not the event loop.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path

from meeting_server import observability

log = logging.getLogger(__name__)


class PageCache:
    def __init__(self, root: Path, max_bytes: int):
        self.root = root
        self.max_bytes = max_bytes
        # Path -> size, least recently used first; str keys: a Path costs twice the memory.
        self._sizes: OrderedDict[str, int] = OrderedDict()
        self.total_bytes = 0
        self._lock = threading.Lock()

    def scan(self) -> None:
        """Take in the files already on disk, oldest first, behind anything registered since."""
        found = []
        for folder, _, names in os.walk(self.root):
            for name in names:
                path = Path(folder) / name
                try:
                    stat = path.stat()
                    if name.endswith(".tmp"):
                        # A render killed half-way; a young one may be another node's, being written.
                        if stat.st_mtime < time.time() - 3600:
                            path.unlink()
                        continue
                except OSError:
                    continue
                found.append((stat.st_mtime, str(path), stat.st_size))
        found.sort(reverse=True)
        with self._lock:
            for _, key, size in found:
                if key not in self._sizes:
                    self._sizes[key] = size
                    self.total_bytes += size
                    self._sizes.move_to_end(key, last=False)
            victims = self._over_bound()
        self._delete(victims)
        log.info("page cache: %d images, %.1f MB", len(self._sizes), self.total_bytes / 2**20)

    def read(self, path: Path) -> bytes | None:
        """The image's bytes, now the most recently used; None when it is not on disk."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self._forget(path)
            observability.page_cache(hit=False)
            return None
        with self._lock:
            if str(path) in self._sizes:
                self._sizes.move_to_end(str(path))
        observability.page_cache(hit=True)
        return data

    def add(self, *paths: Path) -> None:
        """Register images just written (by any process), then evict down to the bound."""
        sizes = []
        for path in paths:
            try:
                sizes.append((str(path), path.stat().st_size))
            except FileNotFoundError:
                continue
        with self._lock:
            for key, size in sizes:
                self.total_bytes += size - self._sizes.pop(key, 0)
                self._sizes[key] = size
            victims = self._over_bound()
        self._delete(victims)

    def add_folder(self, folder: Path) -> None:
        """Register every image in a folder, such as a document's thumbnails written at ingest."""
        self.add(*(p for p in folder.glob("*.jpg")))

    def _forget(self, path: Path) -> None:
        with self._lock:
            self.total_bytes -= self._sizes.pop(str(path), 0)

    def _over_bound(self) -> list[str]:
        victims = []
        while self.total_bytes > self.max_bytes and self._sizes:
            path, size = self._sizes.popitem(last=False)
            self.total_bytes -= size
            victims.append(path)
        return victims

    @staticmethod
    def _delete(victims: list[str]) -> None:
        for path in victims:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("page cache: cannot delete %s: %s", path, exc)
