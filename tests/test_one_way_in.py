"""One way in: analyze, import and the Corpus page read every format through the same code,
and the same article in another format is one article."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from lib.corpus.ingest import import_files
from lib.corpus.runner import SerialRunner
from lib.corpus.store import Store
from lib.corpus.tables import analyze_paths

TITLE = "Erdogan and Biden discuss the F-35"
BODY = [
    "Turkish President Recep Tayyip Erdogan spoke with US President Joe Biden on Monday about the F-35 programme.",
    "The two leaders said that they would meet again in the autumn, and that their ministers were working on it.",
]


def formats() -> dict[str, bytes]:
    txt = f"{TITLE}\n\n" + "\n\n".join(BODY) + "\n"
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["title", "text"])
    w.writerow([TITLE, "\n\n".join(BODY)])
    html = (
        f"<html><head><title>{TITLE}</title></head><body><nav>Home | World</nav><h1>{TITLE}</h1>"
        + "".join(f"<p>{p}</p>" for p in BODY)
        + "</body></html>"
    )
    md = f"# {TITLE}\n\n" + "\n\n".join(f"**{p}**" if i == 0 else p for i, p in enumerate(BODY)) + "\n"
    return {
        "a.txt": txt.encode(),
        "b.csv": buf.getvalue().encode(),
        "c.json": json.dumps([{"title": TITLE, "text": "\n\n".join(BODY)}]).encode(),
        "d.html": html.encode(),
        "e.md": md.encode(),
    }


def test_the_same_article_in_five_formats_is_stored_once(tmp_path):
    s = Store(tmp_path / "s.sqlite")
    outs = import_files(s, list(formats().items()), origin="upload", runner=SerialRunner())
    assert [o.outcome for o in outs] == ["added", "duplicate", "duplicate", "duplicate", "duplicate"], [o.message for o in outs]
    assert all("a.txt" in o.message for o in outs[1:])
    assert s.counts()["total"] == 1


def test_analyze_reads_html_and_markdown_as_import_does(tmp_path, resources):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in formats().items():
        if name in ("d.html", "e.md"):
            (folder / name).write_bytes(data)
    corpus = analyze_paths([folder], resources=resources)
    texts = list(corpus.articles["text"])
    assert len(texts) == 1 and isinstance(texts[0], str)  # one article, read the same way from both files
    for t in texts:
        assert "<p>" not in t and "**" not in t and "Home | World" not in t
        assert BODY[0] in t


def test_cli_analyze_and_import_take_the_same_reader():
    import lib.cli as cli
    import lib.corpus.tables as tables

    src = Path(cli.__file__).read_text() + Path(tables.__file__).read_text()
    assert "read_document" not in src and "collect_paths(" not in src
