"""Which bilateral relationship an article covers, with the evidence.

Each mention of a country, or of a person or organisation affiliated to it
(Biden -> United States, the Kremlin -> Russia), adds weight to that side.
Mentions in the title weigh more, and so do those in the lead, because a
story's subject is stated there. Weapon systems, places and events are not
counted: an S-400 in a US–Turkey story is the subject of the dispute, not a
Russian actor in it. Nor are institutions that are not the state: media,
think tanks, companies, NGOs, court cases, journalists and businesspeople
(``gazetteer.NON_STATE_SUBTYPES``) weigh nothing, so a story quoting The
Washington Post or a Doha think tank is not made US- or Qatar-related by it.

A user's override, when given, always wins; the computed dyad and its
evidence are kept beside it.
"""

from __future__ import annotations

from collections import defaultdict

from lib.analysis.gazetteer import NON_STATE_SUBTYPES
from lib.schema import DYADS

SIDE_ENTITY = {"us": "united-states", "russia": "russia", "turkey": "turkey"}
COUNTED_TYPES = frozenset({"country", "person", "organisation"})

#: Weight of a mention in the title and in the lead (the first sentences of
#: the body) relative to one in the rest of the body.
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
LEAD_SENTENCES = 2
#: When the weaker of the US and Russia sides has at least this share of the
#: stronger one's weight, the article covers both relationships.
BOTH_RATIO = 0.5


def _side(mention: dict) -> str | None:
    if mention.get("type") not in COUNTED_TYPES or mention.get("subtype") in NON_STATE_SUBTYPES:
        return None
    aff = mention.get("affiliation") or (mention["entity_id"] if mention.get("type") == "country" else None)
    for side, eid in SIDE_ENTITY.items():
        if aff == eid or mention["entity_id"] == eid:
            return side
    return None


def mention_weight(sentence_id: int, *, has_title: bool) -> float:
    """Weight of a mention by where it stands in the article."""
    if has_title and sentence_id == 0:
        return TITLE_WEIGHT
    first_body = 1 if has_title else 0
    if sentence_id < first_body + LEAD_SENTENCES:
        return LEAD_WEIGHT
    return 1.0


def decide_dyad(mentions: list[dict], *, has_title: bool, override: str | None = None) -> tuple[str, str, str, list[dict]]:
    """Return ``(dyad, dyad_auto, reason, evidence rows)``.

    ``mentions`` are the article's mention rows (with sentence_id, entity_id,
    type, affiliation). Evidence rows have side, entity_id, n_mentions, weight.
    """
    if override is not None and override not in DYADS:
        raise ValueError(f"unknown dyad {override!r}; expected one of {', '.join(DYADS)}")
    weight: dict[str, float] = defaultdict(float)
    per_entity: dict[tuple[str, str], list[float]] = defaultdict(list)
    for m in mentions:
        side = _side(m)
        if side:
            w = mention_weight(int(m["sentence_id"]), has_title=has_title)
            weight[side] += w
            per_entity[(side, m["entity_id"])].append(w)
    us, ru, tr = weight["us"], weight["russia"], weight["turkey"]
    if tr == 0 or (us == 0 and ru == 0):
        auto = "other"
    elif min(us, ru) >= BOTH_RATIO * max(us, ru):
        auto = "both"
    else:
        auto = "us-turkey" if us > ru else "russia-turkey"
    reason = f"weighted mentions (title ×{TITLE_WEIGHT:g}, lead ×{LEAD_WEIGHT:g}): Turkey {tr:g}, US {us:g}, Russia {ru:g} → {auto}"
    if auto == "both":
        reason += f" (the weaker side has ≥ {BOTH_RATIO:.0%} of the stronger)"
    if override is not None and override != auto:
        reason = f"set by user to {override}; computed: {reason}"
    evidence = [
        {"side": side, "entity_id": eid, "n_mentions": len(ws), "weight": sum(ws)}
        for (side, eid), ws in sorted(per_entity.items(), key=lambda kv: (kv[0][0], -sum(kv[1])))
    ]
    return (override or auto), auto, reason, evidence
