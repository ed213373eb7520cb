"""Corpus roll-ups (lib.corpus.rollups): group-bys that agree with the per-row definitions."""

from __future__ import annotations

import pandas as pd
import pytest

from lib import schema
from lib.analysis.gazetteer import load_gazetteer
from lib.corpus import rollups
from lib.corpus.rollups import apply_edits, entities_table
from lib.errors import SchemaError


def test_entity_tone():
    mentions = pd.DataFrame(
        {
            "article_id": ["a", "a", "a", "a", "b", "b"],
            "sentence_id": [0, 0, 1, 2, 0, 1],
            "entity_id": ["erdogan", "erdogan", "erdogan", "biden", "putin", "putin"],
            "surface": ["x"] * 6,
        }
    )
    sentences = pd.DataFrame(
        {
            "article_id": ["a", "a", "a", "b", "b"],
            "sentence_id": [0, 1, 2, 0, 1],
            "tone": [0.5, -0.1, None, None, None],
        }
    )
    out = rollups.entity_tone(mentions, sentences)
    assert list(out.columns) == ["article_id", "entity_id", "n_sentences", "tone"]
    rows = {(r.article_id, r.entity_id): r for r in out.itertuples()}
    assert rows[("a", "erdogan")].n_sentences == 2  # two mentions in sentence 0 count once
    assert rows[("a", "erdogan")].tone == pytest.approx(0.2)
    assert rows[("a", "biden")].n_sentences == 1
    assert pd.isna(rows[("a", "biden")].tone)  # its only sentence was not scored
    assert rows[("b", "putin")].n_sentences == 2 and pd.isna(rows[("b", "putin")].tone)
    assert str(out["tone"].dtype) == "Float64"


def test_entity_tone_empty_and_bad_input():
    empty = rollups.entity_tone(
        pd.DataFrame(columns=["article_id", "sentence_id", "entity_id"]),
        pd.DataFrame(columns=["article_id", "sentence_id", "tone"]),
    )
    assert empty.empty and list(empty.columns) == ["article_id", "entity_id", "n_sentences", "tone"]
    with pytest.raises(SchemaError):
        rollups.entity_tone(pd.DataFrame({"article_id": []}), pd.DataFrame())


def test_entities_table_names_each_model_entity_by_its_most_frequent_surface():
    gaz = load_gazetteer()
    mentions = pd.DataFrame(
        {
            "entity_id": ["ner:en:x", "ner:en:x", "ner:en:x", "ner:ar:y", "turkey"],
            "surface": ["Acme Corp", "Acme", "Acme Corp", "شركة", "Turkey"],
            "type": ["organisation"] * 4 + ["country"],
            "canonical": [False, False, False, False, True],
        }
    )
    out = entities_table(mentions, gazetteer_table=gaz.table).set_index("entity_id")
    assert len(out) == len(gaz.table) + 2
    assert out.at["ner:en:x", "name_en"] == "Acme Corp" and pd.isna(out.at["ner:en:x", "name_ar"])
    assert out.at["ner:ar:y", "name_ar"] == "شركة" and not out.at["ner:ar:y", "canonical"]
    assert entities_table(mentions.iloc[0:0], gazetteer_table=gaz.table).equals(gaz.table)


def test_apply_edits_changes_only_edited_fields_and_records_who_set_the_dyad():
    arts = schema.from_rows(
        "articles",
        [
            {"article_id": "a", "date": "2020-01-01", "source": "Wire", "dyad": "us-turkey", "dyad_auto": "us-turkey", "dyad_reason": "r1"},
            {"article_id": "b", "date": "2020-01-02", "source": "AP", "dyad": "other", "dyad_auto": "other", "dyad_reason": "r2"},
        ],
    )
    edits = pd.DataFrame({"article_id": ["a", "b"], "field": ["dyad", "source"], "value": ["russia-turkey", "Reuters"]}).astype("string")
    out = apply_edits(arts, edits).set_index("article_id")
    assert out.at["a", "dyad"] == "russia-turkey" and out.at["a", "dyad_auto"] == "us-turkey"
    assert out.at["a", "dyad_reason"].startswith("set by user to russia-turkey; computed: r1")
    assert out.at["b", "source"] == "Reuters" and out.at["b", "dyad"] == "other" and out.at["b", "date"] == "2020-01-02"
    assert arts.set_index("article_id").at["a", "dyad"] == "us-turkey"  # the input is left alone
    assert apply_edits(arts, edits.iloc[0:0]).equals(arts)


def test_rollups_contain_no_row_loops():
    import inspect

    src = inspect.getsource(rollups)
    assert "iterrows" not in src and "itertuples" not in src and ".mode()" not in src


def test_entity_tone_takes_each_mentions_own_tone_where_it_was_scored():
    mentions = pd.DataFrame(
        {
            "article_id": ["a", "a", "a", "a"],
            "sentence_id": [0, 0, 1, 2],
            "entity_id": ["erdogan", "biden", "erdogan", "erdogan"],
            "tone": [-0.6, 0.4, None, None],
            "tone_method": ["targeted", "targeted", None, "targeted"],  # sentence 2: scored, but no tone toward him
        }
    )
    sentences = pd.DataFrame({"article_id": ["a"] * 3, "sentence_id": [0, 1, 2], "tone": [0.1, 0.3, 0.9]})
    out = rollups.entity_tone(mentions, sentences).set_index("entity_id")
    assert out.at["biden", "tone"] == pytest.approx(0.4)  # the same sentence, another tone toward another person
    assert out.at["erdogan", "n_sentences"] == 3
    assert out.at["erdogan", "tone"] == pytest.approx((-0.6 + 0.3) / 2)  # sentence 1 falls back; sentence 2 has none
