"""Quotes: who speaks in an article, and what they are reported to say.

``extract_quotes`` reads an article's sentences in order, with the entity
mentions of each sentence, and returns one row per attributed quote:

* **direct** speech: the words inside quotation marks (“ ” « » " and, with
  care for apostrophes, ‘ ’ '), attributed by a speech verb next to the
  marks ("“…,” Akar said", "said: “…”", "by saying, “…”");
* **reported** speech: the clause a speech verb introduces ("Erdogan said
  that …", "…, a senior US official said", "According to Kremlin, …";
  Arabic "وقال مسؤول أمريكي للصحفيين إن …").

The speaker is, in order of preference: an entity mention in the speaker's
place (its id and affiliation); a described source ("a senior US
administration official", "مسؤول تركي"), whose affiliation is read from the
description and which is anonymous when it names no one; a role that was
introduced earlier with a name ("the defense minister" -> Akar); a
capitalised name the entity matcher missed; and, for a pronoun ("he said")
or an Arabic verb without a stated subject ("وأضاف أن"), the most recent
speaker, else the most recent person mentioned, within
:data:`PRONOUN_WINDOW` sentences. A pronoun row carries its antecedent's
surface text.

No speech verb, no row: headlines and scare quotes give none, nor does a
verb whose complement is not speech ("insisted on anonymity", "شدد على
أهمية"), nor a passive ("it is said that"). A quotation that runs over
several sentences is one row, on the sentence whose verb attributes it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from lib.text.arabic import NORM_TABLE, NormalisedText, normalise, normalise_with_offsets, term_pattern

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

#: Arabic: tokens allowed between the speaker and the complementiser إن/أن
#: (an addressee, a time, "لم يذكر اسمه").
AR_MAX_GAP_TOKENS = 8

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


def _inside(spans: list[Span], pos: int) -> bool:
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
_TYPE_RANK = {"person": 0, "organisation": 1, "country": 2}


def _speaker_mention(mentions: list[dict], lo: int, hi: int) -> dict | None:
    inside = [m for m in mentions if lo <= m["start"] and m["end"] <= hi and m.get("type") in _TYPE_RANK]
    if not inside:
        return None
    return min(inside, key=lambda m: (_TYPE_RANK[m["type"]], -m["end"]))


def _from_mention(m: dict, surface: str) -> Speaker:
    return Speaker(surface, m["entity_id"], _mention_affiliation(m), False, m.get("type") == "person")


def _country_in(mentions: list[dict], lo: int, hi: int) -> str | None:
    for m in sorted(mentions, key=lambda m: m["start"]):
        if lo <= m["start"] and m["end"] <= hi and _mention_affiliation(m):
            return _mention_affiliation(m)
    return None


# --- what earlier sentences leave for later ones ------------------------------------------


@dataclass
class _State:
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
                return _from_mention(m, m.get("surface") or m["entity_id"])
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


def _to_row(i: int, f: Found) -> Row:
    return {
        "sentence_index": i,
        "speaker": f.speaker.surface,
        "speaker_entity_id": f.speaker.entity_id,
        "affiliation": f.speaker.affiliation,
        "anonymous": f.speaker.anonymous,
        "quote": f.quote,
        "kind": f.kind,
    }


def _continue_open_quote(state: _State, text: str, spans: list[Span]) -> bool:
    """Extend a quotation attributed in an earlier sentence; True if this sentence's first span was it."""
    if not spans or spans[0].open >= 0 or state.open_row is None:
        return False
    state.open_row["quote"] = clean_quote(" ".join([*state.open_parts, spans[0].inner(text)]))
    if spans[0].close < len(text):
        state.open_row = None
    return True


# === English ============================================================================

#: Speech verbs, lower case only: a capitalised "Said" is a name (Said Jalili).
EN_VERBS = (
    "said|says|told|tells|added|adds|stressed|stresses|noted|notes|warned|warns|insisted|insists|announced|announces|"
    "stated|declared|emphasi[sz]ed|reiterated|confirmed|explained|claimed|claims|argued|wrote|underlined|asserted|reported"
)
#: Verbs that take a bare clause ("Erdogan said Turkey had …"); the others
#: need "that" or a quotation ("stressed the importance of" is not a quote).
EN_BARE_CLAUSE = frozenset({"said", "says", "told", "tells", "added", "adds", "claimed", "claims", "argued", "wrote"})
EN_PARTICIPLES = (
    "saying|adding|noting|stressing|warning|insisting|claiming|reiterating|emphasi[sz]ing|explaining|arguing|underlining|asserting"
)
_EN_CUE_RE = re.compile(
    rf"(?P<src>\b[Aa]ccording to\b|\bciting\b)|(?P<qas>\bquoted as saying\b)"
    rf"|(?<![\w-])(?P<part>{EN_PARTICIPLES})(?![\w-])|(?<![\w-])(?P<verb>{EN_VERBS})(?![\w-])"
)

