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


_WORD_RE = re.compile(r"\w+")
#: Endings the English matcher lets follow a name (Turks, Turkey's): a word
#: is looked up as written and without them.
_EN_ENDINGS = ("s", "es")


@dataclass(frozen=True)
class TurkeyScan:
    #: English: a key word of each Turkey-side name -> the word sets of the names it keys.
    en_names: dict[str, tuple[frozenset[str], ...]]
    ar: re.Pattern

    @classmethod
    def from_gazetteer(cls, gaz) -> TurkeyScan:
        """Build the scan from a compiled gazetteer's alias tables.

        ``gaz.info`` maps entity ids to their type and affiliation;
        ``gaz.en_aliases`` has folded English names (demonyms included) and
        ``gaz.ar_aliases`` white-space-free normalised Arabic stems.
        English: every Turkey-side name as the set of its words, as written
        and in capitals (TURKEY), keyed by its longest word. A name can only be
        in a text whose words include all of its words, so the scan never
        misses one, and "July 15 coup attempt" needs all four words.
        """

        def turkish(eid: str) -> bool:
            info = gaz.info.get(eid, {})
            return eid == TURKEY or info.get("affiliation") == TURKEY

        names: dict[str, set[frozenset[str]]] = {}
        for alias, a in gaz.en_aliases.items():
            if turkish(a.entity_id) and (words := _WORD_RE.findall(alias)):
                for form in (words, [w.upper() for w in words]):
                    names.setdefault(max(form, key=len), set()).add(frozenset(form))
        ar = sorted({s for s, alias in gaz.ar_aliases.items() if turkish(alias.entity_id) and s}, key=len, reverse=True)
        # A stem may be written with spaces inside (the gazetteer's keys have none), and
        # may follow any proclitic; nothing is required after it.
        ar_alt = "|".join(r"\s*".join(re.escape(ch) for ch in s) for s in ar)
        ar_re = re.compile(rf"(?<!\w){_AR_PROCLITIC}(?:{ar_alt})") if ar else re.compile(r"(?!x)x")
        return cls(en_names={k: tuple(v) for k, v in names.items()}, ar=ar_re)

    def names_turkey(self, text: str, language: str) -> bool:
        """True when ``text`` may name a Turkish actor (never False when it does)."""
        if language == "ar":
            return self.ar.search(arabic.normalise(text)) is not None
        words = set(_WORD_RE.findall(fold(text)))
        # Turks, Turkey's: a name's last word may carry an ending the matcher allows.
        words |= {w[: -len(e)] for w in words for e in _EN_ENDINGS if w.endswith(e)}
        return any(names_set <= words for key in words.intersection(self.en_names) for names_set in self.en_names[key])
