"""What the quotes of both languages are made of: the speaker and quote found in a sentence, quotation
marks, a speaker's country, and what earlier sentences leave for later ones (an open quotation, the
last speaker and person for a pronoun, roles introduced with a name)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lib.text.arabic import normalise, term_pattern

QUOTE_LANGUAGES = ("en", "ar")

#: How many sentences back a pronoun (or an Arabic verb without a subject)
#: may find its speaker: news prose rarely keeps "he" longer than that.
PRONOUN_WINDOW = 3

#: A double quotation mark left open at the end of a sentence continues into
#: the next ones (a quote of several sentences) for at most this many
#: sentences, so that one unbalanced straight quote cannot swallow an article.
MAX_QUOTE_SENTENCES = 4

#: A speaker description longer than this is a clause, not a speaker.
MAX_SPEAKER_WORDS = 8

#: After a closing quotation mark the speech verb must come within this many
#: characters ("…,” Defense Minister Hulusi Akar said" is 32).
MAX_ATTRIBUTION_GAP = 70

#: A clause before ", X said" must have at least this many words to be the
#: quote: in "Meanwhile, Erdogan said …" the quote is not "Meanwhile".
MIN_CLAUSE_WORDS = 3

Row = dict


@dataclass(frozen=True)
class Speaker:
    surface: str
    entity_id: str | None = None
    affiliation: str | None = None
    anonymous: bool = False
    person: bool = True  # may be the antecedent of "he" / "she"


@dataclass(frozen=True)
class Found:
    """One attributed quote inside a sentence."""

    speaker: Speaker
    quote: str
    kind: str  # direct | reported
    start: int  # where the quote or its cue starts (orders rows in a sentence)
    end: int  # the sentence text up to here is consumed
    goes_on: bool = False  # a quotation still open at the sentence end: later sentences extend it


# --- quotation marks -------------------------------------------------------------------

#: Opening double mark -> the marks that may close it.
DOUBLE_MARKS = {"“": '”"', "«": "»", "„": "“”", '"': '"”'}
#: Opening single mark -> its closing mark. Single marks double as
#: apostrophes, so they open only at a word start, close only at a word end,
#: and are never carried into the next sentence.
SINGLE_MARKS = {"‘": "’", "'": "'", "‹": "›"}
_ANY_DOUBLE_CLOSER = '”"»'
_OPEN_AFTER = "([{—–-:,;/"


@dataclass(frozen=True)
class Span:
    """Quotation marks at ``open`` and ``close``: -1 when opened in an earlier
    sentence, ``len(text)`` when still open at the sentence's end."""

    open: int
    close: int

    def inner(self, text: str) -> str:
        return text[self.open + 1 : self.close]

    def contains(self, pos: int) -> bool:
        return self.open <= pos <= self.close


def _opens_single(text: str, i: int) -> bool:
    before_ok = i == 0 or text[i - 1].isspace() or text[i - 1] in _OPEN_AFTER
    return before_ok and i + 1 < len(text) and not text[i + 1].isspace()


def _closes_single(text: str, i: int) -> bool:
    return i > 0 and not text[i - 1].isspace() and (i + 1 == len(text) or not text[i + 1].isalnum())


def quote_spans(text: str, *, carried: bool = False) -> tuple[list[Span], bool]:
    """Top-level quotation spans of ``text``, and whether a double quote is open at its end.

    ``carried``: the sentence starts inside a quotation opened earlier.
    """
    spans: list[Span] = []
    open_at: int | None = -1 if carried else None
    closers, single = _ANY_DOUBLE_CLOSER, False
    for i, ch in enumerate(text):
        if open_at is not None:
            if ch in closers and (not single or _closes_single(text, i)):
                spans.append(Span(open_at, i))
                open_at = None
            continue
        if ch in DOUBLE_MARKS:
            open_at, closers, single = i, DOUBLE_MARKS[ch], False
        elif ch in SINGLE_MARKS and _opens_single(text, i):
            open_at, closers, single = i, SINGLE_MARKS[ch], True
    if open_at is not None and not single:
        spans.append(Span(open_at, len(text)))
        return spans, True
    return spans, False


