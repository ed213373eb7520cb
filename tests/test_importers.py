"""Importers: every format in, items out; every bad input refused with its reason."""

from __future__ import annotations

import csv
import io
import json
import struct
import tomllib
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lib.text.importers import (
    LIMIT_ENV_VARS,
    MB,
    Limits,
    _ArchiveTooLarge,
    _read_capped,
    collect_import_paths,
    detect_mapping,
    html_to_text,
    import_file,
    import_files,
    import_path,
    normalise_language,
    strip_markdown,
)

ROOT = Path(__file__).resolve().parent.parent
EN = "Turkish President Erdogan met US President Biden in Rome on Sunday to discuss the S-400."
AR = "التقى الرئيس التركي أردوغان بالرئيس الأمريكي بايدن في روما يوم الأحد."


def zip_of(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def reasons(result) -> list[str | None]:
    return [i.error.reason if i.error else None for i in result.items]


# --- single files -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "text"),
    [
        ("a.txt", EN.encode(), EN),
        ("a.txt", AR.encode("cp1256"), AR),
        ("a.md", f"# Title\n\n{EN} See **[the talks](http://x)**.".encode(), f"Title\n\n{EN} See the talks."),
        ("A.HTML", f"<html><body><p>{EN}</p></body></html>".encode(), EN),
    ],
)
def test_text_formats_give_one_article(name, data, text):
    result = import_file(name, data)
    assert [i.text for i in result.items] == [text]
    assert result.items[0].file == name


@pytest.mark.parametrize(
    ("name", "data", "reason", "words"),
    [
        ("empty.txt", b"", "empty", "empty"),
        ("blank.md", b" \n\t\n", "empty", "empty"),
        ("img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", "binary"),
        ("latin.txt", bytes(range(128, 256)) * 4, "undecodable", "cannot be decoded"),
        ("doc.pdf", b"%PDF-1.4", "unsupported", "unsupported type"),
        ("noext", b"text", "unsupported", "no suffix"),
        ("a.tar.gz", b"\x1f\x8b", "unsupported", "archive format"),
        ("nav.html", b"<html><body><nav><a href=/>Home</a></nav><script>x()</script></body></html>", "empty", "no article text"),
        ("bad.json", b"{not json", "undecodable", "not valid JSON"),
        ("scalar.json", b"[1, 2]", "unsupported", "not an object"),
        ("nohead.csv", b"", "empty", "empty"),
    ],
)
def test_bad_files_are_refused_with_a_reason_naming_the_file(name, data, reason, words):
    result = import_file(name, data)
    assert reasons(result) == [reason]
    assert name in str(result.items[0].error)
    assert words in result.items[0].error.message


def test_upload_and_article_size_limits(tmp_path):
    lim = Limits(max_upload_bytes=1000, max_file_bytes=100, max_text_chars=50)
    assert reasons(import_file("big.csv", b"x" * 1001, limits=lim)) == ["too_large"]
    assert reasons(import_file("big.txt", b"x" * 101, limits=lim)) == ["too_large"]
    assert reasons(import_file("long.txt", b"word " * 12, limits=lim)) == ["too_large"]
    assert "60 characters" in import_file("long.txt", b"word " * 12, limits=lim).items[0].error.message


def test_oversize_file_on_disk_is_refused_without_reading_it(tmp_path):
    p = tmp_path / "huge.txt"
    with p.open("wb") as fh:  # a sparse 20 GB file: reading it would exhaust memory
        fh.truncate(20_000_000_000)
    tracemalloc.start()
    result = import_path(p)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert reasons(result) == ["too_large"]
    assert peak < 1 * MB


# --- HTML ---------------------------------------------------------------------------

PAGE = """<!doctype html><html lang="en-GB"><head><title>Wire | Biden and Erdogan</title>
<meta property="og:site_name" content="The Wire"><meta property="article:published_time" content="2021-10-31T08:00:00Z">
<link rel="canonical" href="https://example.com/a"><style>p{color:red}</style><script>var ads = 1;</script></head>
<body><header><a href="/">Home</a> <a href="/world">World</a></header>
<nav class="menu"><ul><li><a href="/a">Politics</a></li><li><a href="/b">Business</a></li></ul></nav>
<div class="share-buttons">Share on Facebook</div>
<article><h1>Biden and Erdogan meet</h1><p class="byline">By A. Writer</p>
<p>First paragraph about the <b>meeting</b> &amp; the S-400.</p><p>Second paragraph.<br>Its second line.</p>
<ul class="related-links"><li><a href="/x">Another story entirely</a></li></ul>
<p>Read <a href="/y">the full statement</a> on the ministry's site today.</p></article>
<aside>Most read: other things</aside><footer>© 2021 The Wire</footer></body></html>"""


