import pytest

from lib.analysis.dyad import decide_dyad


def m(eid, etype, aff, sid=5):
    return {"entity_id": eid, "type": etype, "affiliation": aff, "sentence_id": sid}


TR = m("turkey", "country", "turkey")
US = m("united-states", "country", "united-states")
RU = m("russia", "country", "russia")
BIDEN = m("biden", "person", "united-states")
S400 = m("s-400", "weapon_system", "russia")


def org(eid, aff, subtype):
    return {**m(eid, "organisation", aff), "subtype": subtype}


WAPO = org("washington-post", "united-states", "media")
TASS = org("tass", "russia", "media")
BROOKINGS = org("brookings", "united-states", "think_tank")
GAZPROM = org("gazprom", "russia", "company")
PENTAGON = org("pentagon", "united-states", "government_body")


@pytest.mark.parametrize(
    ("mentions", "expected"),
    [
        ([TR, US, BIDEN], "us-turkey"),
        ([TR, RU, RU], "russia-turkey"),
        ([TR, US, RU], "both"),
        ([US, RU], "other"),  # Turkey absent
        ([TR, m("syria", "country", "syria")], "other"),
        ([TR, US, S400, S400, S400], "us-turkey"),  # weapon systems are not actors
        ([TR, US, US, US, RU], "us-turkey"),
        # media, think tanks and companies never count as their state
        ([TR, RU, WAPO, WAPO, WAPO, BROOKINGS], "russia-turkey"),
        ([TR, US, TASS, TASS, GAZPROM, GAZPROM], "us-turkey"),
        ([TR, WAPO], "other"),
        ([TR, PENTAGON, RU], "both"),  # a government body does
    ],
)
def test_dyad_from_entities(mentions, expected):
    dyad, auto, reason, _evidence = decide_dyad(mentions, has_title=False)
    assert dyad == auto == expected
    assert expected in reason


def test_title_weighs_more_than_the_body():
    body = [TR] + [m("russia", "country", "russia", sid=9 + i) for i in range(5)]
    title_us = [m("united-states", "country", "united-states", sid=0), m("turkey", "country", "turkey", sid=0)]
    dyad, *_ = decide_dyad(body + title_us, has_title=True)
    assert dyad == "both"  # title US (3) vs body Russia (5): the weaker side has ≥ 50 %
    dyad, *_ = decide_dyad(body + title_us, has_title=False)
    assert dyad == "russia-turkey"  # without a title the first sentence is only lead: 2 vs 5


def test_user_override_always_wins_and_evidence_is_kept():
    dyad, auto, reason, evidence = decide_dyad([TR, US, BIDEN], has_title=False, override="russia-turkey")
    assert (dyad, auto) == ("russia-turkey", "us-turkey")
    assert "set by user" in reason
    assert {(e["side"], e["entity_id"], e["n_mentions"]) for e in evidence} >= {("us", "biden", 1), ("turkey", "turkey", 1)}


def test_unknown_override_is_refused():
    with pytest.raises(ValueError, match="unknown dyad"):
        decide_dyad([TR], has_title=False, override="china-turkey")


def test_non_state_institutions_leave_no_evidence():
    _dyad, _auto, _reason, evidence = decide_dyad([TR, US, WAPO, BROOKINGS], has_title=False)
    assert {e["entity_id"] for e in evidence} == {"turkey", "united-states"}
