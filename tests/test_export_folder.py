"""Export folders are written whole or not at all: never an older export mixed with a newer one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from lib.output.exports import PROVENANCE_FILE, ExportError, check_out_folder, write_folder

ROOT = Path(__file__).resolve().parent.parent
OURS = {"articles.csv", "sentences.csv", "old_table.csv", "briefing.png", PROVENANCE_FILE}


def ours(name: str) -> bool:
    return name in OURS


def files(tag: str) -> list:
    return [
        ("articles.csv", lambda: f"articles {tag}".encode()),
        ("sentences.csv", lambda: f"sentences {tag}".encode()),
        (PROVENANCE_FILE, lambda: f'{{"run": "{tag}"}}'.encode()),
    ]


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_a_new_folder_is_created_with_every_file(tmp_path):
    out = tmp_path / "sub" / "export"
    written = write_folder(out, files("new"), replaceable=ours)
    assert [p.name for p in written] == ["articles.csv", "sentences.csv", PROVENANCE_FILE]
    assert listing(out) == {"articles.csv": b"articles new", "sentences.csv": b"sentences new", PROVENANCE_FILE: b'{"run": "new"}'}
    assert leftovers(out.parent) == []


def test_an_earlier_export_is_replaced_whole(tmp_path):
    out = tmp_path / "export"
    out.mkdir()
    (out / "articles.csv").write_bytes(b"articles old")
    (out / "old_table.csv").write_bytes(b"a table this export no longer writes")
    (out / PROVENANCE_FILE).write_bytes(b'{"run": "old"}')
    write_folder(out, files("new"), replaceable=ours)
    assert set(listing(out)) == {"articles.csv", "sentences.csv", PROVENANCE_FILE}  # no old file beside the new ones
    assert listing(out)[PROVENANCE_FILE] == b'{"run": "new"}'
    assert leftovers(tmp_path) == []


def test_a_failure_midway_leaves_the_earlier_export_untouched(tmp_path):
    out = tmp_path / "export"
    write_folder(out, files("old"), replaceable=ours)
    before = listing(out)

    def broken() -> bytes:
        raise ExportError("the briefing cannot be drawn")

    with pytest.raises(ExportError, match="briefing"):
        write_folder(out, [*files("new")[:1], ("briefing.png", broken), *files("new")[2:]], replaceable=ours)
    assert listing(out) == before
    assert leftovers(tmp_path) == []


def test_provenance_must_come_last(tmp_path):
    with pytest.raises(ValueError, match="last"):
        write_folder(tmp_path / "x", [files("a")[2], files("a")[0]], replaceable=ours)
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("kind", ["file", "others", "symlink"])
def test_an_out_that_is_not_an_export_folder_is_refused_and_left_alone(tmp_path, kind):
    out = tmp_path / "out"
    if kind == "file":
        out.write_text("my notes")
        words = "is a file"
    elif kind == "others":
        out.mkdir()
        (out / "notes.txt").write_text("mine")
        (out / "articles.csv").write_text("old")
        words = "holds files that this export does not write (notes.txt)"
    else:
        (tmp_path / "elsewhere").mkdir()
        out.symlink_to(tmp_path / "elsewhere")
        words = "is a symbolic link"
    with pytest.raises(ExportError, match=words.replace("(", r"\(").replace(")", r"\)")):
        check_out_folder(out, replaceable=ours)
    with pytest.raises(ExportError):
        write_folder(out, files("new"), replaceable=ours)
    if kind == "others":
        assert listing(out) == {"notes.txt": b"mine", "articles.csv": b"old"}
    elif kind == "file":
        assert out.read_text() == "my notes"


KILLED_EXPORT = """
import sys, time
from pathlib import Path
from lib.output.exports import write_folder
def slow():
    print("writing", flush=True)
    time.sleep(60)
    return b"never"
write_folder(Path(sys.argv[1]), [("articles.csv", lambda: b"articles new"), ("sentences.csv", slow)], replaceable=lambda n: True)
"""


def test_a_killed_export_leaves_the_earlier_one_and_its_debris_is_removed_next_time(tmp_path):
    out = tmp_path / "export"
    write_folder(out, files("old"), replaceable=ours)
    before = listing(out)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_EXPORT, str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert listing(out) == before  # the earlier export, complete and unmixed
    debris = leftovers(tmp_path)
    assert len(debris) == 1 and debris[0].startswith(".export.incomplete-")
    write_folder(out, files("new"), replaceable=ours)
    assert leftovers(tmp_path) == []
    assert listing(out)[PROVENANCE_FILE] == b'{"run": "new"}'


def test_a_running_exports_folder_is_not_removed(tmp_path):
    live = tmp_path / f".export.incomplete-{os.getpid()}-00ff00ff"
    live.mkdir()
    write_folder(tmp_path / "export", files("new"), replaceable=ours)
    assert live.exists()
