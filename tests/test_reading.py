import codecs
import os
from pathlib import Path

import pytest

from lib.errors import BinaryFileError, DecodeError, EmptyArticleError, TooLargeError
from lib.text.reading import article_id_for, collect_paths, decode_bytes, read_document

ARABIC = "توترت العلاقات التركية الأمريكية بسبب قضايا عديدة."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"Turkey and Russia.", "utf-8"),
        (codecs.BOM_UTF8 + b"Turkey and Russia.", "utf-8-sig"),
        ("Turkey and Russia.".encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + "Turkey".encode("utf-16-be"), "utf-16"),
        (ARABIC.encode("cp1256"), "cp1256"),
        (ARABIC.encode("utf-8"), "utf-8"),
    ],
)
def test_decodes_supported_encodings(data, encoding):
    text, found = decode_bytes(data, file="a.txt")
    assert found == encoding
    assert "Turkey" in text or "تركي" in text.replace("ة", "ة")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyArticleError),
        (b"  \n\t ", EmptyArticleError),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", BinaryFileError),
        (bytes(range(128, 256)) * 4, DecodeError),
        (b"\xff\xfe" + b"\x00\xd8", DecodeError),  # UTF-16 BOM, lone surrogate
    ],
)
def test_bad_bytes_raise_an_error_naming_the_file(data, error):
    with pytest.raises(error) as info:
        decode_bytes(data, file="bad/file.txt")
    assert "bad/file.txt" in str(info.value)


def test_too_large_file_is_refused_before_reading(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes(b"a" * 101)
    with pytest.raises(TooLargeError, match=r"big\.txt"):
        read_document(p, max_bytes=100)


def test_article_id_is_stable_and_ignores_line_endings():
    assert article_id_for("A\nB\n") == article_id_for("A\r\nB")
    assert article_id_for("A") != article_id_for("B")
    assert len(article_id_for("A")) == 16


def test_collect_paths_expands_folders_and_keeps_named_files(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("x")
    (tmp_path / "d" / "b.md").write_text("x")
    (tmp_path / "d" / "c.png").write_bytes(b"x")
    named = tmp_path / "named.bin"
    named.write_bytes(b"x")
    got = [p.name for p in collect_paths([tmp_path / "d", named])]
    assert got == ["a.txt", "b.md", "named.bin"]


@pytest.mark.parametrize("kind", ["device", "fifo", "folder", "missing"])
def test_only_ordinary_files_are_read(tmp_path, kind):
    from lib.errors import UnsupportedFormatError

    path = {"device": Path("/dev/zero"), "fifo": tmp_path / "pipe.txt", "folder": tmp_path, "missing": tmp_path / "gone.txt"}[kind]
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    with pytest.raises(UnsupportedFormatError, match=str(path)):
        read_document(path)


def test_a_file_that_grows_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    p = tmp_path / "growing.txt"
    p.write_text("x" * 50)
    real_fstat = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])))  # claims 10 bytes
    with pytest.raises(TooLargeError, match="grew past 20"):
        read_document(p, max_bytes=20)