#: Words skipped between a speaker and the verb ("The US has said", "he also said").
EN_AUX = frozenset(
    "has have had also previously later reportedly again then further repeatedly publicly earlier once already "
    "recently separately too himself herself".split()
)
#: A passive auxiliary before the verb means no speaker ("it is said", "was said to be").
EN_PASSIVE = frozenset("is was were been be being".split())
#: Heads of a described source that names no one.
EN_ANON_HEADS = frozenset("official source diplomat aide insider person people officer media".split())
#: Heads of a source described by its role; may refer back to a named person.
EN_ROLE_HEADS = frozenset(
    "president minister spokesman spokeswoman spokesperson ambassador envoy secretary chancellor leader adviser advisor "
    "commander general governor senator lawmaker analyst expert chief head negotiator premier prosecutor researcher "
    "scientist witness resident lawyer activist journalist correspondent".split()
)
#: Heads of an institutional source.
EN_ORG_HEADS = frozenset(
    "ministry government administration office department agency presidency statement newspaper network outlet embassy "
    "army military readout police report study court".split()
)
EN_HEADS = EN_ANON_HEADS | EN_ROLE_HEADS | EN_ORG_HEADS
#: Title words that may precede a named speaker and belong to the speaker text.
EN_TITLE_WORDS = frozenset(
    "president minister spokesman spokeswoman spokesperson foreign defense defence prime vice secretary general deputy "
    "chief ambassador senator adviser advisor envoy interior national security".split()
)
#: Capitalised words that start sentences or clauses but are not names.
EN_STOP_CAPS = frozenset(
    "The A An But And Yet So Then Also However Meanwhile In On At Of For From With By During After Before Since While "
    "When If As Both This That These Those It Its There Their They We I He She His Her Our Despite Although Though "
    "According Speaking Asked Later Earlier Today Yesterday Last Therefore Because Indeed What Who Why How Where Which "
    "Many Several Some Most Each Every All Other Such Any No Not".split()
)
EN_PRONOUNS = frozenset({"he", "she"})
_NAME_PARTICLES = frozenset({"al", "bin", "de", "van", "von", "el"})
#: Words that open a time or place adjunct after a verb ("said on Saturday",
#: "announced four days ago that …"): the clause, if any, follows "that".
EN_ADJUNCT_START = frozenset(
    "on in at last this during after before earlier later yesterday today tonight recently previously late early "
    "to from via with while when as by also again publicly repeatedly one two three four five six seven eight nine ten "
    "several few monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december".split()
)
#: Characters that end a speaker phrase when reading backwards from a verb.
_PHRASE_BREAK = ',;:()[]{}“”"«»—–'
_WORD_RE = re.compile(r"[\w’'.\-]+")
#: Whom a source "told": reporters, the BBC, the Associated Press, CBS News.
_ADDRESSEE_EN = r"(?:(?:the|a|an)\s+)?(?:[A-Z][\w’'.\-]*(?:\s+[A-Z][\w’'.\-]*)*|[\w\-]+)"
#: A participle reports speech only after a comma or "by": "…, adding that",
#: "by saying, “…”" — not in "what she's saying".
_PARTICIPLE_AFTER_RE = re.compile(r"(?:,|\bby|\bwhile|\bbefore|\bafter)\s*$")


def _phrase_start(text: str, lo: int, hi: int) -> int:
    i = hi
    while i > lo and text[i - 1] not in _PHRASE_BREAK:
        i -= 1
    return i


def _strip_aux(text: str, lo: int, hi: int, *, allow_passive: bool = False) -> tuple[int, bool]:
    """End of the speaker phrase before a verb at ``hi``, and whether the verb is passive."""
    words = list(_WORD_RE.finditer(text, lo, hi))
    while words and text[words[-1].end() : hi].strip() == "":
        w = words[-1].group().lower()
        if w in EN_PASSIVE and not allow_passive:
            return words[-1].start(), True
        if w not in EN_AUX and w not in EN_PASSIVE:
            break
        hi = words[-1].start()
        words.pop()
    return len(text[:hi].rstrip()), False


def _is_name_word(tok: str) -> bool:
    return (tok[:1].isupper() and tok not in EN_STOP_CAPS) or tok.lower() in _NAME_PARTICLES or tok.lower().startswith(("al-", "el-"))


def _extend_title(text: str, lo: int, start: int) -> int:
    """Move ``start`` left over titles and names ("Defense Minister", "Al Jazeera’s")."""
    new = start
    for w in reversed(list(_WORD_RE.finditer(text, lo, start))):
        if text[w.end() : new].strip():
            break
        tok = w.group()
        if not (_is_name_word(tok) or tok.lower() in EN_TITLE_WORDS):
            break
        new = w.start()
    return new


