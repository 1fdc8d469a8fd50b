"""A dump file read once: its first block for sniffing, the rest for parsing, hashed on the way.

The importer used to open a file three times (hash, sniff, parse).  ``SourceFile`` reads the
first ``HEAD_BYTES`` once, hands them to the registry, then replays them to the parser ahead of
the rest of the file, feeding every byte to SHA-256 as it passes.  ``sha256()`` reads whatever
the parser left (an XML parser stops at the root's end tag) so the digest covers the whole file.

A zip file is read by seeking (its directory is at the end).  Seeking is allowed, but then the
bytes no longer pass in order and ``sha256()`` hashes the file in a second pass instead.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, cast

from reader.errors import DumpError
from reader.formats.base import HEAD_BYTES

_CHUNK = 1 << 20


class SourceFile(io.RawIOBase):
    """A read-only binary stream over ``path`` that hashes what it hands out."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        try:
            self._raw: BinaryIO = open(self.path, "rb")  # noqa: SIM115 - closed in close()
            self.head = self._raw.read(HEAD_BYTES)
        except OSError as exc:
            raise DumpError(self.path, f"cannot read file ({exc.strerror or exc})") from exc
        self._digest = hashlib.sha256(self.head)
        self._hashed = len(self.head)  # bytes of the file fed to the digest, in order
        self._pos = 0  # the reader's position
        self._sequential = True

    # -- io.RawIOBase ------------------------------------------------------------------------

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(_CHUNK):
                chunks.append(chunk)
            return b"".join(chunks)
        replay = b""
        if self._pos < len(self.head):
            replay = self.head[self._pos : self._pos + size]
            self._pos += len(replay)
            size -= len(replay)
            if not size:
                return replay
            self._raw.seek(self._pos)
        data = self._raw.read(size)
        if self._sequential and self._pos == self._hashed:
            self._digest.update(data)
            self._hashed += len(data)
        self._pos += len(data)
        return replay + data if replay else data

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._pos
        elif whence == io.SEEK_END:
            offset += self.path.stat().st_size
        if offset != self._pos:
            self._sequential = False
        self._pos = max(0, offset)
        if self._pos >= len(self.head):
            self._raw.seek(self._pos)
        return self._pos

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()

    def __enter__(self) -> SourceFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- what the importer asks --------------------------------------------------------------

    @property
    def stream(self) -> BinaryIO:
        """This file as the binary stream ``Format.parse`` takes.  It reads like one; the
        cast is for the type checker, whose ``RawIOBase`` is not a ``BinaryIO``."""
        return cast(BinaryIO, self)

    @property
    def position(self) -> int:
        """Bytes handed to the parser so far, for progress bars."""
        return self._pos

    def sha256(self) -> str:
        """The SHA-256 of the whole file, reading only what the parser has not read."""
        if not self._sequential:
            digest = hashlib.sha256()
            with open(self.path, "rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
            return digest.hexdigest()
        self._raw.seek(self._hashed)
        while chunk := self._raw.read(_CHUNK):
            self._digest.update(chunk)
            self._hashed += len(chunk)
        return self._digest.hexdigest()
