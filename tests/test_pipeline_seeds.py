"""The foundation's quality bar, on the five seed articles."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import schema
from lib.pipeline import analyze_bytes, analyze_paths, analyze_text, assemble


def test_every_table_matches_its_schema(seed_corpus):
    for name, cols in schema.TABLES.items():
        df = seed_corpus[name]
        assert list(df.columns) == list(cols), name
        assert {c: str(t) for c, t in df.dtypes.items()} == cols, name


def test_one_row_per_article_all_ok(seed_corpus):
    arts = seed_corpus.articles
    assert len(arts) == 5
    assert set(arts["status"]) == {"ok"}
    assert arts["article_id"].is_unique


def test_languages_and_dyads(seed_corpus, seed_ids):
    arts = seed_corpus.articles.set_index("article_id")
    got = {p: (arts.loc[a, "language"], arts.loc[a, "dyad"]) for p, a in seed_ids.items()}
    assert got == {
        "000": ("en", "us-turkey"),
        "001": ("ar", "us-turkey"),
        "002": ("en", "russia-turkey"),
        "003": ("en", "russia-turkey"),
        "004": ("en", "russia-turkey"),
    }
    assert all("weighted mentions" in r for r in arts["dyad_reason"])


def _articles_with(corpus, entity_id):
    m = corpus["mentions"]
    return set(m.loc[m["entity_id"] == entity_id, "article_id"])


@pytest.mark.parametrize(
    ("entity_id", "seeds"),
    [
        ("erdogan", {"000", "001", "002", "003", "004"}),
        ("s-400", {"000", "001", "002", "003", "004"}),
        ("kavala", {"000", "001"}),
        ("idlib", {"002", "003", "004"}),
        ("biden", {"000", "001"}),
        ("putin", {"002", "003", "004"}),
        ("nato", {"000", "001", "002"}),
        ("g20", {"000", "001"}),
        ("white-house", {"001"}),
        ("sochi", {"002", "003", "004"}),
        ("nagorno-karabakh", {"001", "004"}),
    ],
)
def test_entities_found_under_one_id_across_languages(seed_corpus, seed_ids, entity_id, seeds):
    assert _articles_with(seed_corpus, entity_id) >= {seed_ids[s] for s in seeds}


def test_arabic_country_adjectives_map_to_countries(seed_corpus, seed_ids):
    m = seed_corpus["mentions"]
    ar = m[m["article_id"] == seed_ids["001"]]
    assert {"التركية", "الأمريكية"} <= set(ar.loc[ar["entity_id"].isin(["turkey", "united-states"]), "surface"])
    assert "الروسي" in set(ar.loc[ar["entity_id"] == "russia", "surface"])


def test_speakers_of_the_seeds_are_entities(seed_corpus, seed_ids):
    m = seed_corpus["mentions"]
    assert "peskov" in set(m.loc[m["article_id"] == seed_ids["003"], "entity_id"])
    assert "akar" in set(m.loc[m["article_id"] == seed_ids["003"], "entity_id"])
    assert "vaessen" in set(m.loc[m["article_id"] == seed_ids["002"], "entity_id"])


def test_no_also_read_text_in_any_table(seed_corpus):
    for name, df in seed_corpus.tables.items():
        if name == "boilerplate":
            continue
        for col in df.columns:
            if str(df[col].dtype) == "string":
                assert not df[col].fillna("").str.contains("Guinea-Bissau|News Editor|Queen Elizabeth").any(), (name, col)
    bp = seed_corpus["boilerplate"]
    assert bp["text"].str.contains("Guinea-Bissau").any()


def test_title_and_date(seed_corpus, seed_ids):
    arts = seed_corpus.articles.set_index("article_id")
    t003 = "Turkish, Russian leaders to meet for critical talks on Syria’s Idlib"
    assert arts.loc[seed_ids["003"], "title"] == t003
    s = seed_corpus["sentences"]
    assert (s.loc[s["article_id"] == seed_ids["003"], "text"] == t003).sum() == 1
    assert arts.loc[seed_ids["000"], "date"] == "2021-10-31"
    assert pd.isna(arts.loc[seed_ids["001"], "title"])
    assert arts["date"].notna().sum() == 1  # no date is invented


def test_sentence_offsets_slice_the_cleaned_text(resources):
    from lib.cleaning import clean

    from .conftest import SEEDS

    for path in sorted(SEEDS.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        rows = analyze_text(raw, file=str(path), resources=resources)
        text = clean(raw).text
        for s in rows["sentences"]:
            assert text[s["start"] : s["end"]] == s["text"]
        for m in rows["mentions"]:
            sent = rows["sentences"][m["sentence_id"]]
            assert sent["start"] <= m["start"] < m["end"] <= sent["end"]
            assert text[m["start"] : m["end"]] == m["surface"]


def test_spacy_fallback_entities_are_kept_and_marked(resources):
    text = "Turkey hosts Finnish envoy\n\nThe Finnish envoy Sauli Niinisto met Erdogan in Ankara on Monday to discuss NATO."
    corpus = assemble([analyze_text(text, file="fi.txt", resources=resources)], resources=resources)
    m = corpus["mentions"]
    extra = m[~m["canonical"]]
    assert set(extra["method"]) == {"spacy-ner"}
    assert "Sauli Niinisto" in set(extra["surface"])
    ents = corpus["entities"].set_index("entity_id")
    for eid in extra["entity_id"]:
        assert not ents.loc[eid, "canonical"]
    assert ents.loc["erdogan", "canonical"]


def test_bad_files_in_a_batch_are_reported_and_the_others_analysed(tmp_path, resources):
    from .conftest import SEEDS

    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00")
    (tmp_path / "undecodable.txt").write_bytes(bytes(range(128, 256)) * 3)
    (tmp_path / "furniture.txt").write_text("date 2021-01-01\n\nNews Editor\nNews Editor\n")
    (tmp_path / "french.txt").write_text(
        "Le président a dit que les discussions avec la Russie étaient productives et que la paix viendra."
    )
    good = next(SEEDS.glob("003_*.txt"))
    (tmp_path / "good.txt").write_bytes(good.read_bytes())
    corpus = analyze_paths([tmp_path], resources=resources)
    arts = corpus.articles.set_index(corpus.articles["file"].str.rsplit("/", n=1).str[-1])
    assert arts.loc["good.txt", "status"] == "ok"
    assert arts.loc["french.txt", "status"] == "not_analysed"
    assert arts.loc["french.txt", "language"] == "fr"
    assert pd.isna(arts.loc["french.txt", "tone"])
    for name, word in [
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        ("undecodable.txt", "decoded"),
        ("furniture.txt", "no article body"),
    ]:
        assert arts.loc[name, "status"] == "error"
        assert name in arts.loc[name, "error"] and word in arts.loc[name, "error"]


def test_same_text_twice_is_one_article(resources):
    a = analyze_bytes(b"Turkey and Russia held talks in Sochi on Syria.", file="a.txt", resources=resources)
    b = analyze_bytes(b"Turkey and Russia held talks in Sochi on Syria.\n", file="b.txt", resources=resources)
    corpus = assemble([a, b], resources=resources)
    assert len(corpus.articles) == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_unicode_text_gives_rows_or_a_clear_error(resources, text):
    rows = analyze_bytes(text.encode("utf-8"), file="h.txt", resources=resources)
    art = rows["articles"][0]
    assert art["status"] in schema.STATUSES
    if art["status"] == "error":
        assert art["error"].startswith("h.txt")
    assemble([rows], resources=resources)  # every row fits the schema