def inside(spans: list[Span], pos: int) -> bool:
    return any(s.contains(pos) for s in spans)


_TRIM = " \t\n,.;:!?—–-،؛"
_MARKS = "\"'“”‘’«»"
_DOUBLE = '"“”«»„'


def clean_quote(text: str) -> str:
    """A quote without the punctuation around it, and without quotation marks at
    its ends unless their partner is inside it (… جرت في جو "إيجابي للغاية")."""
    out = " ".join(text.split()).strip(_TRIM)
    while len(out) > 1:
        unmatched = sum(out.count(c) for c in _DOUBLE) % 2 == 1
        if out[0] in _MARKS and out[-1] in _MARKS and quote_spans(out)[0][:1] == [Span(0, len(out) - 1)]:
            out = out[1:-1].strip(_TRIM)
        elif unmatched and out[-1] in _DOUBLE:
            out = out[:-1].strip(_TRIM)
        elif unmatched and out[0] in _DOUBLE:
            out = out[1:].strip(_TRIM)
        else:
            break
    return out


# --- affiliation -----------------------------------------------------------------------

#: Nationality and capital words -> the country entity id (as in
#: lib/analysis/data/gazetteer.csv) a described source belongs to.
NATIONALITY_EN = {
    "united-states": r"U\.?S\.?A?|American|Americans|United States|Washington|White House|Pentagon|State Department",
    "turkey": r"Turkish|Turkey|Turkiye|Ankara",
    "russia": r"Russian|Russia|Moscow|Kremlin",
    "syria": r"Syrian|Syria|Damascus",
    "ukraine": r"Ukrainian|Ukraine|Kyiv|Kiev",
    "greece": r"Greek|Greece|Athens",
    "iran": r"Iranian|Iran|Tehran",
    "israel": r"Israeli|Israel",
    "france": r"French|France|Paris",
    "germany": r"German|Germany|Berlin",
    "china": r"Chinese|China|Beijing",
    "united-kingdom": r"British|Britain|UK|London",
}
#: Arabic nisba adjectives (endings tolerated: الأمريكية، الأميركيين) and names.
NATIONALITY_AR = {
    "united-states": (["أمريكي", "أميركي"], ["الولايات المتحدة", "واشنطن", "البيت الأبيض"]),
    "turkey": (["تركي"], ["تركيا", "أنقرة"]),
    "russia": (["روسي"], ["روسيا", "موسكو", "الكرملين"]),
    "syria": (["سوري"], ["سوريا", "دمشق"]),
    "ukraine": (["أوكراني"], ["أوكرانيا", "كييف"]),
    "greece": (["يوناني"], ["اليونان", "أثينا"]),
    "iran": (["إيراني"], ["إيران", "طهران"]),
    "israel": (["إسرائيلي"], ["إسرائيل"]),
    "france": (["فرنسي"], ["فرنسا", "باريس"]),
    "germany": (["ألماني"], ["ألمانيا", "برلين"]),
    "china": (["صيني"], ["الصين", "بكين"]),
    "united-kingdom": (["بريطاني"], ["بريطانيا", "لندن"]),
}
_NATIONALITY_EN_RE = [(cid, re.compile(rf"(?<!\w)(?:{rx})(?:['’]s)?(?!\w)")) for cid, rx in NATIONALITY_EN.items()]
_NATIONALITY_AR_RE = [
    (cid, re.compile("|".join([*(term_pattern(a, adjective=True) for a in adjs), *(term_pattern(n) for n in names)])))
    for cid, (adjs, names) in NATIONALITY_AR.items()
]


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def nationality(text: str, language: str) -> str | None:
    """The country a source description names first ("a senior US official" -> united-states)."""
    if language == "ar":
        probe, table = normalise(text), _NATIONALITY_AR_RE
    else:
        probe, table = _fold(text), _NATIONALITY_EN_RE
    hits = [(m.start(), cid) for cid, rx in table for m in [rx.search(probe)] if m]
    return min(hits)[1] if hits else None


