"""The cheap pass's first question: does this article name any Turkish actor?

An article can only cover US–Turkey or Russia–Turkey relations if a
Turkey-side actor is named in it (``lib.analysis.dyad`` counts Turkey, and
every person or organisation affiliated to it). ``TurkeyScan`` answers that
with one small regex per language built from the gazetteer's Turkey-side
names. It is deliberately generous — case-insensitive, any prefix in Arabic,
no word boundary at the end — so it can say "maybe" to an article that the
gazetteer then finds to be about something else, but never "no" to one that
names a Turkish actor. A "no" lets the pipeline skip the gazetteer, spaCy,
tone, topics and quotes: most of a news feed is about something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lib.text import arabic
from lib.text.fold import fold

#: The side whose presence every focal dyad needs.
TURKEY = "turkey"
#: Any proclitic the gazetteer's Arabic matcher accepts (conjunction, preposition, article).
_AR_PROCLITIC = r"(?:[وف]?(?:[بك]?ال|لل|[بلك])?)"


@dataclass(frozen=True)
class TurkeyScan:
    en: re.Pattern
    ar: re.Pattern

    @classmethod
    def from_gazetteer(cls, gaz) -> TurkeyScan:
        """Build the scan from a compiled gazetteer's alias tables.

        ``gaz.info`` maps entity ids to their type and affiliation;
        ``gaz.en_aliases`` has folded English names (demonyms included) and
        ``gaz.ar_aliases`` white-space-free normalised Arabic stems.
        """

        def turkish(eid: str) -> bool:
            info = gaz.info.get(eid, {})
            return eid == TURKEY or info.get("affiliation") == TURKEY

        en = sorted({a for a, alias in gaz.en_aliases.items() if turkish(alias.entity_id)}, key=len, reverse=True)
        ar = sorted({s for s, alias in gaz.ar_aliases.items() if turkish(alias.entity_id) and s}, key=len, reverse=True)
        en_re = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in en) + ")", re.IGNORECASE) if en else re.compile(r"(?!x)x")
        # A stem may be written with spaces inside (the gazetteer's keys have none), and
        # may follow any proclitic; nothing is required after it.
        ar_alt = "|".join(r"\s*".join(re.escape(ch) for ch in s) for s in ar)
        ar_re = re.compile(rf"(?<!\w){_AR_PROCLITIC}(?:{ar_alt})") if ar else re.compile(r"(?!x)x")
        return cls(en=en_re, ar=ar_re)

    def names_turkey(self, text: str, language: str) -> bool:
        """True when ``text`` may name a Turkish actor (never False when it does)."""
        if language == "ar":
            return self.ar.search(arabic.normalise(text)) is not None
        return self.en.search(fold(text)) is not None
