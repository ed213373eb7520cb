"""The foundation's quality bar, on the five seed articles."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import schema
from lib.analysis.pipeline import analyze_bytes, analyze_text
from lib.corpus.tables import analyze_paths, assemble


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
        if name == "entities":  # the gazetteer's own names are listed whether mentioned or not
            df = df[~df["canonical"]]
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
    from lib.text.cleaning import clean

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
    text = "Turkey hosts Estonian envoy\n\nThe Estonian envoy Margus Tsahkna met Erdogan in Ankara on Monday to discuss NATO."
    corpus = assemble([analyze_text(text, file="fi.txt", resources=resources, depth="full")], resources=resources)
    m = corpus["mentions"]
    extra = m[~m["canonical"]]
    assert set(extra["method"]) == {"spacy-ner"}
    assert "Margus Tsahkna" in set(extra["surface"])
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


# --- tone, topics and quotes on the seeds -------------------------------------------


def _seed_rows(corpus, table, seed_ids, prefix):
    df = corpus[table]
    return df[df["article_id"] == seed_ids[prefix]]


def test_every_english_sentence_has_vader_and_arabic_never_does(seed_corpus, seed_ids):
    s = seed_corpus["sentences"]
    for prefix in ("000", "002", "003", "004"):
        en = _seed_rows(seed_corpus, "sentences", seed_ids, prefix)
        assert (en["tone_method"] == "vader").all()
        assert en["tone"].notna().all()
    ar = _seed_rows(seed_corpus, "sentences", seed_ids, "001")
    assert (ar["tone_method"] == "ar-lexicon").mean() > 0.8
    assert not (ar["tone_method"] == "vader").any()
    assert ar["vader_pos"].isna().all()
    assert s["tone"].dropna().between(-1, 1).all()


def test_arabic_seed_sentences_score_as_a_reader_would(seed_corpus, seed_ids):
    ar = _seed_rows(seed_corpus, "sentences", seed_ids, "001")
    strained = ar[ar["text"].str.contains("توترت العلاقات التركية الأمريكية")]
    positive = ar[ar["text"].str.contains("إيجابي للغاية")]
    assert len(strained) == 1 and strained["tone"].iloc[0] < -0.05
    assert len(positive) == 1 and positive["tone"].iloc[0] > 0.05


def test_article_tone_is_the_mean_of_sentence_tones(seed_corpus):
    s = seed_corpus["sentences"].groupby("article_id")["tone"].mean()
    arts = seed_corpus.articles.set_index("article_id")
    for aid, mean in s.items():
        assert abs(arts.loc[aid, "tone"] - mean) < 1e-9
    assert arts["share_negative"].between(0, 1).all() and arts["share_positive"].between(0, 1).all()


@pytest.mark.parametrize(
    ("topic_id", "seeds"),
    [
        ("syria", {"002", "003", "004"}),
        ("arms", {"000", "001", "002", "003", "004"}),
        ("rights", {"000", "001"}),
        ("caucasus", {"001", "004"}),
    ],
)
def test_topics_of_the_seeds(seed_corpus, seed_ids, topic_id, seeds):
    t = seed_corpus["topics"]
    assert set(t.loc[t["topic_id"] == topic_id, "article_id"]) >= {seed_ids[p] for p in seeds}


def test_topic_shares_and_evidence(seed_corpus):
    t = seed_corpus["topics"]
    assert t["share"].between(0, 1).all()
    st_ = seed_corpus["sentence_topics"].merge(seed_corpus["sentences"], on=["article_id", "sentence_id"])
    assert len(st_) > 0
    for evidence, text in zip(st_["evidence"], st_["text"], strict=True):
        for piece in evidence.split(" | "):
            assert piece in text


def test_quotes_of_the_seeds(seed_corpus, seed_ids):
    q000 = _seed_rows(seed_corpus, "quotes", seed_ids, "000")
    anon = q000[q000["speaker"].str.contains("senior US administration official")]
    assert len(anon) >= 1 and anon["anonymous"].all() and (anon["affiliation"] == "united-states").all()
    q003 = _seed_rows(seed_corpus, "quotes", seed_ids, "003")
    assert {"akar", "peskov"} <= set(q003["speaker_entity_id"].dropna())
    q002 = _seed_rows(seed_corpus, "quotes", seed_ids, "002")
    assert "vaessen" in set(q002["speaker_entity_id"].dropna())
    q001 = _seed_rows(seed_corpus, "quotes", seed_ids, "001")
    assert q001["affiliation"].isin(["united-states", "turkey"]).any()
    assert q001["quote"].str.contains("[\u0600-\u06ff]").all()


def test_entity_tone_rows_match_their_sentences(seed_corpus):
    et = seed_corpus["entity_tone"]
    # The tone toward the entity in each sentence: its mentions' own tone where the target-tone
    # method scored them (lib.corpus.rollups.entity_tone), else the sentence's tone.
    keys = ["article_id", "sentence_id"]
    m = seed_corpus["mentions"][[*keys, "entity_id", "tone", "tone_method"]].merge(
        seed_corpus["sentences"][[*keys, "tone"]].rename(columns={"tone": "sentence_tone"}), on=keys
    )
    row = et[et["entity_id"] == "erdogan"].iloc[0]
    sub = m[(m["entity_id"] == "erdogan") & (m["article_id"] == row["article_id"])]
    per_sentence = [
        g["tone"].astype(float).mean() if g["tone_method"].notna().any() else float(g["sentence_tone"].iloc[0])
        for _, g in sub.groupby("sentence_id")
    ]
    assert row["n_sentences"] == len(per_sentence)
    assert abs(row["tone"] - pd.Series(per_sentence).mean()) < 1e-9


def test_articles_keep_the_cleaned_text_their_offsets_point_into(seed_corpus, seed_ids):
    texts = seed_corpus.articles.set_index("article_id")["text"]
    s = seed_corpus["sentences"]
    for r in s.itertuples(index=False):
        assert texts[r.article_id][r.start : r.end] == r.text
    m = seed_corpus["mentions"]
    for r in m.itertuples(index=False):
        assert texts[r.article_id][r.start : r.end] == r.surface
    # The Arabic seed's lines stay lines: the reader shows its paragraphs.
    assert texts[seed_ids["001"]].count("\n") >= 15
