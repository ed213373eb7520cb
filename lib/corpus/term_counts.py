"""How often each term occurs in each article, for a whole corpus at once.

The terms are ``lib.analysis.terms``' (words in normal form, and a
multi-word gazetteer name as one term). ``count_terms`` finds them in every
sentence of a corpus with one regex pass per sentence, normalises each
distinct word once and counts on integer codes, so 10,000 articles are
counted in about 9 s rather than 41 s; the counts equal those of
``terms.term_surfaces`` run article by article (tests/test_term_counts.py).

``TermCounts`` keeps the counts as codes (article, term, n) with the
vocabulary beside them: summing any filtered subset of articles per side is
one sparse matrix product, with no string work. Each term is shown in the form the
corpus writes it most often (``display``). ``concat`` adds the counts of
newly imported articles; ``to_tables``/``from_tables`` round-trip through
plain tables (the corpus snapshot).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy import sparse

from lib.analysis import terms

#: Mention methods of the gazetteer (the names a term may span).
GAZETTEER_METHODS = ("gazetteer", "gazetteer-demonym")
#: A letter no English or Arabic news text uses (U+01C2, a click consonant).
#: A multi-word name's characters are overwritten with it before the words
#: are found, so a word that overlaps the name becomes one word holding it
#: and is dropped: the name is counted once, as a term of its own.
_NAME_MASK = "\u01c2"
#: The words of ``terms.TOKEN_RE`` (Arabic: ``terms.SOURCE_TOKEN_RE_AR``), written
#: with ``\\w`` — half the time of ``[^\\W_]`` — for text whose underscores were
#: replaced by spaces first (``\\w`` also matches "_").
_SOURCE_TOKEN_RE = {
    "en": re.compile(r"\w+(?:['’-]\w+)*"),
    "ar": re.compile(rf"[\w{terms.AR_MARKS}]+(?:['’-][\w{terms.AR_MARKS}]+)*"),
}
_NORMALISE = {"en": terms.normalise_term_en, "ar": terms.normalise_term_ar}
#: Languages whose terms are counted.
LANGUAGES = tuple(_SOURCE_TOKEN_RE)
#: Table names of ``to_tables``.
TABLE_NAMES = ("term_rows", "term_articles", "term_vocab", "term_surfaces")


@dataclass(frozen=True)
class TermCounts:
    """Term counts per article, as integer codes.

    ``article_ids[a]`` is article code ``a``; ``vocab[t]`` is term code ``t``
    and ``display[t]`` its most frequent written form. Row ``i`` says term
    ``term[i]`` occurs ``n[i]`` times in article ``art[i]``. ``surfaces``
    (term code, surface, n) holds the written forms' corpus counts, from which
    ``display`` is chosen (and re-chosen when counts are added).
    """

    article_ids: np.ndarray
    vocab: np.ndarray
    display: np.ndarray
    art: np.ndarray
    term: np.ndarray
    n: np.ndarray
    surfaces: pd.DataFrame

    def __len__(self) -> int:
        return len(self.n)

    @functools.cached_property
    def _article_index(self) -> pd.Index:
        return pd.Index(self.article_ids)

    @functools.cached_property
    def _vocab_index(self) -> pd.Index:
        return pd.Index(self.vocab)

    @functools.cached_property
    def _blocks(self) -> list[tuple[int, sparse.csr_matrix]]:
        """Articles × terms counts, made on first use, as row blocks (first article code, block):
        a side's sums are a sparse product per block (a few ms at 10,000 articles, against 60 ms
        for masking the rows and counting). Appended articles add a block (``concat``)."""
        return [(0, self._rows_matrix(0, len(self.article_ids)))]

    def _rows_matrix(self, first: int, stop: int) -> sparse.csr_matrix:
        """The counts of article codes ``first``..``stop`` − 1 (their rows are the last ones from ``first`` on)."""
        rows = self.art >= first if first else slice(None)
        shape = (stop - first, len(self.vocab))
        return sparse.csr_matrix((self.n[rows].astype(np.float64), (self.art[rows] - first, self.term[rows])), shape=shape)

    def matrix(self) -> sparse.csr_matrix:
        """Articles × terms counts in one matrix (its blocks stacked)."""
        width = len(self.vocab)
        return sparse.vstack([_widened(b, width) for _, b in self._blocks], format="csr")

    @functools.cached_property
    def alphabetical(self) -> np.ndarray:
        """Each term code's rank in the alphabetical order of the vocabulary."""
        rank = np.empty(len(self.vocab), dtype=np.int64)
        rank[np.argsort(self.vocab, kind="stable")] = np.arange(len(self.vocab))
        return rank

    @functools.cached_property
    def shown(self) -> np.ndarray:
        """Each term as shown: its most frequent written form, else the term itself (str)."""
        return pd.Series(self.display, dtype=object).fillna(pd.Series(self.vocab, dtype=object)).astype(str).to_numpy(dtype=object)

    @functools.cached_property
    def text_arrays(self) -> tuple[pd.api.extensions.ExtensionArray, pd.api.extensions.ExtensionArray]:
        """``vocab`` and ``shown`` as pandas text arrays, made once: a table of some terms takes
        its rows from these (``.take``) instead of converting tens of thousands of Python strings
        for every filter."""
        return pd.array(self.vocab, dtype="str"), pd.array(self.shown, dtype="str")

    def sums(self, article_ids: Iterable[str]) -> np.ndarray:
        """Per term code, its count over ``article_ids`` (ids not counted here add nothing)."""
        return self.group_sums([article_ids])[0]

    def group_sums(self, groups: Sequence[Iterable[str]]) -> np.ndarray:
        """Groups × term codes: each group of article ids' counts (``sums``), in one sparse product per block."""
        chosen = np.zeros((len(groups), len(self.article_ids)))
        for g, article_ids in enumerate(groups):
            ids = article_ids.to_numpy(dtype=object) if isinstance(article_ids, pd.Series | pd.Index) else list(article_ids)
            codes = self._article_index.get_indexer(ids)  # not list(): iterating Arrow-backed ids is value by value
            chosen[g, codes[codes >= 0]] = 1.0
        out = np.zeros((len(groups), len(self.vocab)))
        for first, block in self._blocks:  # an older block has fewer terms: the vocabulary only grows at its end
            out[:, : block.shape[1]] += chosen[:, first : first + block.shape[0]] @ block
        return np.rint(out).astype(np.int64)

    def frame(self) -> pd.DataFrame:
        """article_id, term, n — one row per article and term (for checks and exports)."""
        return pd.DataFrame(
            {
                "article_id": pd.array(self.article_ids[self.art], dtype="string"),
                "term": pd.array(self.vocab[self.term], dtype="string"),
                "n": self.n.astype(np.int64),
            }
        )

    def to_tables(self) -> dict[str, pd.DataFrame]:
        return {
            "term_rows": pd.DataFrame({"art": self.art, "term": self.term, "n": self.n}),
            "term_articles": pd.DataFrame({"article_id": pd.array(self.article_ids, dtype="string")}),
            "term_vocab": pd.DataFrame({"term": pd.array(self.vocab, dtype="string"), "display": pd.array(self.display, dtype="string")}),
            "term_surfaces": self.surfaces,
        }

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame]) -> TermCounts:
        rows = tables["term_rows"]
        vocab = tables["term_vocab"]
        return cls(
            article_ids=tables["term_articles"]["article_id"].to_numpy(dtype=object),
            vocab=vocab["term"].to_numpy(dtype=object),
            display=vocab["display"].to_numpy(dtype=object),
            art=rows["art"].to_numpy(dtype=np.int32),
            term=rows["term"].to_numpy(dtype=np.int32),
            n=rows["n"].to_numpy(dtype=np.int32),
            surfaces=tables["term_surfaces"],
        )

    def concat(self, other: TermCounts) -> TermCounts:
        """These counts and ``other``'s (new articles) in one; an article in both keeps ours."""
        remap = self._vocab_index.get_indexer(other.vocab)
        unseen = remap < 0
        new_terms = other.vocab[unseen]
        vocab = np.concatenate([self.vocab, new_terms]) if len(new_terms) else self.vocab
        remap[unseen] = len(self.vocab) + np.arange(len(new_terms))
        remap = remap.astype(np.int32)
        fresh = self._article_index.get_indexer(other.article_ids) < 0
        art_map = np.full(len(other.article_ids), -1, dtype=np.int64)
        art_map[fresh] = len(self.article_ids) + np.arange(int(fresh.sum()))
        keep = fresh[other.art]
        # The written forms' counts are corpus-wide and cannot be split by
        # article: appended counts are of new articles (LiveCorpus appends
        # only those), and ``display`` is a majority, not a figure shown.
        # Only the terms the new articles write can change their counts or shown form: the others'
        # rows are kept as they are (a corpus-wide regrouping was most of an import's append).
        moved = other.surfaces.assign(term=remap[other.surfaces["term"].to_numpy()])
        touched = np.zeros(len(vocab), dtype=bool)
        touched[moved["term"].to_numpy()] = True
        hit = touched[self.surfaces["term"].to_numpy()]
        regrouped = pd.concat([self.surfaces[hit], moved], ignore_index=True)
        regrouped = regrouped.groupby(["term", "surface"], as_index=False, sort=False)["n"].sum()
        surfaces = pd.concat([self.surfaces[~hit], regrouped], ignore_index=True)
        display = np.concatenate([self.display, new_terms]) if len(new_terms) else self.display.copy()
        display[touched] = _display(regrouped, vocab)[touched]
        out = TermCounts(
            article_ids=np.concatenate([self.article_ids, other.article_ids[fresh]]),
            vocab=vocab,
            display=display,
            art=np.concatenate([self.art, art_map[other.art[keep]].astype(np.int32)]),
            term=np.concatenate([self.term, remap[other.term[keep]]]),
            n=np.concatenate([self.n, other.n[keep]]),
            surfaces=surfaces,
        )
        if "_blocks" in self.__dict__:  # in use: the new articles' rows are a block of their own, nothing is copied
            blocks = list(self._blocks)
            if fresh.any():
                blocks.append((len(self.article_ids), out._rows_matrix(len(self.article_ids), len(out.article_ids))))
            if len(blocks) > MAX_BLOCKS:
                blocks = [(0, sparse.vstack([_widened(b, len(vocab)) for _, b in blocks], format="csr"))]
            out.__dict__["_blocks"] = blocks
        if not len(new_terms):  # the same vocabulary: its order and index hold
            for kept in ("alphabetical", "_vocab_index"):
                if kept in self.__dict__:
                    out.__dict__[kept] = self.__dict__[kept]
        return out


