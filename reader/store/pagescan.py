"""Reading rows straight from a damaged SQLite file's pages, when SQLite itself cannot.

Why: a database cut short or with a garbled schema page cannot even list its tables, so
``SELECT`` recovers nothing, although most of its pages still hold good rows.  This walks every
page, decodes each b-tree leaf cell as SQLite's record format (varints, serial types, overflow
chains: https://www.sqlite.org/fileformat2.html) and yields the records it can read whole; a
page that does not parse is skipped, a record whose overflow chain is broken is dropped.  The
caller decides which table a record belongs to by its shape (``reader.store.salvage``): rows of
a library's tables are recognisable by their ids and column counts.

Pure Python over bytes, read-only; a few seconds for a few hundred megabytes.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TABLE_LEAF = 0x0D
INDEX_LEAF = 0x0A


@dataclass(frozen=True, slots=True)
class Cell:
    """One decoded record: ``rowid`` for table rows (None for index/WITHOUT ROWID entries)."""

    page: int
    rowid: int | None
    values: tuple[object, ...]


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """(value, next offset) of the SQLite varint at ``at``."""
    value = 0
    for i in range(8):
        byte = data[at + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    value = (value << 8) | data[at + 8]
    return value, at + 9


def _signed(raw: bytes) -> int:
    return int.from_bytes(raw, "big", signed=True)


def decode_record(payload: bytes) -> tuple[object, ...] | None:
    """The values of one record, or None if it does not parse."""
    try:
        header_size, at = _varint(payload, 0)
        if header_size > len(payload) or header_size < 1:
            return None
        types = []
        while at < header_size:
            serial, at = _varint(payload, at)
            types.append(serial)
        body = header_size
        values: list[object] = []
        for serial in types:
            if serial == 0:
                values.append(None)
            elif 1 <= serial <= 6:
                size = (1, 2, 3, 4, 6, 8)[serial - 1]
                values.append(_signed(payload[body : body + size]))
                body += size
            elif serial == 7:
                values.append(struct.unpack(">d", payload[body : body + 8])[0])
                body += 8
            elif serial in (8, 9):
                values.append(serial - 8)
            elif serial >= 12:
                size = (serial - 12) // 2
                raw = payload[body : body + size]
                if len(raw) != size:
                    return None
                values.append(raw.decode("utf-8", "replace") if serial % 2 else raw)
                body += size
            else:
                return None
        if body > len(payload):
            return None
        return tuple(values)
    except (IndexError, ValueError):
        return None


class PageFile:
    """A damaged database file's pages, for ``cells``."""

    def __init__(self, path: Path) -> None:
        self.data = Path(path).read_bytes()
        head = self.data[:100]
        raw = int.from_bytes(head[16:18], "big") if len(head) >= 18 else 0
        size = 65536 if raw == 1 else raw
        if size < 512 or size & (size - 1):
            size = 4096  # a garbled header: the commonest page size, and try
        self.page_size = size
        self.usable = size - (head[20] if len(head) > 20 else 0)
        self.pages = len(self.data) // size

    def page(self, number: int) -> bytes | None:
        if not 1 <= number <= self.pages:
            return None
        start = (number - 1) * self.page_size
        return self.data[start : start + self.page_size]

    def _payload(self, page: bytes, at: int, size: int, max_local: int) -> bytes | None:
        usable = self.usable
        if size <= max_local:
            return page[at : at + size]
        min_local = ((usable - 12) * 32 // 255) - 23
        local = min_local + ((size - min_local) % (usable - 4))
        if local > max_local:
            local = min_local
        parts = [page[at : at + local]]
        overflow = int.from_bytes(page[at + local : at + local + 4], "big")
        remaining = size - local
        seen = set()
        while remaining > 0:
            if overflow in seen:
                return None
            seen.add(overflow)
            chunk = self.page(overflow)
            if chunk is None:
                return None
            take = min(remaining, usable - 4)
            parts.append(chunk[4 : 4 + take])
            remaining -= take
            overflow = int.from_bytes(chunk[:4], "big")
        return b"".join(parts)

    def cells(self) -> Iterator[Cell]:
        """Every record on every leaf page that decodes."""
        usable = self.usable
        table_max = usable - 35
        index_max = ((usable - 12) * 64 // 255) - 23
        for number in range(1, self.pages + 1):
            page = self.page(number)
            if page is None:
                continue
            base = 100 if number == 1 else 0
            kind = page[base]
            if kind not in (TABLE_LEAF, INDEX_LEAF):
                continue
            count = int.from_bytes(page[base + 3 : base + 5], "big")
            if count > self.page_size // 4:
                continue
            for index in range(count):
                pointer_at = base + 8 + 2 * index
                cell_at = int.from_bytes(page[pointer_at : pointer_at + 2], "big")
                if not base + 8 <= cell_at < self.page_size:
                    continue
                try:
                    size, at = _varint(page, cell_at)
                    rowid = None
                    if kind == TABLE_LEAF:
                        rowid, at = _varint(page, at)
                        if rowid >= 1 << 63:
                            rowid -= 1 << 64
                    payload = self._payload(
                        page, at, size, table_max if kind == TABLE_LEAF else index_max
                    )
                except IndexError:
                    continue
                if payload is None or len(payload) != size:
                    continue
                values = decode_record(payload)
                if values is not None:
                    yield Cell(number, rowid, values)