def _name_before(text: str, lo: int, hi: int) -> str | None:
    """A run of capitalised words ending at ``hi``: a name the entity matcher missed."""
    start = None
    for w in reversed(list(_WORD_RE.finditer(text, lo, hi))):
        if text[w.end() : start if start is not None else hi].strip() or not _is_name_word(w.group()):
            break
        start = w.start()
    words = text[start:hi].split() if start is not None else []
    while words and words[0].lower() in _NAME_PARTICLES:
        words = words[1:]
    return " ".join(words) or None


def _name_at(text: str, lo: int, hi: int) -> str | None:
    """A run of capitalised words starting the clause at ``lo`` (skipping "The"), as written."""
    first = last = None
    prev_end = lo
    for w in _WORD_RE.finditer(text, lo, hi):
        tok = w.group().rstrip(".")
        if first is None and tok in {"The", "A", "An"}:
            prev_end = w.end()
            continue
        if not _is_name_word(tok) or text[prev_end : w.start()].strip():
            break
        first = w.start() if first is None else first
        last = prev_end = w.end()
    return text[first:last].rstrip(".") if first is not None else None


def _head(word: str) -> str:
    w = re.sub(r"['’]s$", "", word.lower().strip(".’'"))
    return w[:-1] if w.endswith("s") and w[:-1] in EN_HEADS else w


def _described_en(text: str, lo: int, hi: int, mentions: list[dict], state: _State) -> Speaker | None:
    """A source described, not named: "a senior US administration official", "the defense minister"."""
    words = text[lo:hi].split()
    while words and words[0].lower() in {"and", "but", "while", "as"}:
        words = words[1:]
    if not words or len(words) > MAX_SPEAKER_WORDS:
        return None
    head = _head(words[-1])
    if head not in EN_HEADS:
        return None
    surface = " ".join(words)
    country = _country_in(mentions, lo, hi) or nationality(surface, "en")
    if head in EN_ROLE_HEADS and words[0].lower() == "the":
        m = state.by_title(head, country)
        if m is not None:
            return Speaker(surface, m["entity_id"], m.get("affiliation") or country, False, True)
    return Speaker(surface, None, country, head in EN_ANON_HEADS, head not in EN_ORG_HEADS)


def _appositive_head(text: str, lo: int, comma: int) -> int | None:
    """For "Dimitri Peskov, Kremlin’s spokesman, stressed": where "Dimitri Peskov" ends."""
    prev = text.rfind(",", lo, comma)
    if prev < 0 or comma - prev > 90:
        return None
    before = text[_phrase_start(text, lo, prev) : prev].split()
    if not before or not before[0][:1].isupper() or before[0] in EN_STOP_CAPS or len(before) > 4:
        return None
    return prev


def _speaker_before_en(
    text: str, lo: int, verb_start: int, mentions: list[dict], state: _State, i: int, *, allow_passive: bool = False
) -> Speaker | None:
    """The speaker written just before a speech verb."""
    hi, passive = _strip_aux(text, lo, verb_start, allow_passive=allow_passive)
    if passive or hi <= lo:
        return None
    if text[hi - 1] == ",":
        head_end = _appositive_head(text, lo, hi - 1)
        if head_end is None:
            return None
        hi = head_end
    start = _phrase_start(text, lo, hi)
    words = text[start:hi].split()
    if len(words) == 1 and words[0].lower() in EN_PRONOUNS:
        return state.antecedent(i, verb_start)
    m = _speaker_mention(mentions, start, hi)
    if m is not None and re.fullmatch(r"(?:['’]s?)?", text[m["end"] : hi].strip()):
        return _from_mention(m, text[_extend_title(text, start, m["start"]) : hi].strip())
    described = _described_en(text, start, hi, mentions, state)
    if described is not None:
        return described
    name = _name_before(text, start, hi)
    lead = text[start:hi].split()[: -len(name.split())] if name else []
    if name is not None and len(name.split()) <= MAX_SPEAKER_WORDS and all(w.lower() in {"the", "and", "but"} for w in lead):
        return Speaker(name, None, nationality(name, "en"), False, True)
    return None


def _speaker_after_en(text: str, pos: int, hi: int, mentions: list[dict], state: _State) -> Speaker | None:
    """The speaker written just after ``pos`` ("said Erdogan on Monday", "according to the Kremlin")."""
    end = pos
    while end < hi and text[end] not in _PHRASE_BREAK and text[end] not in "!?" and not _sentence_stop(text, end):
        end += 1
    lo = pos + len(text[pos:end]) - len(text[pos:end].lstrip())
    for w in _WORD_RE.finditer(text, lo, end):  # the speaker ends before "on Monday", "who …"
        if w.start() > lo and w.group() in EN_ADJUNCT_START | {"who", "that", "which"}:
            end = w.start()
            break
    end = lo + len(text[lo:end].rstrip(" ."))
    if end <= lo:
        return None
    m = _speaker_mention(mentions, lo, end)
    if m is not None:
        return _from_mention(m, text[lo:end])
    described = _described_en(text, lo, end, mentions, state)
    if described is not None:
        return described
    name = _name_at(text, lo, end)
    phrase = [w for w in text[lo:end].split() if w not in {"The", "the", "A", "a", "An", "an"}]
    if name is not None and len(name.split()) == len(phrase) <= MAX_SPEAKER_WORDS:  # "Parker", not "Christian belief"
        return Speaker(name, None, nationality(name, "en"), False, False)
    return None