def _mention_affiliation(m: dict) -> str | None:
    if m.get("type") == "country":
        return m.get("affiliation") or m["entity_id"]
    return m.get("affiliation") or None


#: Which mention in a speaker phrase is the speaker: persons, then
#: organisations, then countries ("Russia says …").
TYPE_RANK = {"person": 0, "organisation": 1, "country": 2}


def speaker_mention(mentions: list[dict], lo: int, hi: int) -> dict | None:
    inside = [m for m in mentions if lo <= m["start"] and m["end"] <= hi and m.get("type") in TYPE_RANK]
    if not inside:
        return None
    return min(inside, key=lambda m: (TYPE_RANK[m["type"]], -m["end"]))


def from_mention(m: dict, surface: str) -> Speaker:
    return Speaker(surface, m["entity_id"], _mention_affiliation(m), False, m.get("type") == "person")


def country_in(mentions: list[dict], lo: int, hi: int) -> str | None:
    for m in sorted(mentions, key=lambda m: m["start"]):
        if lo <= m["start"] and m["end"] <= hi and _mention_affiliation(m):
            return _mention_affiliation(m)
    return None


# --- what earlier sentences leave for later ones ------------------------------------------


@dataclass
class State:
    speakers: list[tuple[int, Speaker]] = field(default_factory=list)  # (sentence, speaker), in order
    persons: list[tuple[int, int, dict]] = field(default_factory=list)  # (sentence, start, mention)
    titled: list[tuple[str, dict]] = field(default_factory=list)  # (text up to a person mention, mention)
    open_quote: bool = False
    open_parts: list[str] = field(default_factory=list)
    open_row: Row | None = None
    open_age: int = 0

    def antecedent(self, i: int, pos: int) -> Speaker | None:
        """For "he said" in sentence ``i`` at ``pos``: the latest person speaker, else person mention."""
        for j, sp in reversed(self.speakers):
            if j < i - PRONOUN_WINDOW:
                break
            if sp.person:
                return sp
        for j, start, m in reversed(self.persons):
            if j < i - PRONOUN_WINDOW:
                break
            if j < i or start < pos:
                return from_mention(m, m.get("surface") or m["entity_id"])
        return None

    def by_title(self, head: str, country: str | None) -> dict | None:
        """For "the defense minister": the latest person mention introduced with that title."""
        for before, m in reversed(self.titled):
            if re.search(rf"(?<!\w){re.escape(head)}(?!\w)", before, re.IGNORECASE) and (
                country is None or m.get("affiliation") in (None, country)
            ):
                return m
        return None

    def remember(self, i: int, text: str, mentions: list[dict]) -> None:
        for m in sorted(mentions, key=lambda m: m["start"]):
            if m.get("type") == "person":
                self.persons.append((i, m["start"], m))
                self.titled.append((text[max(0, m["start"] - 40) : m["start"]], m))

    def carry(self, text: str, spans: list[Span], open_at_end: bool) -> None:
        """Keep an unclosed double quotation open into the next sentence."""
        if open_at_end and self.open_age < MAX_QUOTE_SENTENCES:
            last = spans[-1]
            self.open_parts = [*self.open_parts, last.inner(text)] if last.open < 0 else [last.inner(text)]
            self.open_quote = True
            self.open_age += 1
        else:
            self.open_quote, self.open_parts, self.open_row, self.open_age = False, [], None, 0


def to_row(i: int, f: Found) -> Row:
    return {
        "sentence_index": i,
        "speaker": f.speaker.surface,
        "speaker_entity_id": f.speaker.entity_id,
        "affiliation": f.speaker.affiliation,
        "anonymous": f.speaker.anonymous,
        "quote": f.quote,
        "kind": f.kind,
    }


def continue_open_quote(state: State, text: str, spans: list[Span]) -> bool:
    """Extend a quotation attributed in an earlier sentence; True if this sentence's first span was it."""
    if not spans or spans[0].open >= 0 or state.open_row is None:
        return False
    state.open_row["quote"] = clean_quote(" ".join([*state.open_parts, spans[0].inner(text)]))
    if spans[0].close < len(text):
        state.open_row = None
    return True