def test_html_main_text_drops_navigation_and_furniture():
    text, meta = html_to_text(PAGE)
    assert text.split("\n\n") == [
        "Biden and Erdogan meet",
        "By A. Writer",
        "First paragraph about the meeting & the S-400.",
        "Second paragraph.",
        "Its second line.",
        "Read the full statement on the ministry's site today.",
    ]
    assert meta == {
        "title": "Biden and Erdogan meet",
        "date": "2021-10-31",
        "source": "The Wire",
        "url": "https://example.com/a",
        "language": "en",
    }
    for junk in ("Home", "Politics", "Share", "Another story", "Most read", "©", "ads"):
        assert junk not in text


def test_html_without_article_element_keeps_body_prose_and_drops_link_lists():
    html = "<body><div><a href=1>Home</a> | <a href=2>News</a></div><div><p>" + EN + "</p></div></body>"
    text, meta = html_to_text(html)
    assert text == EN
    assert meta == {}


def test_html_survives_unclosed_and_stray_tags():
    text, _ = html_to_text("<p>One<p>Two</span></div><p>Three <i>four")
    assert text.split("\n\n") == ["One", "Two", "Three four"]


def test_arabic_html_keeps_its_text_and_language():
    html = f'<html lang="ar" dir="rtl"><body><article><h1>أردوغان وبايدن</h1><p>{AR}</p></article></body></html>'
    (item,) = import_file("ar.html", html.encode()).items
    assert item.text == f"أردوغان وبايدن\n\n{AR}"
    assert item.metadata == {"title": "أردوغان وبايدن", "language": "ar"}


@pytest.mark.parametrize(
    ("md", "plain"),
    [
        ("## Heading ##", "Heading"),
        ("![alt](pic.png) after", " after"),
        ("> quoted line", "quoted line"),
        ("1. first\n2. second", "first\nsecond"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("***", ""),
    ],
)
def test_strip_markdown(md, plain):
    assert strip_markdown(md) == plain


# --- tables -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["Headline", "Body", "Published"], {"text": "Body", "title": "Headline", "date": "Published"}),
        (
            ["title", "content", "site", "link", "lang"],
            {"text": "content", "title": "title", "source": "site", "url": "link", "language": "lang"},
        ),
        (["Article Text", "Publisher", "publication_date"], {"text": "Article Text", "source": "Publisher", "date": "publication_date"}),
        (["text", "Text"], {"text": "text"}),
        (["id", "notes"], {}),
        (["النص", "العنوان", "التاريخ"], {"text": "النص", "title": "العنوان", "date": "التاريخ"}),
    ],
)
def test_detect_mapping(columns, expected):
    got = detect_mapping(columns)
    assert {k: v for k, v in got.items() if v} == expected


def test_csv_rows_become_articles_and_the_mapping_is_reported():
    data = (
        f'Headline;Body;Published;Lang\n"Talks";"{EN}";"Oct 31, 2021";English\n"Empty";"";2021-01-01;en\n"AR";"{AR}";bad date;ar\n'.encode()
    )
    result = import_file("batch.csv", data)
    assert [i.file for i in result.items] == ["batch.csv#row1", "batch.csv#row2", "batch.csv#row3"]
    assert reasons(result) == [None, "empty", None]
    assert result.items[0].metadata == {"title": "Talks", "date": "2021-10-31", "language": "en"}
    assert result.items[2].metadata == {"title": "AR", "language": "ar"}  # unreadable date dropped, never guessed
    (table,) = result.tables
    assert table.columns == ("Headline", "Body", "Published", "Lang")
    assert table.mapping["text"] == "Body" and table.auto and table.n_rows == 3


def test_csv_mapping_can_be_overridden_by_the_user():
    data = b"a,b\nMy title,Some text about Turkey and Russia.\n"
    refused = import_file("t.csv", data)
    assert reasons(refused) == ["unsupported"]
    assert "choose the text column" in refused.items[0].error.message
    assert refused.tables[0].columns == ("a", "b")
    fixed = import_file("t.csv", data, mappings={"t.csv": {"text": "b", "title": "a"}})
    assert [i.text for i in fixed.items] == ["Some text about Turkey and Russia."]
    assert fixed.items[0].metadata == {"title": "My title"}
    assert not fixed.tables[0].auto