#: Titles whose full stop does not end a speaker's name ("said Ms. Gillard").
EN_TITLE_ABBREVIATIONS = frozenset("Mr Ms Mrs Dr Prof Gen Sen Rep Gov Lt Col Capt Adm St Jr Sr".split())


def _sentence_stop(text: str, i: int) -> bool:
    if text[i] != ".":
        return False
    word = re.search(r"(\w+)$", text[:i])
    return not (word and word.group(1) in EN_TITLE_ABBREVIATIONS) and not (i + 1 < len(text) and text[i + 1].isalpha())


def _subject_en(text: str, lo: int, hi: int, mentions: list[dict]) -> Speaker | None:
    """The subject that opens the clause holding ``hi`` ("Akar defied … by saying")."""
    start = lo
    for c in re.finditer(r",\s+(?=[A-Z])", text[lo:hi]):
        start = lo + c.end()
    ms = sorted((m for m in mentions if start <= m["start"] < hi and m.get("type") in _TYPE_RANK), key=lambda m: m["start"])
    if ms and len(text[start : ms[0]["start"]].split()) <= 4:
        m = ms[0]
        return _from_mention(m, text[_extend_title(text, start, m["start"]) : m["end"]])
    name = _name_at(text, start, hi)
    return Speaker(name, None, nationality(name, "en"), False, True) if name else None


def _participle_speaker(
    text: str, k: int, cues: list[re.Match], rows: list[Found], mentions: list[dict], state: _State, i: int
) -> Speaker | None:
    """Who is "adding"/"noting"/"saying": the sentence's last speaker, else its subject."""
    if rows:
        return rows[-1].speaker
    for m in reversed(cues[:k]):
        if m.group("verb"):
            sp = _speaker_before_en(text, 0, m.start(), mentions, state, i)
            if sp is not None:
                return sp
    return _subject_en(text, 0, cues[k].start(), mentions)


def _clause_end(text: str, pos: int, cues: list[re.Match]) -> int:
    """A reported clause runs to the sentence end or to a following ", adding/noting …"."""
    for m in cues:
        if m.start() > pos and m.group("part") and text[: m.start()].rstrip().endswith(","):
            return m.start()
    return len(text)


def _clause_first_en(text: str, m: re.Match, speaker: Speaker, seg_start: int) -> Found | None:
    """ "CLAUSE, SPEAKER said …": the clause before the speaker's comma is the quote."""
    hi, _ = _strip_aux(text, seg_start, m.start())
    if text[hi - 1 : hi] == ",":  # an appositive speaker: step over it
        hi = text.rfind(",", seg_start, hi - 1)
    phrase_start = _phrase_start(text, seg_start, hi)
    before = text[seg_start:phrase_start].rstrip()
    if not before.endswith(","):
        return None
    clause = before[:-1]
    if len(clause.split()) < MIN_CLAUSE_WORDS:
        return None
    # "There was a time, Mr Panvalkar said, when he felt …": the clause goes on after the verb.
    after = re.match(r",\s+(?![“\"«‘']|(?:according|citing|adding|noting|saying)\b)([a-z][^“\"«]*)$", text[m.end() :])
    if after:
        return Found(speaker, clean_quote(f"{clause} {after.group(1)}"), "reported", seg_start, len(text))
    return Found(speaker, clean_quote(clause), "reported", seg_start, m.end())


def _complement_start(text: str, m: re.Match, verb: str, cues: list[re.Match]) -> int | str | None:
    """Where the reported clause after verb ``m`` starts; "first" when the clause came before."""
    rest = text[m.end() :]
    if verb in {"told", "tells"}:
        obj = re.match(r"\s+(?:[\w’'.\-]+\s+){0,4}?(?=that\b)", rest) or re.match(rf"\s+{_ADDRESSEE_EN}", rest)
        if obj is None:
            return None
        rest = rest[obj.end() :]
    off = len(text) - len(rest)
    that = re.match(r"\s*,?\s*that\s+", rest)
    if that:
        return off + that.end()
    stripped = rest.strip()
    first_word = stripped.split()[0].lower().strip(",.") if stripped else ""
    if first_word in EN_ADJUNCT_START or stripped[:1] in {",", ".", "", ";", "!", "?"}:
        later = re.search(r"\bthat\s+", rest)
        stop = _clause_end(text, off, cues) - off
        if later and later.start() < stop and not re.search(r"[“\"«;,]", rest[: later.start()].rstrip(",")):
            return off + later.end()
        return "first"
    if stripped[:1] in "“\"«‘':":
        return None  # a quotation: attributed with its marks
    if verb in EN_BARE_CLAUSE or verb == "quoted as saying":
        return off + len(rest) - len(rest.lstrip())
    return None


