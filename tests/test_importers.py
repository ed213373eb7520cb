"""Importers: every format in, items out; every bad input refused with its reason."""

from __future__ import annotations

import csv
import io
import json
import os
import struct
import tomllib
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lib.errors import ConfigError
from lib.text.html_text import html_to_text
from lib.text.importers import (
    _ArchiveTooLarge,
    _read_capped,
    collect_import_paths,
    import_file,
    import_files,
    import_path,
)
from lib.text.items import LIMIT_ENV_VARS, MB, Limits
from lib.text.markdown import strip_markdown
from lib.text.tables import detect_mapping, normalise_language

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
        ("scalar.json", b"[1]", "unsupported", "not an object"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "undecodable", "nested too deeply"),
        ("deep2.json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "undecodable", "nested too deeply"),
        ("bignum.json", b'[{"text": "x", "n": ' + b"9" * 5_000 + b"}]", "undecodable", "cannot be read"),
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
    assert reasons(result) == [None, "empty", "invalid_field"]
    assert result.items[0].metadata == {"title": "Talks", "date": "2021-10-31", "language": "en"}
    # an unreadable date is neither dropped silently nor guessed: the row is refused, naming its line
    assert result.items[2].error.message.startswith("line 4: 'bad date' is not a date")
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
    from lib.text.tables import csv_delimiter

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
    with pytest.raises(ConfigError, match="COVERAGE_MAX_ROWS"):
        Limits.from_env({"COVERAGE_MAX_ROWS": "lots"})
    with pytest.raises(ConfigError, match="COVERAGE_MAX_ROWS='20k' is not a whole number"):
        Limits.from_env({"COVERAGE_MAX_ROWS": "20k"})
    with pytest.raises(ConfigError, match="positive"):
        Limits.from_env({"COVERAGE_MAX_ROWS": "0"})
    assert set(LIMIT_ENV_VARS) == set(Limits.__dataclass_fields__)


def test_upload_limit_agrees_with_streamlit_config():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * MB == Limits().max_upload_bytes


# --- hostile tables: one bad row is one refused row, named by its line -------------------------


def test_one_broken_jsonl_line_refuses_only_that_line_and_names_it():
    lines = [json.dumps({"title": f"T{i}", "text": f"{EN} Item {i}."}) for i in range(1, 101)]
    lines[57] = '{"title": "T58", "text": "unterminated'
    data = ("\n".join(lines) + "\n").encode()
    result = import_file("feed.jsonl", data)
    assert len(result.items) == 100
    bad = [i for i in result.items if not i.ok]
    assert [i.file for i in bad] == ["feed.jsonl#line58"]
    assert bad[0].error.reason == "undecodable"
    assert bad[0].error.message.startswith("line 58: the line is not valid JSON")
    assert result.items[58].ok and result.items[58].file == "feed.jsonl#line59"


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
        ('{"text": "x", "n": ' + "9" * 5_000 + "}", "a number of 5,000 digits"),
        ('"just a string"', "not an object"),
        ("[1, 2]", "not an object"),
    ],
)
def test_a_hostile_jsonl_line_is_refused_alone(line, words):
    data = "\n".join([json.dumps({"text": EN}), line, "", json.dumps({"text": AR})]).encode()
    result = import_file("x.jsonl", data)
    assert [i.file for i in result.items] == ["x.jsonl#line1", "x.jsonl#line2", "x.jsonl#line4"]
    assert [i.ok for i in result.items] == [True, False, True]
    assert result.items[1].error.message.startswith("line 2: ")
    assert words in result.items[1].error.message


@pytest.mark.parametrize(
    "rows",
    [
        # a quote opened and never closed, later rows quoted: the quote would close on a later row
        ['1,"Unclosed quote starts the text of row one', f'2,"{EN}"', f'3,"{AR}"'],
        # a quote never closed and no other quote after it: it would run to the end of the file
        ['1,"Unclosed quote starts the text of row one', f"2,{EN}", f"3,{AR}"],
        # text after a closing quote
        ['1,"Quoted" and then more text', f"2,{EN}", f"3,{AR}"],
    ],
)
def test_a_csv_row_with_a_broken_quote_swallows_nothing(rows):
    data = ("id,text\n" + "\n".join(rows) + "\n").encode()
    result = import_file("q.csv", data)
    assert [i.file for i in result.items] == ["q.csv#row1", "q.csv#row2", "q.csv#row3"]
    assert [i.ok for i in result.items] == [False, True, True]
    assert result.items[0].error.message.startswith("line 2: this row is not valid CSV")
    assert [i.text for i in result.items[1:]] == [EN, AR]