def test_a_mapping_naming_a_missing_column_is_refused():
    result = import_file("t.csv", b"text\nx\n", mappings={"t.csv": {"text": "body"}})
    assert reasons(result) == ["unsupported"]
    assert "not in the file" in result.items[0].error.message


def test_long_csv_cells_are_read_and_limited_per_article():
    long_text = "Turkey " * 40_000  # 280 k characters: over csv's default field limit
    buf = io.StringIO()
    csv.writer(buf).writerows([["text"], [long_text], [EN]])
    result = import_file("long.csv", buf.getvalue().encode(), limits=Limits(max_text_chars=100_000))
    assert reasons(result) == ["too_large", None]


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [("a,b\n1,2", ","), ("a;b;c\n1,5;2;3", ";"), ("a\tb\n", "\t"), ("a|b", "|"), ("text\nx,y", ","), ("", ",")],
)
def test_csv_delimiter_is_read_from_the_header(text, delimiter):
    from lib.text.importers import csv_delimiter

    assert csv_delimiter(text) == delimiter


def test_too_many_rows_is_refused():
    result = import_file("many.jsonl", b"\n".join(b'{"text": "x"}' for _ in range(11)), limits=Limits(max_rows=10))
    assert reasons(result) == ["too_large"]


@pytest.mark.parametrize(
    ("name", "doc"),
    [
        ("list.json", json.dumps([{"body": EN, "headline": "T"}, {"body": AR}])),
        ("wrapped.json", json.dumps({"articles": [{"body": EN, "headline": "T"}, {"body": AR}], "count": 2})),
        ("lines.jsonl", "\n".join(json.dumps(r) for r in [{"body": EN, "headline": "T"}, {"body": AR}]) + "\n\n"),
    ],
)
def test_json_shapes(name, doc):
    result = import_file(name, doc.encode())
    assert [i.text for i in result.items] == [EN, AR]
    assert result.items[0].metadata == {"title": "T"}


def test_json_nested_value_in_text_column_is_refused_for_that_row_only():
    result = import_file("x.json", json.dumps([{"text": {"a": 1}}, {"text": EN}, {"text": 42}]).encode())
    assert reasons(result) == ["unsupported", None, None]
    assert result.items[2].text == "42"


@pytest.mark.parametrize(("value", "code"), [("English", "en"), ("en-US", "en"), ("AR", "ar"), ("العربية", "ar"), ("", None), ("??", None)])
def test_normalise_language(value, code):
    assert normalise_language(value) == code


_cell = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=40)