#: Row blocks of the counts matrix kept before they are stacked into one (``TermCounts._blocks``).
MAX_BLOCKS = 8


def _widened(block: sparse.csr_matrix, width: int) -> sparse.csr_matrix:
    """``block`` with ``width`` term columns (the terms added after it have no counts in it)."""
    if block.shape[1] == width:
        return block
    out = block.copy()
    out.resize((block.shape[0], width))
    return out


def empty() -> TermCounts:
    none = np.array([], dtype=object)
    codes = np.array([], dtype=np.int32)
    surfaces = pd.DataFrame({"term": codes, "surface": pd.array([], dtype="string"), "n": np.array([], dtype=np.int64)})
    return TermCounts(none, none, none, codes, codes.copy(), codes.copy(), surfaces)


def _display(surfaces: pd.DataFrame, vocab: np.ndarray) -> np.ndarray:
    """Per term code, its most frequent written form (ties: the shorter, then alphabetical)."""
    out = vocab.copy()
    if surfaces.empty:
        return out
    s = surfaces.assign(_len=surfaces["surface"].str.len())
    s = s.sort_values(["term", "n", "_len", "surface"], ascending=[True, False, True, True], kind="stable").drop_duplicates("term")
    out[s["term"].to_numpy()] = s["surface"].to_numpy(dtype=object)
    return out