def _reported_en(
    text: str, i: int, k: int, cues: list[re.Match], seg_start: int, rows: list[Found], mentions: list[dict], state: _State
) -> Found | None:
    """A reported-speech quote for cue ``k`` (None when the verb does not report speech)."""
    m = cues[k]
    if m.group("part"):
        if not _PARTICIPLE_AFTER_RE.search(text[: m.start()]):
            return None
        that = re.match(r"\s*,?\s*that\s+", text[m.end() :])
        if that is None and m.group("part") != "saying":
            return None
        speaker = _participle_speaker(text, k, cues, rows, mentions, state, i)
        start = m.end() + (that.end() if that else 0)
        quote = clean_quote(text[start : _clause_end(text, start, cues)])
        return Found(speaker, quote, "reported", m.start(), _clause_end(text, start, cues)) if speaker and quote else None

    verb = m.group("verb") or "quoted as saying"
    speaker = _speaker_before_en(text, seg_start, m.start(), mentions, state, i, allow_passive=bool(m.group("qas")))
    if speaker is None:
        before = text[seg_start : m.start()].rstrip()
        if before.endswith(","):  # "…, said the official"
            speaker = _speaker_after_en(text, m.end(), len(text), mentions, state)
            clause = before[:-1]
            if speaker is not None and len(clause.split()) >= MIN_CLAUSE_WORDS:
                return Found(speaker, clean_quote(clause), "reported", seg_start, m.end())
            return None
        if re.search(r"\band\s*$", before):  # "The United States opposes … and says …"
            speaker = _subject_en(text, seg_start, m.start(), mentions)
        if speaker is None:
            return None
    start = _complement_start(text, m, verb, cues)
    if start is None:
        return None
    if start == "first":
        return _clause_first_en(text, m, speaker, seg_start)
    end = _clause_end(text, start, cues)
    quote = clean_quote(text[start:end])
    return Found(speaker, quote, "reported", m.start(), end) if quote else None


def _source_en(text: str, m: re.Match, seg_start: int, mentions: list[dict], state: _State) -> Found | None:
    """ "According to X, …" and "…, according to X"."""
    lead = text[seg_start : m.start()].strip()
    if not lead:
        comma = text.find(",", m.end())
        speaker = _speaker_after_en(text, m.end(), comma, mentions, state) if comma > 0 else None
        quote = clean_quote(text[comma + 1 :]) if comma > 0 else ""
        return Found(speaker, quote, "reported", m.start(), len(text)) if speaker and quote else None
    if lead.endswith(",") and len(lead[:-1].split()) >= MIN_CLAUSE_WORDS:
        speaker = _speaker_after_en(text, m.end(), len(text), mentions, state)
        return Found(speaker, clean_quote(lead[:-1]), "reported", seg_start, len(text)) if speaker else None
    return None


def _direct_en(
    text: str, i: int, span: Span, cues: list[re.Match], used: set[int], rows: list[Found], mentions: list[dict], state: _State
) -> tuple[Speaker, int] | None:
    """The speaker of a quotation and the cue that names it: after the closing mark, else before the opening one."""
    if span.close < len(text):
        for k, m in enumerate(cues):
            if k in used or m.start() <= span.close:
                continue
            gap = text[span.close + 1 : m.start()]
            if not m.group("verb") or len(gap) > MAX_ATTRIBUTION_GAP or re.search(r"[“\"«;!?]", gap):
                break
            if gap.strip(" ,.") == "":  # "…,” said Erdogan"
                sp = _speaker_after_en(text, m.end(), len(text), mentions, state)
            else:
                sp = _speaker_before_en(text, span.close + 1, m.start(), mentions, state, i)
            return (sp, k) if sp is not None else None
    if span.open > 0:
        for k in range(len(cues) - 1, -1, -1):
            m = cues[k]
            if k in used or m.end() > span.open:
                continue
            verb = m.group("verb") or m.group("part") or ""
            between = rf"\s*{_ADDRESSEE_EN}?\s*[,:]?\s*" if verb in {"told", "tells"} else r"\s*[,:]?\s*(?:that\s*)?"
            if m.group("src") or not re.fullmatch(between, text[m.end() : span.open]):
                return None
            if m.group("part"):
                sp = _participle_speaker(text, k, cues, rows, mentions, state, i)
            else:
                sp = _speaker_before_en(text, 0, m.start(), mentions, state, i, allow_passive=bool(m.group("qas")))
            return (sp, k) if sp is not None else None
    return None