def test_csv_cells_over_several_lines_still_read_and_lines_are_counted():
    data = f'id,text\n1,"{EN}\n\nSecond paragraph."\n2,"He said ""yes""."\n3,{AR}\n4,"broken"x\n'.encode()
    result = import_file("m.csv", data)
    assert [i.ok for i in result.items] == [True, True, True, False]
    assert result.items[0].text == f"{EN}\n\nSecond paragraph."
    assert result.items[1].text == 'He said "yes".'
    assert result.items[3].error.message.startswith("line 7: ")


def test_a_csv_row_with_more_cells_than_columns_is_refused_not_misread():
    data = f"title,text\nT1,{EN}\nT2,Ankara, Moscow and Washington met,extra\n".encode()
    result = import_file("c.csv", data)
    assert [i.ok for i in result.items] == [True, False]
    assert result.items[1].error.message.startswith("line 3: this row has 4 cells but the header names 2 columns")


def test_a_table_of_too_many_columns_is_refused():
    header = ",".join(f"c{i}" for i in range(1000))
    result = import_file("wide.csv", f"{header}\n{'x,' * 999}x\n".encode())
    assert reasons(result) == ["unsupported"] and "1,000 columns" in result.items[0].error.message


# --- bounded uploads ----------------------------------------------------------------------------


def _table(n: int, tag: str) -> bytes:
    return ("text\n" + "".join(f"{EN} {tag} {i}.\n" for i in range(n))).encode()


def test_the_rows_of_one_upload_are_bounded_in_total_not_only_per_table():
    lim = Limits(max_rows=10, max_articles=15)
    tables = {f"t{k}.csv": _table(9, f"t{k}") for k in range(4)}
    for result in (import_files(list(tables.items()), limits=lim), import_file("four.zip", zip_of(tables), limits=lim)):
        ok = [i for i in result.items if i.ok]
        assert len(ok) == 9  # the first table; each later one would pass 15
        refused = [i for i in result.items if not i.ok]
        assert len(refused) == 3 and all(i.error.reason == "too_large" for i in refused)
        assert "the limit per upload" in refused[0].error.message and "9 before it" in refused[0].error.message


def test_text_files_count_toward_the_upload_total():
    lim = Limits(max_articles=2)
    files = [(f"a{i}.txt", f"{EN} {i}".encode()) for i in range(3)]
    assert reasons(import_files(files, limits=lim)) == [None, None, "too_large"]


def test_a_table_far_over_the_limit_is_not_read_to_its_end():
    lim = Limits(max_rows=100)
    result = import_file("huge.jsonl", b"\n".join([json.dumps({"text": EN}).encode()] * 10_000), limits=lim)
    assert reasons(result) == ["too_large"]
    assert "more than 100 rows" in result.items[0].error.message


# --- every field bounded; dates checked --------------------------------------------------------


def test_a_huge_title_is_refused_like_a_huge_text():
    title = "Short sentence. " * 70_000  # ~1 MB of short sentences
    data = ("title,text\n" + f'"{title}","{EN}"\n').encode()
    result = import_file("t.csv", data)
    assert reasons(result) == ["too_large"]
    assert "line 2: the title is 1,119,999 characters long" in result.items[0].error.message
    html = f"<html><head><title>{'x' * 5_000}</title></head><body><p>{EN}</p></body></html>".encode()
    assert reasons(import_file("t.html", html)) == ["too_large"]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2021-02-30", "does not exist"),
        ("yesterday", "is not a date"),
        ("0000-00-00", "does not exist"),
        ("1900-01-01", "before 29 October 1923"),
        ("9999-12-31", "in the future"),
        ("03/04/2021", "ambiguous"),
    ],
)
def test_an_impossible_date_is_reported_not_dropped_or_kept(value, words):
    result = import_file("d.csv", f"text,date\n{EN},{value}\n".encode())
    assert reasons(result) == ["invalid_field"]
    assert result.items[0].error.message.startswith("line 2: ") and words in result.items[0].error.message
    page = f'<html><head><meta property="article:published_time" content="{value}"></head><body><p>{EN}</p></body></html>'
    assert reasons(import_file("d.html", page.encode())) == ["invalid_field"]