def _name_spans(s: pd.DataFrame, mentions: pd.DataFrame | None) -> pd.DataFrame:
    """The multi-word gazetteer names in the sentences ``s``: row (position in ``s``),
    start and end (offsets into the sentence), surface and term.

    From the corpus's ``mentions`` when given (nothing is matched again), else
    matched here sentence by sentence."""
    langs = s["_lang"].to_numpy()
    if mentions is None:
        rows = [
            (i, m["start"], m["end"], m["surface"])
            for i, (text, lang) in enumerate(zip(s["text"], langs, strict=True))
            for m in terms.name_mentions(text, lang)
        ]
        spans = pd.DataFrame(rows, columns=["row", "start", "end", "surface"]).astype({"row": np.int64, "start": np.int64, "end": np.int64})
    else:
        m = mentions[mentions["method"].isin(GAZETTEER_METHODS)]
        m = m[m["surface"].str.contains(" ", regex=False).fillna(False).to_numpy(dtype=bool)]
        where = pd.MultiIndex.from_arrays([s["article_id"], s["sentence_id"]]).get_indexer(
            pd.MultiIndex.from_arrays([m["article_id"], m["sentence_id"]])
        )
        found = where >= 0
        row = where[found]
        s0 = s["start"].to_numpy(dtype=np.int64)[row]
        spans = pd.DataFrame(
            {
                "row": row,
                "start": m["start"].to_numpy(dtype=np.int64)[found] - s0,
                "end": m["end"].to_numpy(dtype=np.int64)[found] - s0,
                "surface": m["surface"].to_numpy(dtype=object)[found],
            }
        )
    spans["term"] = [terms.name_term(str(sf), langs[r]) for sf, r in zip(spans["surface"], spans["row"], strict=True)]
    return spans[spans["term"].notna()].sort_values(["row", "start"], kind="stable").reset_index(drop=True)


def _mask_names(texts: list[str], spans: pd.DataFrame) -> list[str]:
    """``texts`` with every name span overwritten by ``_NAME_MASK`` (a new list)."""
    out = list(texts)
    for r, a, b in zip(spans["row"].tolist(), spans["start"].tolist(), spans["end"].tolist(), strict=True):
        t = out[r]
        out[r] = t[:a] + _NAME_MASK * (b - a) + t[b:]
    return out