def _sentence_en(text: str, i: int, mentions: list[dict], state: _State) -> list[Found]:
    spans, open_at_end = quote_spans(text, carried=state.open_quote)
    cues = [m for m in _EN_CUE_RE.finditer(text) if not _inside(spans, m.start())]
    found: list[Found] = []
    used: set[int] = set()
    claimed: list[tuple[int, int]] = []
    continued = _continue_open_quote(state, text, spans)
    for n, span in enumerate(spans):
        if n == 0 and continued:
            continue
        if span.open < 0 and span.close == len(text):
            continue  # the whole sentence is inside a quotation still open
        got = _direct_en(text, i, span, cues, used, found, mentions, state)
        if got is None:
            continue
        speaker, k = got
        used.add(k)
        inner = " ".join([*state.open_parts, span.inner(text)]) if span.open < 0 else span.inner(text)
        end = max(span.close, cues[k].end())
        found.append(Found(speaker, clean_quote(inner), "direct", max(span.open, 0), end, goes_on=span.close == len(text)))
        claimed.append((max(span.open, 0), end))
        state.speakers.append((i, speaker))

    seg_start = 0
    for k, m in enumerate(cues):
        if k in used or any(a <= m.start() < b for a, b in claimed):
            continue
        if m.group("src"):
            if found:
                continue  # "…, Erdogan said, according to Anadolu": a relay, not a second speaker
            got = _source_en(text, m, seg_start, mentions, state)
        else:
            got = _reported_en(text, i, k, cues, seg_start, found, mentions, state)
        if got is None or not got.quote:
            continue
        found.append(got)
        claimed.append((got.start, got.end))
        state.speakers.append((i, got.speaker))
        if got.end < len(text):
            seg_start = got.end
    state.carry(text, spans, open_at_end)
    return found


# === Arabic =============================================================================

#: Speech verbs (normalised; perfect and imperfect, masculine and feminine),
#: with an optional و or ف before them.
AR_VERBS = (
    "قال|قالت|يقول|تقول|اضاف|اضافت|يضيف|تضيف|اكد|اكدت|يؤكد|تؤكد|اشار|اشارت|يشير|تشير|اعلن|اعلنت|يعلن|تعلن|"
    "افاد|افادت|يفيد|تفيد|صرح|صرحت|اوضح|اوضحت|يوضح|توضح|شدد|شددت|ذكر|ذكرت|تابع|تابعت|لفت|لفتت"
)
#: "According to": بحسب، حسب، وفقا لـ، طبقا لـ، نقلا عن (normalised).
AR_SOURCES = r"بحسب|حسب|وفقا\s*ل|طبقا\s*ل|نقلا\s+عن"
_AR_CUE_RE = re.compile(rf"(?<!\w)(?P<conj>[وف]?)(?:(?P<verb>{AR_VERBS})|(?P<src>{AR_SOURCES}))(?!\w)")
_AR_TOKEN_RE = re.compile(r"\w+|[^\w\s]")

#: Complementisers that open a reported clause; for إن and بأن the clause
#: starts after them, for إنه … it starts with them (its pronoun is the subject).
AR_BARE_COMPLEMENTISERS = frozenset({"ان", "بان"})
AR_COMPLEMENTISERS = AR_BARE_COMPLEMENTISERS | {"انه", "انها", "انهم", "انهما", "بانه", "بانها"}
#: Words that end a speaker phrase after the verb (normalised).
AR_SPEAKER_STOPS = frozenset(
    "ان بان انه انها انهم انهما بانه بانها الي علي عن في خلال اليوم امس يوم لم لا الذي التي الذين فيه فيها فيهما من بعد "
    "قبل عقب اثناء امام مع حول بشان حيث ايضا كذلك مجددا سابقا لاحقا مؤخرا صباح مساء الاحد الاثنين الثلاثاء الاربعاء "
    "الخميس الجمعه السبت ذات قائلا قائله قائلين".split()
)
#: "حسب قوله" ("according to his words"): the source is the last speaker.
AR_SOURCE_PRONOUNS = frozenset("قوله قولها تاكيده تاكيدها تعبيره تعبيرها وصفه وصفها روايته روايتها".split())
#: Quantifiers after which من belongs to the speaker ("العديد من المحللين").
AR_QUANTIFIERS = frozenset("العديد عدد بعض احد احدي كثير معظم غالبيه".split())
#: Addressees ("للصحفيين", "لوكالة …") end the speaker phrase too.
AR_ADDRESSEE_RE = re.compile(r"^(?:لل|لوسائل|لوكاله|لصحيفه|لقناه|لموقع|لتلفزيون|لشبكه|لاذاعه|لبرنامج|لمجله|لراديو|لمحطه|لمراسل)")
#: Heads of a described source that names no one (normalised, no article).
AR_ANON_HEADS = frozenset(
    {"مسؤول", "مسؤوله", "مسؤولون", "مسؤولين", "مصدر", "مصادر", "دبلوماسي", "دبلوماسيون", "دبلوماسيين", "وسائل", "اعلام"}
)
#: Heads of a source described by role or institution.
AR_ROLE_HEADS = frozenset(
    {"متحدث", "متحدثه", "وزير", "وزيره", "رئيس", "رئيسه", "سفير", "مستشار", "قائد", "وزاره", "حكومه", "رئاسه", "بيان", "وكاله", "صحيفه"}
)
#: "لم يذكر اسمه", "طلب عدم الكشف عن هويته": the source is unnamed.
AR_ANON_MARKERS = re.compile(r"لم\s+يذكر\s+اسم|لم\s+يكشف|عدم\s+الكشف|طلب\s+عدم|رفض\s+الكشف|فضل\s+عدم")
#: "أشار فيه" ("said in it"): the subject is the earlier clause's.
AR_RESUMPTIVE = frozenset({"فيه", "فيها", "فيهما"})


