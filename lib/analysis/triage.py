"""The cheap pass's first question: does this article name any Turkish actor?

An article can only cover US–Turkey or Russia–Turkey relations if a
Turkey-side actor is named in it (``lib.analysis.dyad`` counts Turkey, and
every person or organisation affiliated to it). ``TurkeyScan`` answers that
with set lookups built from the gazetteer's Turkey-side names. It is
deliberately generous — case-insensitive, any proclitic in Arabic, no word
boundary at the end, white space ignored inside an Arabic name — so it can
say "maybe" to an article that the gazetteer then finds to be about
something else, but never "no" to one that names a Turkish actor. A "no" lets the pipeline skip the gazetteer, spaCy,
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
AR_PROCLITICS = tuple(sorted({c + p for c in ("", "و", "ف") for p in ("", "ال", "بال", "كال", "لل", "ب", "ل", "ك")}, key=len))
_AR_PROCLITIC_SET = frozenset(AR_PROCLITICS)
_AR_PROCLITIC_MAX = max(map(len, AR_PROCLITICS))
#: Where an Arabic word starts: a word character not after another.
_AR_WORD_START_RE = re.compile(r"(?<!\w)\w")


_WORD_RE = re.compile(r"\w+")
#: Endings the English matcher lets follow a name (Turks, Turkey's): a word
#: is looked up as written and without them.
_EN_ENDINGS = ("s", "es")


@dataclass(frozen=True)
class TurkeyScan:
    #: English: a key word of each Turkey-side name -> the word sets of the names it keys.
    en_names: dict[str, tuple[frozenset[str], ...]]
    #: Arabic: the Turkey-side stems (normalised, no spaces), and by their
    #: first two letters the lengths of the stems that start so.
    ar_stems: frozenset[str]
    ar_lengths: dict[str, tuple[int, ...]]

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
        stems = frozenset(s for s, alias in gaz.ar_aliases.items() if turkish(alias.entity_id) and s)
        lengths: dict[str, set[int]] = {}
        for s in stems:
            lengths.setdefault(s[:2], set()).add(len(s))
        return cls(
            en_names={k: tuple(v) for k, v in names.items()},
            ar_stems=stems,
            ar_lengths={k: tuple(sorted(v)) for k, v in lengths.items()},
        )

    def names_turkey(self, text: str, language: str) -> bool:
        """True when ``text`` may name a Turkish actor (never False when it does)."""
        if language == "ar":
            return self._names_turkey_ar(arabic.normalise(text))
        words = set(_WORD_RE.findall(fold(text)))
        # Turks, Turkey's: a name's last word may carry an ending the matcher allows.
        words |= {w[: -len(e)] for w in words for e in _EN_ENDINGS if w.endswith(e)}
        return any(names_set <= words for key in words.intersection(self.en_names) for names_set in self.en_names[key])

    def _names_turkey_ar(self, norm: str) -> bool:
        """Whether a stem follows a proclitic at the start of any word of ``norm``.

        The text is read without its white space (a stem may be written with
        spaces inside), but a match must start where a word starts in the text.
        """
        if not self.ar_stems:
            return False
        tokens = norm.split()
        compact = "".join(tokens)
        # Each word start in ``norm``, as an offset into ``compact``: a token's
        # start, and in a token with punctuation every word inside it.
        starts, offset = [], 0
        for tok in tokens:
            if tok.isalnum():
                starts.append(offset)
            else:
                starts.extend(offset + m.start() for m in _AR_WORD_START_RE.finditer(tok))
            offset += len(tok)
        stems, lengths = self.ar_stems, self.ar_lengths
        proclitics, longest = _AR_PROCLITIC_SET, _AR_PROCLITIC_MAX
        for i in starts:
            for d in range(longest + 1):  # the stem after each proclitic the word may start with
                if d and compact[i : i + d] not in proclitics:
                    continue
                j = i + d
                for n in lengths.get(compact[j : j + 2], ()):
                    if compact[j : j + n] in stems:
                        return True
        return False