def count_terms(sentences: pd.DataFrame, articles: pd.DataFrame, mentions: pd.DataFrame | None = None) -> TermCounts:
    """The term counts of every analysed English or Arabic article.

    With the corpus's ``mentions``, the multi-word names are those the
    pipeline found; without, they are matched here (slower, same counts).
    """
    arts = articles[(articles["status"] == "ok") & articles["language"].isin(list(LANGUAGES))]
    lang_of = pd.Series(arts["language"].astype(str).to_numpy(), index=arts["article_id"].astype(str).to_numpy())
    s = sentences[sentences["article_id"].isin(lang_of.index) & sentences["text"].notna()]
    if s.empty:
        return empty()
    s = pd.DataFrame(
        {
            "article_id": s["article_id"].astype(str).to_numpy(dtype=object),
            "sentence_id": s["sentence_id"].to_numpy(dtype=np.int64),
            "start": s["start"].to_numpy(dtype=np.int64),
            "text": s["text"].astype(str).to_numpy(dtype=object),
        }
    )
    s["_lang"] = lang_of.reindex(s["article_id"]).to_numpy()
    art_codes, art_ids = pd.factorize(s["article_id"])
    spans = _name_spans(s, mentions)
    texts = _mask_names(s["text"].tolist(), spans)
    lang = s["_lang"].to_numpy()

    # (article code, term, surface, n) in parts: each language's words, then the names.
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for code, regex in _SOURCE_TOKEN_RE.items():
        rows = np.flatnonzero(lang == code)
        found = [regex.findall(texts[r].replace("_", " ")) for r in rows]
        lengths = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
        if not lengths.sum():
            continue
        # Arrow's dictionary encoding hashes the words in C++, twice as fast as pd.factorize.
        encoded = pa.array([w for ws in found for w in ws], type=pa.string()).dictionary_encode()
        word_codes = encoded.indices.to_numpy().astype(np.int64)
        uniques = encoded.dictionary.to_numpy(zero_copy_only=False)
        norm = _NORMALISE[code]
        term_of = np.array([None if _NAME_MASK in w else norm(w) for w in uniques], dtype=object)
        keep = pd.notna(term_of)[word_codes]
        key, n = np.unique(np.repeat(art_codes[rows], lengths)[keep] * len(uniques) + word_codes[keep], return_counts=True)
        a, w = np.divmod(key, len(uniques))
        parts.append((a, term_of[w], np.asarray(uniques, dtype=object)[w], n))
    if len(spans):
        source = s["text"].to_numpy()
        surface = [source[r][a:b] for r, a, b in zip(spans["row"].tolist(), spans["start"].tolist(), spans["end"].tolist(), strict=True)]
        g = pd.DataFrame({"a": art_codes[spans["row"].to_numpy()], "term": spans["term"].to_numpy(), "surface": surface})
        g = g.groupby(["a", "term", "surface"], sort=False).size().reset_index(name="n")
        parts.append((g["a"].to_numpy(), g["term"].to_numpy(dtype=object), g["surface"].to_numpy(dtype=object), g["n"].to_numpy()))
    if not parts:
        return empty()
    a = np.concatenate([p[0] for p in parts])
    term_codes, vocab = pd.factorize(np.concatenate([p[1] for p in parts]))
    surface = np.concatenate([p[2] for p in parts])
    n = np.concatenate([p[3] for p in parts]).astype(np.int64)

    # Written forms, corpus-wide: (term, surface) → n.
    surf_codes, surf_uniques = pd.factorize(surface)
    sk, sinv = np.unique(term_codes.astype(np.int64) * len(surf_uniques) + surf_codes, return_inverse=True)
    st, ss = np.divmod(sk, len(surf_uniques))
    surfaces = pd.DataFrame(
        {
            "term": st.astype(np.int32),
            "surface": pd.array(np.asarray(surf_uniques, dtype=object)[ss], dtype="string"),
            "n": np.bincount(sinv, weights=n).astype(np.int64),
        }
    )
    vocab = np.asarray(vocab, dtype=object)

    # Per article and term (the written forms summed).
    ak, ainv = np.unique(a.astype(np.int64) * len(vocab) + term_codes, return_inverse=True)
    art, term = np.divmod(ak, len(vocab))
    return TermCounts(
        article_ids=np.asarray(art_ids, dtype=object),
        vocab=vocab,
        display=_display(surfaces, vocab),
        art=art.astype(np.int32),
        term=term.astype(np.int32),
        n=np.bincount(ainv, weights=n).astype(np.int32),
        surfaces=surfaces,
    )
