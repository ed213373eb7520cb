"""Curation of names: edits stored in the store's SQLite file, applied to the tables without re-analysis."""

import sqlite3

import pandas as pd
import pytest

from lib.corpus import curation
from lib.corpus.curation import Curation, CurationError, apply_edits, unlinked_names


def _tables():
    mentions = pd.DataFrame(
        {
            "article_id": ["a1", "a1", "a2", "a2", "a3"],
            "sentence_id": [0, 1, 0, 2, 1],
            "entity_id": ["ner:ar:رجب-اردوغان", "turkey", "ner:ar:رجب-اردوغان", "ner:en:margus-tsahkna", "ner:ar:مارغوس-تساخنا"],
            "surface": ["رجب اردوغان", "تركيا", "رجب اردوغان", "Margus Tsahkna", "مارغوس تساخنا"],
            "type": ["person", "country", "person", "person", "person"],
            "canonical": [False, True, False, False, False],
        }
    )
    sentences = pd.DataFrame(
        {
            "article_id": ["a1", "a1", "a2", "a2", "a3"],
            "sentence_id": [0, 1, 0, 2, 1],
            "text": ["قال رجب اردوغان", "تركيا", "زار رجب اردوغان", "Margus Tsahkna said", "قال مارغوس تساخنا"],
        }
    )
    entities = pd.DataFrame(
        {
            "entity_id": ["turkey", "erdogan", "ner:ar:رجب-اردوغان", "ner:en:margus-tsahkna", "ner:ar:مارغوس-تساخنا"],
            "name_en": ["Turkey", "Recep Tayyip Erdoğan", None, "Margus Tsahkna", None],
            "name_ar": ["تركيا", "رجب طيب أردوغان", "رجب اردوغان", None, "مارغوس تساخنا"],
            "type": ["country", "person", "person", "person", "person"],
            "subtype": ["country", "head_of_state", None, None, None],
            "affiliation": ["turkey", "turkey", None, None, None],
            "qid": ["Q43", None, None, None, None],
            "canonical": [True, True, False, False, False],
        }
    )
    return {"mentions": mentions, "sentences": sentences, "entities": entities}


def test_unlinked_names_by_frequency_with_examples():
    names = unlinked_names(_tables())
    assert names["entity_id"].tolist()[0] == "ner:ar:رجب-اردوغان"
    top = names.iloc[0]
    assert (top["mentions"], top["articles"], top["language"]) == (2, 2, "ar")
    assert top["examples"] == ["قال رجب اردوغان", "زار رجب اردوغان"]
    assert unlinked_names(_tables(), language="en")["entity_id"].tolist() == ["ner:en:margus-tsahkna"]


def test_edits_survive_a_restart_and_change_the_fingerprint(tmp_path):
    path = tmp_path / "store.sqlite"
    cur = Curation(path)
    empty = cur.fingerprint()
    cur.add("link", "ner:ar:رجب-اردوغان", "erdogan", known_ids={"erdogan", "turkey"})
    again = Curation(path)  # a new process opening the same file
    assert again.edits()[["action", "source_id", "target_id"]].values.tolist() == [["link", "ner:ar:رجب-اردوغان", "erdogan"]]
    assert again.fingerprint() != empty
    again.remove(int(again.edits()["edit_id"].iloc[0]))
    assert Curation(path).fingerprint() == empty


def test_curation_shares_the_store_file_without_touching_other_tables(tmp_path):
    path = tmp_path / "store.sqlite"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE articles (article_id TEXT)")
        con.execute("INSERT INTO articles VALUES ('a1')")
    Curation(path).add("merge", "ner:en:margus-tsahkna", "ner:ar:مارغوس-تساخنا")
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT article_id FROM articles").fetchall() == [("a1",)]


def test_link_makes_mentions_canonical_and_removes_the_name(tmp_path):
    cur = Curation(tmp_path / "s.sqlite")
    cur.add("link", "ner:ar:رجب-اردوغان", "erdogan", known_ids={"erdogan"})
    out = apply_edits(_tables(), cur.edits())
    m = out["mentions"]
    linked = m[m["surface"] == "رجب اردوغان"]
    assert set(linked["entity_id"]) == {"erdogan"} and linked["canonical"].all()
    assert "ner:ar:رجب-اردوغان" not in set(out["entities"]["entity_id"])
    assert "ner:ar:رجب-اردوغان" not in set(unlinked_names(out)["entity_id"])
    assert _tables()["mentions"]["entity_id"].iloc[0] == "ner:ar:رجب-اردوغان"  # inputs unchanged


def test_merge_then_create_resolves_through_both_edits(tmp_path):
    cur = Curation(tmp_path / "s.sqlite")
    cur.add("merge", "ner:ar:مارغوس-تساخنا", "ner:en:margus-tsahkna")
    new_id = cur.add(
        "create", "ner:en:margus-tsahkna", name_en="Margus Tsahkna", name_ar="مارغوس تساخنا", etype="person", affiliation="estonia"
    )
    assert new_id == "user:margus-tsahkna"
    out = apply_edits(_tables(), cur.edits())
    m = out["mentions"]
    assert set(m.loc[m["surface"].isin(["Margus Tsahkna", "مارغوس تساخنا"]), "entity_id"]) == {new_id}
    assert m.loc[m["entity_id"] == new_id, "canonical"].all()
    row = out["entities"].set_index("entity_id").loc[new_id]
    assert (row["name_en"], row["name_ar"], row["type"], bool(row["canonical"])) == ("Margus Tsahkna", "مارغوس تساخنا", "person", True)
    assert not {"ner:en:margus-tsahkna", "ner:ar:مارغوس-تساخنا"} & set(out["entities"]["entity_id"])


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("rename", "ner:en:x", "turkey"), {}, "unknown action"),
        (("link", "ner:en:x", "nowhere"), {"known_ids": {"turkey"}}, "not a known entity"),
        (("link", "ner:en:x", None), {}, "choose the entity"),
        (("create", "ner:en:x"), {"etype": "person"}, "needs an English or an Arabic name"),
        (("create", "ner:en:x"), {"name_en": "X", "etype": "planet"}, "type"),
        (("merge", "ner:en:x", "ner:en:x"), {}, "itself"),
    ],
)
def test_bad_edits_are_refused_with_a_reason(tmp_path, args, kwargs, message):
    cur = Curation(tmp_path / "s.sqlite")
    with pytest.raises(CurationError, match=message):
        cur.add(*args, **kwargs)
    assert cur.edits().empty


def test_a_cycle_of_merges_is_refused(tmp_path):
    cur = Curation(tmp_path / "s.sqlite")
    cur.add("merge", "ner:en:a", "ner:en:b")
    with pytest.raises(CurationError, match="cycle"):
        cur.add("merge", "ner:en:b", "ner:en:a")
    assert curation.resolve(cur.mapping(), "ner:en:a") == "ner:en:b"