@dataclass(frozen=True)
class _ArText:
    text: str
    norm: NormalisedText

    @property
    def n(self) -> str:
        return self.norm.text

    def start(self, pos: int) -> int:
        """Source offset of normalised position ``pos``."""
        return self.norm.index[pos] if pos < len(self.norm.index) else len(self.text)

    def end(self, pos: int) -> int:
        """Source offset just after normalised end ``pos`` (diacritics after it included)."""
        if pos <= 0:
            return 0
        e = self.norm.index[pos - 1] + 1
        while e < len(self.text) and NORM_TABLE.get(self.text[e]) == "":
            e += 1
        return e


def _described_ar(norm_phrase: str, surface: str, country: str | None) -> Speaker | None:
    tokens = norm_phrase.split()
    if not tokens:
        return None
    head = tokens[0][2:] if tokens[0].startswith("ال") and len(tokens[0]) > 3 else tokens[0]
    if head in AR_ANON_HEADS:
        return Speaker(surface, None, country, True, head not in {"وسائل", "اعلام"})
    if head in AR_ROLE_HEADS:
        return Speaker(surface, None, country, False, True)
    return None


def _speaker_tokens(n: str, pos: int, *, stop: Callable[[str], bool]) -> tuple[list[re.Match], list[re.Match]]:
    toks = list(_AR_TOKEN_RE.finditer(n, pos))
    k = 0
    while k < len(toks) and k < MAX_SPEAKER_WORDS and toks[k].group()[0].isalnum():
        w = toks[k].group()
        if stop(w) and not (w == "من" and k > 0 and toks[k - 1].group() in AR_QUANTIFIERS):
            break
        k += 1
    return toks[:k], toks[k:]


def _ar_speaker(t: _ArText, toks: list[re.Match], mentions: list[dict]) -> Speaker:
    lo, hi = t.start(toks[0].start()), t.end(toks[-1].end())
    surface = t.text[lo:hi]
    norm_phrase = t.n[toks[0].start() : toks[-1].end()]
    mention = _speaker_mention(mentions, lo, hi)
    country = _country_in(mentions, lo, hi) or nationality(surface, "ar")
    if mention is not None and mention.get("type") != "country":
        return _from_mention(mention, surface)
    described = _described_ar(norm_phrase, surface, country)
    if described is not None:
        return described
    if mention is not None:
        return _from_mention(mention, surface)
    return Speaker(surface, None, country, False, True)


def _ar_stop(w: str) -> bool:
    return w in AR_SPEAKER_STOPS or bool(AR_ADDRESSEE_RE.match(w))


def _verb_ar(t: _ArText, m: re.Match, clause_end_n: int, spans: list[Span], mentions: list[dict], state: _State, i: int) -> Found | None:
    """ "وقال مسؤول أمريكي للصحفيين إن …": speaker after the verb, clause after إن/أن."""
    speaker_toks, rest = _speaker_tokens(t.n, m.end(), stop=_ar_stop)
    comp = None
    for j, tok in enumerate(rest[: AR_MAX_GAP_TOKENS + 1]):
        w = tok.group()
        if w in AR_COMPLEMENTISERS:
            comp = t.end(tok.end()) if w in AR_BARE_COMPLEMENTISERS else t.start(tok.start())
            break
        if w in "\"“«'‘" or (w == ":" and j + 1 < len(rest) and rest[j + 1].group() in "\"“«'‘"):
            # direct speech: a quotation mark, or a colon and then one (a bare colon may begin a list)
            comp = t.start(tok.start()) + (w == ":")
            break
        if w in ".،,؛" and j > 0:
            break
    clause_end = t.start(clause_end_n)
    if comp is None or comp >= clause_end:
        return None
    clause = t.text[comp:clause_end]
    kind, quote = "reported", clean_quote(clause)
    for s in spans:
        if comp <= s.open and not t.text[comp : s.open].strip(" :") and not t.text[s.close + 1 : clause_end].strip(" .،,؛"):
            kind, quote = "direct", clean_quote(s.inner(t.text))
            break
    if not quote:
        return None

    if speaker_toks:
        speaker = _ar_speaker(t, speaker_toks, mentions)
        after = t.n[speaker_toks[-1].end() : speaker_toks[-1].end() + 40].strip()
        if AR_ANON_MARKERS.match(after) and speaker.entity_id is None:
            speaker = replace(speaker, anonymous=True)
    elif rest and rest[0].group() in AR_RESUMPTIVE:
        cue = t.start(m.start())
        earlier = [x for x in mentions if x["end"] <= cue and x.get("type") in {"person", "organisation"}]
        if not earlier:
            return None
        x = max(earlier, key=lambda x: x["end"])
        speaker = _from_mention(x, t.text[x["start"] : x["end"]])
    else:
        speaker = state.antecedent(i, t.start(m.start()))
        if speaker is None:
            return None
    return Found(speaker, quote, kind, t.start(m.start()), clause_end_n)


