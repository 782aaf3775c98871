"""Partitions of the input: small, stably keyed units of work that a worker reads itself.

The client only lists paths and byte ranges (never article text), so enumerating a corpus
of millions of articles costs a directory walk and a newline count. A partition's key is a
hash of what it covers (paths, sizes, modification times, ranges): a restarted run gets
the same keys, which is what lets a Parquet output skip the partitions already written.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from .. import errors
from ..records import Article, Skip

JSONL_EXTENSIONS = (".jsonl", ".ndjson")
PARQUET_EXTENSIONS = (".parquet", ".pq")
# Read size when counting the lines of a JSONL file to cut it into shards.
SCAN_BLOCK = 1 << 20


@dataclass(frozen=True)
class Partition:
    """One unit of work: ``files`` (whole files), ``jsonl`` (a line range of one file, as
    byte offsets) or ``parquet`` (one row group of one file)."""

    kind: str
    paths: tuple[str, ...]
    start: int = 0  # jsonl: first byte; parquet: row group index
    stop: int = 0  # jsonl: end byte (exclusive)
    first_line: int = 1  # jsonl: line number of the first line (for skip messages)
    stamp: str = ""  # sizes and mtimes of the files covered

    @property
    def key(self) -> str:
        raw = f"{self.kind}|{'|'.join(self.paths)}|{self.start}|{self.stop}|{self.first_line}|{self.stamp}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def _stamp(paths: Sequence[str]) -> str:
    parts = []
    for p in paths:
        try:
            st = os.stat(p)
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append("?")
    return hashlib.sha256(",".join(parts).encode()).hexdigest()[:12]


def _jsonl_shards(path: str, lines_per_shard: int) -> Iterator[Partition]:
    """Line-aligned byte ranges of a JSONL file, ``lines_per_shard`` lines each."""
    stamp = _stamp([path])
    start, line_no, lines, pos = 0, 1, 0, 0
    with open(path, "rb") as fh:
        while True:
            block = fh.read(SCAN_BLOCK)
            if not block:
                break
            i = 0
            while True:
                j = block.find(b"\n", i)
                if j < 0:
                    break
                lines += 1
                i = j + 1
                if lines == lines_per_shard:
                    end = pos + i
                    yield Partition("jsonl", (path,), start, end, line_no, stamp)
                    start, line_no, lines = end, line_no + lines_per_shard, 0
            pos += len(block)
    if pos > start:
        yield Partition("jsonl", (path,), start, pos, line_no, stamp)


def _parquet_groups(path: str) -> Iterator[Partition]:
    import pyarrow.parquet as pq

    stamp = _stamp([path])
    meta = pq.ParquetFile(path).metadata
    for g in range(meta.num_row_groups):
        yield Partition("parquet", (path,), g, g + 1, 1, stamp)


def iter_partitions(inputs: Sequence[str | os.PathLike], *, size: int = 64) -> Iterator[Partition | Skip]:
    """Partitions of ``inputs`` (files and folders, recursively) in input order, ~``size``
    articles each; a missing input or stdin is a Skip, as in a local run."""
    from ..ingest import _walk  # the local run's folder order, hidden files left out

    batch: list[str] = []

    def flush() -> Iterator[Partition]:
        if batch:
            yield Partition("files", tuple(batch), stamp=_stamp(batch))
            batch.clear()

    for item in inputs:
        if str(item) == "-":
            yield Skip("-", errors.UnsupportedFormat.code, "a cluster run reads files; save stdin to a file first")
            continue
        p = Path(item)
        if p.is_dir():
            files: Iterator[Path] = _walk(p)
        elif p.is_file():
            files = iter([p])
        else:
            yield Skip(str(item), errors.MissingInput.code, "no such file or folder")
            continue
        for f in files:
            ext = f.suffix.lower()
            if ext in JSONL_EXTENSIONS:
                shards = _jsonl_shards(str(f), size)
                first = next(shards, None)
                if first is None or (first.start == 0 and first.stop == f.stat().st_size):
                    # a small file is read whole, exactly as the local run reads it
                    batch.append(str(f))
                    if len(batch) >= size:
                        yield from flush()
                    continue
                yield from flush()
                yield first
                yield from shards
            elif ext in PARQUET_EXTENSIONS:
                yield from flush()
                yield from _parquet_groups(str(f))
            else:
                batch.append(str(f))
                if len(batch) >= size:
                    yield from flush()
    yield from flush()


def read_partition(part: Partition) -> Iterator[Article | Skip]:
    """The articles (and skips) of one partition, exactly as the local readers make them."""
    from .. import ingest

    idx = ingest.default_outlet_index()
    if part.kind == "files":
        yield from ingest.iter_articles(list(part.paths))
        return
    path = part.paths[0]
    if part.kind == "jsonl":
        with open(path, "rb") as fh:
            fh.seek(part.start)
            data = fh.read(part.stop - part.start)
        if not data.strip():
            return
        text = ingest._decode(data, f"{path}:{part.first_line}")
        if isinstance(text, Skip):
            yield text
            return
        offset = part.first_line - 1
        for item in ingest._read_jsonl(text, path, "jsonl", path, idx):
            if isinstance(item, Skip) and offset:
                src, _, line = item.source.rpartition(":")
                item = Skip(f"{src}:{int(line) + offset}", item.code, item.reason)
            yield item
        return
    if part.kind == "parquet":
        import pyarrow.parquet as pq

        table = pq.ParquetFile(path).read_row_group(part.start)
        first_row = _rows_before(path, part.start)
        for i, rec in enumerate(table.to_pylist()):
            yield ingest._from_record(rec, f"{path}:{first_row + i + 1}", "parquet", path, idx, True)
        return
    raise ValueError(f"unknown partition kind {part.kind!r}")


def _rows_before(path: str, group: int) -> int:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    return sum(meta.row_group(g).num_rows for g in range(group))
