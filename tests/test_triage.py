"""The cheap pass: articles about neither relationship are triaged without models."""

from __future__ import annotations

import pytest

from lib.analysis import entities, gazetteer
from lib.analysis.pipeline import Resources, analyze_text
from lib.analysis.triage import TurkeyScan

OFF_TOPIC = "Storm hits the coast\n\nHeavy rain flooded streets in Lisbon on Monday. Officials said schools would reopen on Wednesday."
TURKEY_ONLY = "Ankara hosts a fair\n\nTurkish officials opened a trade fair in Ankara. Visitors from Finland attended."
US_TURKEY = (
    "Erdogan calls Biden\n\nTurkish President Recep Tayyip Erdogan spoke with US President Joe Biden on Monday about the F-35 programme. "
    "The two leaders said that they would meet again in the autumn, and that their ministers were working on it."
)


class NoModels(Resources):
    """Resources that fail loudly if the cheap pass touches a model."""

    def _get(self, name, load):
        if name in ("nlp", "tone", "taxonomy", "arabic_ner"):
            raise AssertionError(f"the cheap pass loaded {name}")
        return super()._get(name, load)


@pytest.mark.parametrize("text", [OFF_TOPIC, TURKEY_ONLY])
def test_articles_of_neither_relationship_are_triaged_without_models(text):
    rows = analyze_text(text, file="x.txt", resources=NoModels())
    art = rows["articles"][0]
    assert art["depth"] == "triage" and art["dyad"] == "other" and art["status"] == "ok"
    assert art["n_sentences"] >= 2 and art["text"] is None
    assert not rows["sentences"] and not rows["mentions"] and not rows["quotes"]
    assert art["dyad_reason"]


def test_no_turkish_actor_is_the_reason_given():
    art = analyze_text(OFF_TOPIC, file="x.txt", resources=NoModels())["articles"][0]
    assert "no Turkish actor" in art["dyad_reason"]


def test_turkey_only_article_keeps_its_dyad_evidence():
    rows = analyze_text(TURKEY_ONLY, file="x.txt", resources=NoModels())
    assert {e["side"] for e in rows["dyad_evidence"]} == {"turkey"}
    assert "Turkey" in rows["articles"][0]["dyad_reason"]


def test_relevant_article_gets_the_full_analysis(resources):
    rows = analyze_text(US_TURKEY, file="x.txt", resources=resources)
    art = rows["articles"][0]
    assert art["depth"] == "full" and art["dyad"] == "us-turkey"
    assert rows["sentences"] and rows["mentions"] and art["text"]
    assert all(s["tone"] is not None for s in rows["sentences"])


def test_a_user_assigned_dyad_makes_a_triaged_article_fully_analysed(resources):
    rows = analyze_text(OFF_TOPIC, file="x.txt", resources=resources, dyad_override="russia-turkey")
    art = rows["articles"][0]
    assert art["depth"] == "full" and art["dyad"] == "russia-turkey" and art["dyad_auto"] == "other"
    assert rows["sentences"]


def test_depth_full_and_triage_are_honoured(resources):
    assert analyze_text(OFF_TOPIC, file="x.txt", resources=resources, depth="full")["articles"][0]["depth"] == "full"
    assert analyze_text(US_TURKEY, file="x.txt", resources=NoModels(), depth="triage")["articles"][0]["depth"] == "triage"


def test_the_scan_never_misses_a_turkish_name_the_gazetteer_knows():
    """Every Turkey-side alias, in a sentence, is seen by the scan (English and Arabic)."""
    gaz = gazetteer.load_gazetteer()
    scan = TurkeyScan.from_gazetteer(gaz)
    turkish = {eid for eid, info in gaz.info.items() if eid == "turkey" or info.get("affiliation") == "turkey"}
    assert len(turkish) > 10
    table = gaz.table.set_index("entity_id")
    for eid in turkish:
        en = table.at[eid, "name_en"]
        ar = table.at[eid, "name_ar"]
        assert scan.names_turkey(f"Yesterday {en} said nothing new.", "en"), en
        if isinstance(ar, str) and ar:
            assert scan.names_turkey(f"وقال {ar} أمس إن الوضع مستقر.", "ar"), ar
    # Whatever the gazetteer's matcher finds on the Turkey side, the scan has seen (every alias,
    # possessive and plural forms, a headline in capitals).
    for alias, a in gaz.en_aliases.items():
        if a.entity_id in turkish:
            for sentence in (
                f"Yesterday {alias}'s office said nothing new.",
                f"Officials met {alias}s in Rome.",
                f"NEWS: {alias.upper()} WINS",
            ):
                mentions = entities.match_english(sentence, gaz=gaz)
                if any(m["entity_id"] in turkish for m in mentions):
                    assert scan.names_turkey(sentence, "en"), sentence
    assert not scan.names_turkey("Rain fell in Lisbon and Porto.", "en")
    assert not scan.names_turkey("The failed attempt on 15 July was a crisis for the city.", "en")
    assert not scan.names_turkey("هطلت أمطار غزيرة على لشبونة.", "ar")


def test_same_text_from_different_formats_has_one_id(resources):
    body = "Erdogan and Biden met in Rome.\n\nThey discussed the F-35 programme and Syria."
    a = analyze_text("Leaders meet\n\n" + body, file="a.txt", resources=resources)["articles"][0]["article_id"]
    b = analyze_text(body.replace("\n\n", "\n\n\n"), file="b.csv#1", resources=resources, metadata={"title": "Leaders meet"})
    assert b["articles"][0]["article_id"] == a