def _source_ar(t: _ArText, m: re.Match, mentions: list[dict], state: _State, i: int) -> Found | None:
    """ "بحسب X" / "وفقا لـ X": the speaker follows; the quote is the rest of the sentence."""
    speaker_toks, _ = _speaker_tokens(t.n, m.end(), stop=lambda w: w in AR_SPEAKER_STOPS)
    if not speaker_toks:
        return None
    if speaker_toks[0].group() in AR_SOURCE_PRONOUNS:
        speaker = state.antecedent(i, t.start(m.start()))
        if speaker is None:
            return None
    else:
        speaker = _ar_speaker(t, speaker_toks, mentions)
    before = t.text[: t.start(m.start())]
    after = t.text[t.end(speaker_toks[-1].end()) :]
    after_quote = clean_quote(after)
    quote = clean_quote(before) if len(before.split()) >= MIN_CLAUSE_WORDS or not after_quote else after_quote
    return Found(speaker, quote, "reported", t.start(m.start()), len(t.n)) if quote else None


def _sentence_ar(text: str, i: int, mentions: list[dict], state: _State) -> list[Found]:
    t = _ArText(text, normalise_with_offsets(text))
    spans, open_at_end = quote_spans(text, carried=state.open_quote)
    _continue_open_quote(state, text, spans)
    cues = [m for m in _AR_CUE_RE.finditer(t.n) if not _inside(spans, t.start(m.start()))]
    found: list[Found] = []
    claimed_to = -1
    for k, m in enumerate(cues):
        if m.start() < claimed_to:
            continue  # a verb inside a clause already reported: nested speech
        if m.group("src"):
            if found:
                continue  # a relay ("…، بحسب وكالة الأناضول") after a speaker
            got = _source_ar(t, m, mentions, state, i)
        else:
            # The clause runs to the next coordinated verb ("وأضاف أن …") or source.
            nxt = [c.start() for c in cues[k + 1 :] if c.group("conj") or c.group("src")]
            got = _verb_ar(t, m, nxt[0] if nxt else len(t.n), spans, mentions, state, i)
        if got is None:
            continue
        found.append(got)
        state.speakers.append((i, got.speaker))
        claimed_to = got.end
        if got.kind == "direct" and open_at_end and spans[-1].open >= 0 and t.start(got.end) == len(text):
            got = replace(got, goes_on=True)
            found[-1] = got
    state.carry(text, spans, open_at_end)
    return found


# === the public function ==================================================================


def extract_quotes(texts: list[str], language: str, *, mentions: list[list[dict]]) -> list[dict]:
    """Attributed quotes of one article, in sentence order.

    ``texts`` are the article's sentences; ``mentions[i]`` the entity
    mentions of sentence ``i`` (dicts with entity_id, surface, start, end
    relative to that sentence, type, affiliation). Returns rows with
    sentence_index, speaker, speaker_entity_id, affiliation, anonymous,
    quote and kind ("direct" | "reported"). Languages other than English and
    Arabic give no rows.
    """
    if len(mentions) != len(texts):
        raise ValueError(f"extract_quotes: {len(texts)} sentences but {len(mentions)} mention lists; pass one list per sentence")
    if language not in QUOTE_LANGUAGES:
        return []
    state = _State()
    rows: list[Row] = []
    per_sentence = _sentence_ar if language == "ar" else _sentence_en
    for i, (raw, ms) in enumerate(zip(texts, mentions, strict=True)):
        text = raw if isinstance(raw, str) else ""
        ms = [m for m in (ms or []) if 0 <= m["start"] < m["end"] <= len(text)]
        state.remember(i, text, ms)
        found = sorted(per_sentence(text, i, ms, state), key=lambda f: f.start)
        for f in found:
            row = _to_row(i, f)
            if f.goes_on and state.open_quote:
                state.open_row = row
            rows.append(row)
    return rows
