"""A columnar copy of the corpus beside its store, so a restart reads it in a second.

Reading a store's typed tables into pandas is row by row: about 10 s for
10,000 articles (224k sentences, 483k mentions), and counting their terms
as long again. The same tables as Arrow IPC files (LZ4) read in about half
a second. So once the dashboard has the corpus, it writes a snapshot:
``<store>.snapshot/<key>/`` with one ``.arrow`` file per table (the term
counts included) and ``manifest.json``, written last.

The key names the exact state the snapshot was made from: the store's id,
the pipeline version, its change counters and the reference tables
(gazetteer, topics). Any write to the store changes the counters, so a
snapshot is never read for another state. It is a cache and nothing else:
a missing, partial, unreadable or foreign snapshot is ignored and the store
is read; older snapshots are removed once a newer one is complete.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather

log = logging.getLogger(__name__)

#: What a snapshot holds and how: bump when that changes (the corpus tables, the term counts,
#: the article summaries of ``lib.corpus.rollups``); a snapshot of another format is ignored.
SNAPSHOT_FORMAT = 2
MANIFEST = "manifest.json"
#: A half-written snapshot older than this is debris from a killed process.
STALE_TEMP_S = 3600


def snapshot_dir(store_path: str | Path) -> Path:
    """Where the snapshots of the store at ``store_path`` live."""
    p = Path(store_path)
    return p.with_name(p.name + ".snapshot")


def make_key(**state: object) -> str:
    """A short digest naming one state of a store (any JSON-serialisable fields)."""
    text = json.dumps({"format": SNAPSHOT_FORMAT, **state}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def reference_digest(*tables: pd.DataFrame) -> str:
    """A digest of reference tables (the gazetteer and the topics), part of a key."""
    h = hashlib.sha256()
    for df in tables:
        h.update(pd.util.hash_pandas_object(df.astype(str), index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def read(store_path: str | Path, key: str) -> tuple[dict[str, pd.DataFrame], dict] | None:
    """The tables and manifest of the snapshot ``key``, or None when there is none usable."""
    folder = snapshot_dir(store_path) / key
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        if manifest.get("key") != key or manifest.get("format") != SNAPSHOT_FORMAT:
            return None
        tables = {}
        for name, rows in manifest["tables"].items():
            # One chunk per column: pandas' take and isin on a many-chunked Arrow
            # column are several times slower (the file holds 64k-row batches).
            df = feather.read_table(folder / f"{name}.arrow", memory_map=False).combine_chunks().to_pandas()
            if len(df) != rows:
                return None
            tables[name] = df
        return tables, manifest
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as exc:
        if not isinstance(exc, FileNotFoundError):
            log.warning("corpus snapshot %s not usable (%s); reading the store", folder, exc)
        return None


def manifests(store_path: str | Path) -> list[dict]:
    """The manifests of the finished snapshots beside the store (unreadable ones left out)."""
    out = []
    root = snapshot_dir(store_path)
    if not root.is_dir():
        return out
    for child in root.iterdir():
        if child.name.startswith(".tmp-"):
            continue
        try:
            manifest = json.loads((child / MANIFEST).read_text())
        except (OSError, ValueError):
            continue
        if isinstance(manifest, dict) and manifest.get("format") == SNAPSHOT_FORMAT:
            out.append(manifest)
    return out


def write(store_path: str | Path, key: str, tables: dict[str, pd.DataFrame], **extra: object) -> Path | None:
    """Write the snapshot ``key`` (atomically: a finished folder appears or nothing does)
    and remove older ones. Returns its folder, or None when it could not be written."""
    root = snapshot_dir(store_path)
    final = root / key
    if (final / MANIFEST).is_file():
        return final
    try:
        root.mkdir(exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
        try:
            for name, df in tables.items():
                feather.write_feather(df.reset_index(drop=True), tmp / f"{name}.arrow", compression="lz4")
            manifest = {
                "format": SNAPSHOT_FORMAT,
                "key": key,
                "written": time.time(),
                "tables": {n: len(df) for n, df in tables.items()},
                **extra,
            }
            (tmp / MANIFEST).write_text(json.dumps(manifest, default=str))
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    except (OSError, ValueError, TypeError, pa.ArrowException) as exc:
        if (final / MANIFEST).is_file():  # another process wrote the same snapshot first
            return final
        log.warning("corpus snapshot not written to %s: %s", root, exc)
        return None
    _prune(root, keep=key)
    return final


def _prune(root: Path, *, keep: str) -> None:
    """Remove every snapshot but ``keep`` and half-written folders left by killed processes."""
    now = time.time()
    for child in root.iterdir():
        if child.name == keep:
            continue
        if child.name.startswith(".tmp-"):
            try:
                if now - child.stat().st_mtime < STALE_TEMP_S:
                    continue  # perhaps another process writing now
            except OSError:
                continue
        shutil.rmtree(child, ignore_errors=True)