@settings(max_examples=60, deadline=None)
@example(rows=[("0", '"')], fmt="csv")  # csv.Sniffer once guessed the quoting wrong here
@given(
    rows=st.lists(st.tuples(_cell.filter(lambda t: t.strip()), _cell), min_size=1, max_size=8),
    fmt=st.sampled_from(["csv", "jsonl", "json"]),
)
def test_table_round_trip(rows, fmt):
    """Rows written by a standard writer come back as the same texts and titles."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["text", "title"])
        w.writerows(rows)
        data = buf.getvalue().encode()
    elif fmt == "jsonl":
        data = "\n".join(json.dumps({"text": t, "title": h}, ensure_ascii=False) for t, h in rows).encode()
    else:
        data = json.dumps([{"text": t, "title": h} for t, h in rows]).encode()
    result = import_file(f"rt.{fmt}", data)
    assert [i.text for i in result.items] == [t for t, _ in rows]
    assert [i.metadata.get("title") for i in result.items] == [h.strip() or None for _, h in rows]


# --- archives -----------------------------------------------------------------------


def test_zip_members_each_get_their_own_outcome():
    data = zip_of(
        {
            "a.txt": EN.encode(),
            "sub/b.md": AR.encode(),
            "rows.csv": f"text,title\n{EN} Again.,T\n".encode(),
            "empty.txt": b"",
            "inner.zip": zip_of({"x.txt": b"x"}),
            "pic.png": b"\x89PNG",
            "__MACOSX/._a.txt": b"\x00\x05",
            "folder/": b"",
        }
    )
    result = import_file("batch.zip", data)
    got = {i.file: (i.error.reason if i.error else "ok") for i in result.items}
    assert got == {
        "batch.zip/a.txt": "ok",
        "batch.zip/sub/b.md": "ok",
        "batch.zip/rows.csv#row1": "ok",
        "batch.zip/empty.txt": "empty",
        "batch.zip/inner.zip": "unsupported",
        "batch.zip/pic.png": "unsupported",
    }
    assert "nested" in next(i for i in result.items if i.file.endswith("inner.zip")).error.message
    assert [t.file for t in result.tables] == ["batch.zip/rows.csv"]


def test_zip_mapping_override_is_keyed_by_the_member_path():
    data = zip_of({"rows.csv": b"a,b\nT,Body text here.\n"})
    result = import_file("z.zip", data, mappings={"z.zip/rows.csv": {"text": "b"}})
    assert [i.text for i in result.items] == ["Body text here."]


def test_zip_with_too_many_files_is_refused_before_reading():
    data = zip_of({f"{i}.txt": b"x" for i in range(6)})
    result = import_file("many.zip", data, limits=Limits(max_archive_files=5))
    assert reasons(result) == ["too_large"]
    assert "6 files" in result.items[0].error.message


def _bomb(size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf, zf.open("bomb.txt", "w") as fh:
        chunk = b"0" * MB
        for _ in range(size // MB):
            fh.write(chunk)
    return buf.getvalue()


def test_zip_bomb_is_refused_without_exhausting_memory():
    data = _bomb(300 * MB)  # 300 MB of zeros in ~300 kB
    assert len(data) < 1 * MB
    tracemalloc.start()
    result = import_file("bomb.zip", data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert reasons(result) == ["too_large"]
    assert "unpack to 300,000,000 bytes" in result.items[0].error.message
    assert peak < 5 * MB


def _lie_about_size(data: bytes, declared: int) -> bytes:
    """Rewrite the uncompressed size in the local and central headers."""
    b = bytearray(data)
    b[22:26] = struct.pack("<I", declared)  # local file header
    cd = b.rfind(b"PK\x01\x02")
    b[cd + 24 : cd + 28] = struct.pack("<I", declared)  # central directory
    return bytes(b)


def test_zip_whose_headers_lie_about_size_is_refused_without_exhausting_memory():
    data = _lie_about_size(_bomb(50 * MB), declared=1_000)
    tracemalloc.start()
    result = import_file("liar.zip", data, limits=Limits(max_unpacked_bytes=10 * MB))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert reasons(result) in (["too_large"], ["unsupported"])  # refused either way
    assert peak < 5 * MB


def test_running_total_stops_reading_at_the_budget():
    data = _bomb(20 * MB)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        tracemalloc.start()
        with pytest.raises(_ArchiveTooLarge):
            _read_capped(zf, zf.infolist()[0], member_cap=100 * MB, budget=2 * MB)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 5 * MB


def test_member_over_its_own_limit_is_refused_and_the_rest_read():
    data = zip_of({"big.txt": b"a " * 600, "ok.txt": EN.encode()})
    result = import_file("z.zip", data, limits=Limits(max_file_bytes=1000))
    assert reasons(result) == ["too_large", None]


def test_corrupt_zip_is_refused():
    assert reasons(import_file("broken.zip", b"PK\x03\x04 not really")) == ["unsupported"]


def test_import_files_keeps_going_after_a_bad_file():
    result = import_files([("a.txt", EN.encode()), ("b.exe", b"MZ"), ("c.txt", AR.encode())])
    assert reasons(result) == [None, "unsupported", None]


def test_collect_import_paths(tmp_path):
    (tmp_path / "d" / "__MACOSX").mkdir(parents=True)
    for name in ("a.txt", "b.csv", "c.zip", "d.png", "__MACOSX/._a.txt"):
        (tmp_path / "d" / name).write_bytes(b"x")
    named = tmp_path / "e.pdf"
    named.write_bytes(b"x")
    assert [p.name for p in collect_import_paths([tmp_path / "d", named])] == ["a.txt", "b.csv", "c.zip", "e.pdf"]


# --- limits -------------------------------------------------------------------------


def test_limits_from_environment():
    lim = Limits.from_env({"COVERAGE_MAX_ARCHIVE_FILES": "10", "COVERAGE_MAX_TEXT_CHARS": "1_000"})
    assert (lim.max_archive_files, lim.max_text_chars) == (10, 1000)
    with pytest.raises(ValueError, match="COVERAGE_MAX_ROWS"):
        Limits.from_env({"COVERAGE_MAX_ROWS": "lots"})
    with pytest.raises(ValueError, match="positive"):
        Limits.from_env({"COVERAGE_MAX_ROWS": "0"})
    assert set(LIMIT_ENV_VARS) == set(Limits.__dataclass_fields__)


def test_upload_limit_agrees_with_streamlit_config():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * MB == Limits().max_upload_bytes
