"""The command line prints names as text and turns configuration mistakes into messages."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from lib import cli
from lib.corpus import store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EN = "Turkish President Erdogan met US President Biden in Rome on Sunday to discuss the S-400 and the F-35 programme."
#: Names that would forge an outcome line, hide their real type or take over the terminal.
LIARS = ["a.txt\nadded     forged.txt", "invoice_\u202ecod.txt", "\x1b[2J\x1b[31mred.txt", "zero\u200bwidth.txt"]
RAW = ("\x1b", "\u202e", "\u200b")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_plain(text: str) -> None:
    assert not any(ch in text for ch in RAW), text
    assert not [line for line in text.splitlines() if line.startswith("added     forged")]  # no forged line


def test_analyze_prints_lying_file_names_escaped(capsys, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i, name in enumerate(LIARS):
        (folder / name).write_text(f"{EN} Item {i}.")
    code, out, err = run(capsys, "analyze", str(folder), "--out", str(tmp_path / "out"), "--no-spacy")
    assert code == 0, err
    assert_plain(out)
    lines = out.splitlines()
    assert len(lines) == len(LIARS) + 1  # one line per file and the summary: no forged line
    assert any("a.txt\\nadded     forged.txt" in line for line in lines)
    assert any("invoice_\\u202ecod.txt" in line for line in lines)
    assert any("\\x1b[2J\\x1b[31mred.txt" in line for line in lines)


def test_import_prints_lying_member_names_escaped(capsys, tmp_path, monkeypatch, resources):
    monkeypatch.setenv(store.CORPUS_DIR_ENV, str(SEEDS))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i, name in enumerate(LIARS):
            zf.writestr(name, f"{EN} Member {i}.")
    archive = tmp_path / "batch.zip"
    archive.write_bytes(buf.getvalue())
    code, out, _ = run(capsys, "import", str(archive), "--db", str(tmp_path / "s.sqlite"))
    assert code == 0
    assert_plain(out)
    outcome_lines = [line for line in out.splitlines() if "batch.zip/" in line]
    assert len(outcome_lines) == len(LIARS)
    assert any("batch.zip/invoice_\\u202ecod.txt" in line for line in outcome_lines)


@pytest.mark.parametrize("command", ["analyze", "export"])
def test_out_naming_an_existing_file_is_a_message_not_a_traceback(capsys, tmp_path, command):
    target = tmp_path / "report.csv"
    target.write_text("mine")
    argv = [command, str(SEEDS), "--out", str(target)] if command == "analyze" else [command, "--out", str(target)]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert f"--out {target} is a file, not a folder" in err
    assert target.read_text() == "mine"


def test_out_folder_of_other_files_is_refused_and_kept(capsys, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "thesis.docx").write_text("mine")
    code, _, err = run(capsys, "analyze", str(SEEDS), "--out", str(folder), "--no-spacy")
    assert code == 2 and "thesis.docx" in err
    assert [p.name for p in folder.iterdir()] == ["thesis.docx"]


def test_a_malformed_limit_variable_is_a_message_naming_it(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("COVERAGE_MAX_ROWS", "20k")
    code, out, err = run(capsys, "import", str(SEEDS), "--db", str(tmp_path / "s.sqlite"))
    assert code == 2
    assert "COVERAGE_MAX_ROWS='20k' is not a whole number" in err
    assert "Traceback" not in err + out
