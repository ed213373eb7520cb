"""The command line: import into the store, export every table, survive a kill."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from lib import cli
from lib.corpus import ingest, store
from lib.corpus.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FORMULA_TITLE = '=HYPERLINK("http://example.com","click")'


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path, monkeypatch, resources):
    monkeypatch.setenv(store.CORPUS_DIR_ENV, str(SEEDS))
    return tmp_path / "store" / "coverage.sqlite"


@pytest.fixture
def batch(tmp_path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    seed_text = next(SEEDS.glob("002_*.txt")).read_text()
    (folder / "rows.csv").write_text(
        "headline,body,published\n"
        f'"{FORMULA_TITLE.replace(chr(34), chr(34) * 2)}","{seed_text.replace(chr(34), chr(34) * 2)} Extra line for the CSV copy.",2021-10-31\n'
        "Empty row,,\n",
        encoding="utf-8",
    )
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 binary")
    (folder / "french.txt").write_text(
        "Le président turc a rencontré le président russe à Sotchi pour parler de la Syrie et du gaz naturel."
    )
    (folder / "dup.md").write_text(next(SEEDS.glob("000_*.txt")).read_text())
    return folder


def test_import_prints_one_outcome_per_article(capsys, db, batch):
    code, out, err = run(capsys, "import", str(batch), "--db", str(db))
    assert code == 0
    lines = out.splitlines()
    assert "adding the articles of" in err  # a new store is filled from the seeds first
    assert any(line.startswith("rejected") and "binary.txt: binary" in line for line in lines)
    assert any("duplicate" in line and "dup.md" in line for line in lines)
    assert any("rejected" in line and "empty.txt: empty" in line for line in lines)
    assert any(line.startswith("stored") and "french.txt (fr, other)" in line for line in lines)
    assert any("columns of" in line and "text=body, title=headline, date=published" in line for line in lines)
    assert any("added" in line and "rows.csv#row1" in line for line in lines)
    assert any("rows.csv#row2: empty" in line for line in lines)
    assert "1 added, 1 stored but not analysed, 1 duplicate, 3 rejected" in lines[-1]
    counts = Store(db).counts()
    assert (counts["seed"], counts["cli"]) == (5, 2)


def test_import_twice_finds_only_duplicates(capsys, db, batch):
    run(capsys, "import", str(batch), "--db", str(db))
    code, out, _ = run(capsys, "import", str(batch), "--db", str(db))
    assert code == 0
    assert "0 added, 0 stored but not analysed, 3 duplicates, 3 rejected" in out.splitlines()[-1]


def test_import_column_mapping_can_be_given(capsys, db, tmp_path):
    f = tmp_path / "odd.csv"
    f.write_text('a,b\nTitle,"Turkish and American officials met in Ankara on Monday to discuss the F-35 programme."\n')
    code, out, _ = run(capsys, "import", str(f), "--db", str(db))
    assert code == 1 and "choose the text column" in out
    code, out, _ = run(capsys, "import", str(f), "--db", str(db), "--column", "text=b", "--column", "title=a")
    assert code == 0 and "(given): text=b, title=a" in out


def test_bad_column_option_is_refused(capsys, db, batch):
    with pytest.raises(SystemExit, match="FIELD=COLUMN"):
        cli.main(["import", str(batch), "--db", str(db), "--column", "body"])


def test_import_refuses_a_temporary_store(capsys, tmp_path, batch, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "import", str(batch), "--db", str(blocker / "db.sqlite"))
    assert code == 2
    assert "cannot be written" in err and "nothing imported" in err


def test_export_writes_every_table_with_formulas_neutralised(capsys, db, batch, tmp_path):
    from lib import schema

    run(capsys, "import", str(batch), "--db", str(db))
    out1, out2 = tmp_path / "e1", tmp_path / "e2"
    assert run(capsys, "export", "--db", str(db), "--out", str(out1))[0] == 0
    assert run(capsys, "export", "--db", str(db), "--out", str(out2), "--no-xlsx")[0] == 0
    for name in schema.TABLES:
        assert (out1 / f"{name}.csv").exists() and (out1 / f"{name}.xlsx").exists()
    csv_articles = pd.read_csv(out1 / "articles.csv", encoding="utf-8-sig")
    assert "'" + FORMULA_TITLE in set(csv_articles["title"])
    xlsx = pd.read_excel(out1 / "articles.xlsx")
    assert "'" + FORMULA_TITLE in set(xlsx["title"])
    ws = openpyxl.load_workbook(out1 / "articles.xlsx").active
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    p1 = json.loads((out1 / "provenance.json").read_text())
    p2 = json.loads((out2 / "provenance.json").read_text())
    assert p1["fingerprint"] == p2["fingerprint"] == Store(db).fingerprint()  # same corpus, same fingerprint
    assert sum(r["n_articles"] for r in p1["articles"]) == len(csv_articles)
    from PIL import Image

    with Image.open(out1 / "briefing.png") as im:
        assert im.size[0] >= 1000  # A4 portrait at 2×: 1190 px wide
    assert (out1 / "briefing.pdf").read_bytes().startswith(b"%PDF")


def test_analyze_still_works(capsys, tmp_path):
    code, out, _ = run(capsys, "analyze", str(SEEDS), "--out", str(tmp_path / "a"))
    assert code == 0
    assert "5 of 5 articles analysed" in out


def test_every_command_is_documented():
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert set(commands) == {"analyze", "import", "export"}
    for name in commands:
        assert f"python -m lib {name}" in cli.__doc__
        assert f"python -m lib {name}" in (ROOT / "docs" / "deploy.md").read_text()


def test_deploy_doc_covers_the_files_a_host_reads():
    doc = (ROOT / "docs" / "deploy.md").read_text()
    for package in (ROOT / "packages.txt").read_text().split():
        assert f"`{package}`" in doc
    for name in (
        "requirements.txt",
        "packages.txt",
        ".streamlit/config.toml",
        "app.py",
        "/_stcore/health",
        store.DB_ENV,
        store.CORPUS_DIR_ENV,
    ):
        assert name in doc
    from lib.text.items import LIMIT_ENV_VARS

    for var in LIMIT_ENV_VARS.values():
        assert var in doc


# --- a kill during an import ------------------------------------------------------------


def _articles(folder: Path, n: int) -> None:
    base = [p.read_text() for p in sorted(SEEDS.glob("*.txt"))]
    folder.mkdir()
    for i in range(n):
        extra = f"In a separate development numbered {i}, officials in Ankara said on Tuesday that the talks between the delegations would continue next week."
        (folder / f"a{i:03d}.txt").write_text(f"{base[i % len(base)]}\n\n{extra}\n")


def test_kill_during_import_loses_nothing_committed(tmp_path):
    # More than two batches (COMMIT_EVERY articles, or COMMIT_SECONDS): with 60, a fast machine
    # analysed them all within one batch, and the kill came after everything was committed.
    n = 2 * ingest.COMMIT_EVERY + 8
    folder = tmp_path / "many"
    _articles(folder, n)
    db = tmp_path / "kill.sqlite"
    env = {**os.environ, store.DB_ENV: str(db), store.CORPUS_DIR_ENV: str(SEEDS), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lib", "import", str(folder)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    added: list[str] = []
    deadline = time.monotonic() + 300
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("added "):
            added.append(line.split()[1])
        if len(added) >= 8 or time.monotonic() > deadline:
            break
    os.killpg(proc.pid, signal.SIGKILL)  # the import and its worker processes
    proc.wait(timeout=30)
    assert len(added) >= 8, "the import did not get going"

    s = Store(db)
    assert s.integrity_problems() == []  # every stored article has its analysis; no partial rows
    listing = s.listing()
    stored = set(listing.loc[listing["origin"] == "cli", "file"])
    assert set(added) <= stored  # every article reported as added survived
    assert len(stored) <= len(added) + ingest.COMMIT_EVERY  # at most one batch committed before its lines were printed
    assert len(stored) < n  # the kill did land mid-import

    # A restart finishes the job: stored articles are duplicates, the rest are added.
    done = subprocess.run(
        [sys.executable, "-m", "lib", "import", str(folder)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert f"{n - len(stored)} added" in done.stdout.splitlines()[-1]
    assert f"{len(stored)} duplicate" in done.stdout.splitlines()[-1]
    assert Store(db).counts()["cli"] == n
    assert Store(db).integrity_problems() == []


def test_import_speed_is_reported(capsys, db, tmp_path):
    folder = tmp_path / "speed"
    _articles(folder, 20)
    code, out, _ = run(capsys, "import", str(folder), "--db", str(db))
    assert code == 0
    assert "20 added" in out.splitlines()[-1]
    assert re.search(r"in \d+\.\d s, \d+\.\d/s\); store ", out.splitlines()[-1])


def test_import_prepares_the_dashboards_corpus_snapshot(capsys, db, batch, resources):
    """A dashboard started after an import reads the snapshot the import wrote, not the whole store."""
    from lib.corpus import snapshot
    from lib.corpus.tables import LiveCorpus

    code, out, err = run(capsys, "import", str(batch), "--db", str(db))
    assert code == 0 and "dashboard corpus prepared" in err
    assert "1 added" in out.splitlines()[-1]  # the summary stays the last line of the output
    live = LiveCorpus(Store(db), gazetteer_table=resources.gazetteer.table, taxonomy_table=resources.taxonomy.table)
    corpus = live.current()
    assert live.source == "snapshot" and live.has_snapshot()
    assert len(corpus.articles) == Store(db).counts()["total"]
    assert len(list(snapshot.snapshot_dir(db).glob("*/" + snapshot.MANIFEST))) == 1


def test_import_without_snapshot_leaves_the_store_to_the_dashboard(capsys, db, batch):
    from lib.corpus import snapshot

    code, _, err = run(capsys, "import", str(batch), "--db", str(db), "--no-snapshot")
    assert code == 0 and "dashboard corpus" not in err
    assert not snapshot.snapshot_dir(db).exists()
