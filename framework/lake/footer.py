"""The row count and key-value metadata of a Parquet file, read from its footer without pyarrow.

A run counts the rows of every file it loads and reads the shape each was written for;
importing pyarrow for that cost ~0.1 s of an invocation whose whole budget is a second. The
footer is Thrift's compact protocol (https://github.com/apache/parquet-format, `FileMetaData`:
1 version, 2 schema, 3 num_rows, 4 row_groups, 5 key_value_metadata); this reads its top-level
fields in order and skips the ones before the one asked for.
"""

from __future__ import annotations

from framework.errors import LakeError

MAGIC = b"PAR1"
_NUM_ROWS = 3
_KEY_VALUE_METADATA = 5  # list<KeyValue{1: key, 2: value}>
# compact protocol type ids
_TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(1, 13)


class FooterError(LakeError):
    """Not a Parquet footer this reader understands."""


def footer_length(tail: bytes) -> int:
    """The metadata's length from the file's last 8 bytes (length, then the magic)."""
    if len(tail) < 8 or tail[-4:] != MAGIC:
        raise FooterError("not a Parquet file (no PAR1 at its end)")
    return int.from_bytes(tail[-8:-4], "little")


def num_rows(metadata: bytes) -> int:
    """`FileMetaData.num_rows` of the serialized footer (the bytes before length and magic)."""
    reader = _Reader(metadata)
    if not reader.find_field(_NUM_ROWS, _I64):
        raise FooterError("no num_rows in the Parquet footer")
    return reader.zigzag()


def key_value_metadata(metadata: bytes) -> dict[bytes, bytes]:
    """`FileMetaData.key_value_metadata` of the serialized footer ({} when it has none)."""
    reader = _Reader(metadata)
    return reader.key_values() if reader.find_field(_KEY_VALUE_METADATA, _LIST) else {}


def row_count_of(path: str) -> int:
    return num_rows(metadata_of(path))


def metadata_of(path: str) -> bytes:
    """The serialized footer of a Parquet file."""
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        if size < 12:
            raise FooterError("not a Parquet file (too short)")
        handle.seek(size - 8)
        length = footer_length(handle.read(8))
        if length + 12 > size:
            raise FooterError("corrupt Parquet footer (longer than the file)")
        handle.seek(size - 8 - length)
        return handle.read(length)


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def byte(self) -> int:
        if self.at >= len(self.data):
            raise FooterError("truncated Parquet footer")
        value = self.data[self.at]
        self.at += 1
        return value

    def varint(self) -> int:
        value, shift = 0, 0
        while True:
            part = self.byte()
            value |= (part & 0x7F) << shift
            if not part & 0x80:
                return value
            shift += 7
            if shift > 70:
                raise FooterError("malformed varint in the Parquet footer")

    def find_field(self, wanted: int, wanted_kind: int) -> bool:
        """Past the top-level fields before `wanted`, at its value; False when the struct ends first."""
        field = 0
        while True:
            header = self.byte()
            if header == 0:
                return False
            kind, delta = header & 0x0F, header >> 4
            field = field + delta if delta else self.zigzag()
            if field == wanted and kind == wanted_kind:
                return True
            self.skip(kind)

    def key_values(self) -> dict[bytes, bytes]:
        """A list of KeyValue structs (a missing value reads as empty)."""
        header = self.byte()
        size = header >> 4 if header >> 4 != 15 else self.varint()
        if size and header & 0x0F != _STRUCT:
            raise FooterError("key_value_metadata of the Parquet footer is not a list of structs")
        pairs = {}
        for _ in range(size):
            key, value, field = None, b"", 0
            while (header := self.byte()) != 0:
                kind, delta = header & 0x0F, header >> 4
                field = field + delta if delta else self.zigzag()
                if kind == _BINARY and field in (1, 2):
                    text = self.binary()
                    key, value = (text, value) if field == 1 else (key, text)
                else:
                    self.skip(kind)
            if key is not None:
                pairs[key] = value
        return pairs

    def binary(self) -> bytes:
        length = self.varint()
        start = self.at
        self.advance(length)
        return self.data[start : self.at]

    def zigzag(self) -> int:
        value = self.varint()
        return (value >> 1) ^ -(value & 1)

    def advance(self, count: int) -> None:
        if count < 0 or self.at + count > len(self.data):
            raise FooterError("truncated Parquet footer")
        self.at += count

    def element(self, kind: int) -> None:
        """A list's, set's or map's element: there a boolean takes a byte of its own."""
        self.advance(1) if kind in (_TRUE, _FALSE) else self.skip(kind)

    def skip(self, kind: int) -> None:
        if kind in (_TRUE, _FALSE):
            return  # a struct field's boolean lives in its header
        if kind == _BYTE:
            self.advance(1)
        elif kind in (_I16, _I32, _I64):
            self.varint()
        elif kind == _DOUBLE:
            self.advance(8)
        elif kind == _BINARY:
            self.advance(self.varint())
        elif kind in (_LIST, _SET):
            header = self.byte()
            size = header >> 4 if header >> 4 != 15 else self.varint()
            element = header & 0x0F
            for _ in range(size):
                self.element(element)
        elif kind == _MAP:
            size = self.varint()
            if size:
                types = self.byte()
                for _ in range(size):
                    self.element(types >> 4)
                    self.element(types & 0x0F)
        elif kind == _STRUCT:
            while True:
                header = self.byte()
                if header == 0:
                    return
                if not header >> 4:
                    self.zigzag()  # a long-form field id
                self.skip(header & 0x0F)
        else:
            raise FooterError(f"unknown Thrift type {kind} in the Parquet footer")
