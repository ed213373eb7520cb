"""Corpus-wide term counts equal counting article by article, and add up when articles are appended."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from lib.analysis import terms
from lib.corpus import term_counts
from lib.corpus.term_counts import GAZETTEER_METHODS, TermCounts, count_terms, empty


def _one_by_one(sentences: pd.DataFrame, articles: pd.DataFrame, mentions: pd.DataFrame | None) -> Counter:
    """(article, term) → n, counted with ``terms.term_surfaces`` sentence by sentence (the reference)."""
    lang = {a: lg for a, lg, st in zip(articles["article_id"], articles["language"], articles["status"], strict=True) if st == "ok"}
    names: dict[tuple[str, int], list[dict]] | None = None
    if mentions is not None:
        names = {}
        m = mentions[mentions["method"].isin(GAZETTEER_METHODS)].merge(
            sentences[["article_id", "sentence_id", "start"]].rename(columns={"start": "s0"}), on=["article_id", "sentence_id"]
        )
        for r in m.itertuples():
            names.setdefault((r.article_id, r.sentence_id), []).append({"surface": r.surface, "start": r.start - r.s0, "end": r.end - r.s0})
    out: Counter = Counter()
    for r in sentences.itertuples():
        if lang.get(r.article_id) not in ("en", "ar") or not isinstance(r.text, str):
            continue
        found = None if names is None else [names.get((r.article_id, r.sentence_id), [])]
        for (term, _), n in terms.term_surfaces([r.text], lang[r.article_id], found).items():
            out[(r.article_id, term)] += n
    return out


def _as_counter(counts: TermCounts) -> Counter:
    f = counts.frame()
    return Counter({(a, t): int(n) for a, t, n in zip(f["article_id"], f["term"], f["n"], strict=True)})


def _tables(texts: dict[str, tuple[str, list[str]]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """articles and sentences tables for {article_id: (language, [sentence, ...])}."""
    arts = pd.DataFrame(
        {"article_id": list(texts), "language": [lg for lg, _ in texts.values()], "status": "ok"},
    )
    rows = []
    for aid, (_, sents) in texts.items():
        start = 0
        for i, s in enumerate(sents):
            rows.append({"article_id": aid, "sentence_id": i, "start": start, "end": start + len(s), "text": s})
            start += len(s) + 1
    return arts, pd.DataFrame(rows)


CRAFTED = {
    "en1": (
        "en",
        [
            "The United States and Turkey's leaders met; the S-400 deal stalled.",
            "United States-backed forces left. Erdoğan's aides said so_called talks failed!",
            "Joe Biden, Joe Biden and Recep Tayyip Erdogan: F-35s, F-35s.",
        ],
    ),
    "ar1": (
        "ar",
        [
            "قالت الولايات المتحدة إن تركيا ستشتري منظومة إس-400 جداً.",
            "وبايدن التقى أردوغان في أنقرة، والـتركية حريصة على الحوار.",
        ],
    ),
    "fr1": ("fr", ["Les États-Unis et la Turquie."]),
}


def test_counts_equal_counting_sentence_by_sentence_on_crafted_text():
    arts, sents = _tables(CRAFTED)
    got = count_terms(sents, arts)
    assert _as_counter(got) == _one_by_one(sents, arts, None)
    f = got.frame()
    assert "fr1" not in set(f["article_id"])  # only English and Arabic are counted
    en = dict(zip(f.loc[f["article_id"] == "en1", "term"], f.loc[f["article_id"] == "en1", "n"], strict=True))
    assert en["united states"] == 2  # "United States-backed" is the name; the word overlapping it does not count apart
    assert "united" not in en and "states" not in en and "backed" not in en and "states-backed" not in en
    assert en["s-400"] == 1 and en["f-35s"] == 2 and en["called"] == 1 and "so_called" not in en  # "_" splits words


def test_counts_equal_counting_article_by_article_on_the_seeds(seed_corpus):
    c = seed_corpus
    reused = count_terms(c["sentences"], c.articles, c["mentions"])
    assert _as_counter(reused) == _one_by_one(c["sentences"], c.articles, c["mentions"])
    assert _as_counter(count_terms(c["sentences"], c.articles)) == _as_counter(reused)  # matching the names again: same counts
    assert any(" " in t for t in reused.vocab)  # multi-word names are single terms


def test_terms_are_shown_as_the_corpus_writes_them_most_often():
    arts, sents = _tables({"a": ("ar", ["الـتركية التركية التركية"]), "b": ("en", ["NATO Nato NATO"])})
    got = count_terms(sents, arts)
    display = dict(zip(got.vocab, got.display, strict=True))
    assert display[terms.normalise_term_ar("التركية")] == "التركية"
    assert display["nato"] == "NATO"


def test_sums_add_up_any_subset_of_articles(seed_corpus):
    c = seed_corpus
    got = count_terms(c["sentences"], c.articles, c["mentions"])
    ids = list(got.article_ids)
    total = got.sums(ids)
    assert total.sum() == got.n.sum()
    parts = got.sums(ids[:2]) + got.sums(ids[2:])
    np.testing.assert_array_equal(parts, total)
    np.testing.assert_array_equal(got.sums(["not-an-article"]), np.zeros(len(got.vocab)))
    groups = got.group_sums([ids[:2], pd.Series(ids[2:], dtype="string"), []])  # one product for every group
    np.testing.assert_array_equal(groups, [got.sums(ids[:2]), got.sums(ids[2:]), np.zeros(len(got.vocab))])


def test_appended_counts_equal_counting_everything_at_once(seed_corpus):
    c = seed_corpus
    s, a, m = c["sentences"], c.articles, c["mentions"]
    ids = list(a["article_id"])
    first = count_terms(s, a[a["article_id"].isin(ids[:3])], m)
    rest = count_terms(s, a[a["article_id"].isin(ids[3:])], m)
    together = count_terms(s, a, m)
    joined = first.concat(rest)
    assert _as_counter(joined) == _as_counter(together)
    assert dict(zip(joined.vocab, joined.display, strict=True)) == dict(zip(together.vocab, together.display, strict=True))
    assert _as_counter(first.concat(first)) == _as_counter(first)  # an article already counted is not counted twice
    assert _as_counter(empty().concat(together)) == _as_counter(together)


def test_appended_counts_sum_as_if_counted_at_once_when_their_matrix_was_in_use(seed_corpus, monkeypatch):
    """A corpus's sums use a sparse articles × terms matrix; appending articles to counts whose
    matrix was already made adds a block of rows to it (stacked into one past MAX_BLOCKS), and it
    must equal the matrix made from scratch."""
    c = seed_corpus
    s, a, m = c["sentences"], c.articles, c["mentions"]
    ids = list(a["article_id"])
    first = count_terms(s, a[a["article_id"].isin(ids[:2])], m)
    first.sums(ids)  # the matrix is made
    joined = first.concat(count_terms(s, a[a["article_id"].isin(ids[2:3])], m)).concat(first)
    joined = joined.concat(count_terms(s, a[a["article_id"].isin(ids[3:])], m))
    assert len(joined._blocks) == 3  # each append of new articles added a block: nothing was copied
    fresh = TermCounts.from_tables(joined.to_tables())
    assert "_blocks" not in fresh.__dict__
    assert (joined.matrix() != fresh.matrix()).nnz == 0 and joined.matrix().shape == fresh.matrix().shape
    together = count_terms(s, a, m)
    for subset in (ids, ids[:1], ids[3:], ids[1:4]):
        got = dict(zip(joined.vocab, joined.sums(subset), strict=True))
        want = dict(zip(together.vocab, together.sums(subset), strict=True))
        assert got == want
    monkeypatch.setattr(term_counts, "MAX_BLOCKS", 2)
    many = first
    for i in range(2, len(ids)):
        many = many.concat(count_terms(s, a[a["article_id"] == ids[i]], m))
        assert len(many._blocks) <= 2  # stacked into one past the limit
    assert dict(zip(many.vocab, many.sums(ids), strict=True)) == dict(zip(together.vocab, together.sums(ids), strict=True))


def test_counts_round_trip_through_tables(seed_corpus):
    c = seed_corpus
    got = count_terms(c["sentences"], c.articles, c["mentions"])
    back = TermCounts.from_tables(got.to_tables())
    assert _as_counter(back) == _as_counter(got)
    assert list(back.display) == list(got.display)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_text_gives_no_counts(language):
    arts, sents = _tables({"x": (language, [])})
    got = count_terms(sents.reindex(columns=["article_id", "sentence_id", "start", "end", "text"]), arts)
    assert len(got) == 0 and got.frame().empty