@pytest.mark.parametrize(
    ("value", "iso"), [("2021-10-31", "2021-10-31"), ("Oct. 31, 2021", "2021-10-31"), ("2021-10-31T08:00:00Z", "2021-10-31")]
)
def test_real_dates_are_kept(value, iso):
    result = import_file("d.csv", f'text,date\n{EN},"{value}"\n'.encode())
    assert reasons(result) == [None] and result.items[0].metadata["date"] == iso


# --- only ordinary files ------------------------------------------------------------------------


def test_a_symlink_in_a_zip_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        link = zipfile.ZipInfo("passwd.txt")
        link.create_system = 3
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("ok.txt", EN)
    result = import_file("l.zip", buf.getvalue())
    assert [(i.file, i.ok) for i in result.items] == [("l.zip/passwd.txt", False), ("l.zip/ok.txt", True)]
    assert "symbolic link" in result.items[0].error.message


def test_devices_pipes_and_folders_are_not_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    (tmp_path / "dir.txt").mkdir()
    for path, words in (("/dev/zero", "not an ordinary file"), (fifo, "not an ordinary file"), (tmp_path / "dir.txt", "is a folder")):
        result = import_path(path)
        assert reasons(result) == ["unsupported"], path
        assert words in result.items[0].error.message


# --- reading markup is linear ---------------------------------------------------------------------


def test_html_drops_a_tag_cut_off_by_the_end_and_keeps_text_before_it():
    text, _ = html_to_text(f"<p>{EN}</p><p>AT&T and Turkey</p><a href='x")
    assert text == f"{EN}\n\nAT&T and Turkey"
    assert html_to_text("<p>AT&T")[0] == "AT&T"  # text held back for an unfinished reference is kept
    assert html_to_text(f"<p>{EN}<!-- never closed <p>hidden")[0] == EN


@pytest.mark.parametrize(
    "markup",
    ["<a " * 66_000, "<!--" * 50_000, "<span>" * 20_000 + "</x>" * 20_000, "<p title='" * 20_000, "<div>" * 40_000],
)
def test_html_of_200_kb_of_unmatched_tags_is_read(markup):
    text, _ = html_to_text(f"<p>{EN}</p>" + markup)  # quadratic readers took minutes on these
    assert text.startswith(EN)


@pytest.mark.parametrize("markup", ["[a](" * 50_000, "![a" * 66_000, "*a " * 66_000, "`a " * 66_000, " _a" * 66_000, "[" * 200_000])
def test_markdown_of_200_kb_of_unmatched_marks_is_read(markup):
    assert strip_markdown(markup + "\n" + EN).endswith(EN)


@pytest.mark.parametrize(
    ("md", "plain"),
    [
        ("**bold** and *it* and _em_ and __strong__ and `code`", "bold and it and em and strong and code"),
        ("snake_case_name and 2*3*4", "snake_case_name and 2*3*4"),
        ("# Heading ##\n## Second", "Heading\nSecond"),
        ("# C# and F#", "C# and F#"),
        ("See [the talks](http://x) ![img](y.png).", "See the talks ."),
        ("> quoted\n- item\n1. first", "quoted\nitem\nfirst"),
    ],
)
def test_markdown_marks_are_dropped(md, plain):
    assert strip_markdown(md) == plain


def test_several_reading_processes_give_the_same_results_in_order(tmp_path, monkeypatch):
    from lib.text import importers as imp

    paths = []
    for i in range(12):
        p = tmp_path / f"{i:02d}.{'md' if i % 3 else 'txt'}"
        p.write_text(f"# Title {i}\n\nTurkey and Russia met on day {i}. " * 3, encoding="utf-8")
        paths.append(p)
    (tmp_path / "bad.bin").write_bytes(b"\x00\x01" * 50)
    paths.insert(5, tmp_path / "bad.bin")
    serial = list(imp.import_paths(paths, workers=1))
    monkeypatch.setattr(imp, "MIN_FILES_FOR_READERS", 2)
    monkeypatch.setattr(imp, "READ_CHUNK", 3)
    parallel = list(imp.import_paths(paths, workers=2))

    def seen(results):
        return [[(it.file, it.text, it.metadata, it.error and (it.error.reason, it.error.message)) for it in r.items] for r in results]

    assert seen(parallel) == seen(serial)
    assert [it.file for r in parallel for it in r.items] == [str(p) for p in paths]  # one result per file, in order
    assert not parallel[5].items[0].ok  # the bad file is reported in its place
