"""Arabic quotes in one sentence, read on normalised text: a speech verb (قال، أضاف، أكد …) or a source
(بحسب، وفقا لـ) with its speaker and the إن/أن clause or quotation it introduces (``quotes_in_sentence``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from lib.analysis.quotes.speech import (
    MAX_SPEAKER_WORDS,
    MIN_CLAUSE_WORDS,
    Found,
    Span,
    Speaker,
    State,
    clean_quote,
    continue_open_quote,
    country_in,
    from_mention,
    inside,
    nationality,
    quote_spans,
    speaker_mention,
)
from lib.text.arabic import NORM_TABLE, NormalisedText, normalise_with_offsets

#: Arabic: tokens allowed between the speaker and the complementiser إن/أن
#: (an addressee, a time, "لم يذكر اسمه").
AR_MAX_GAP_TOKENS = 8

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
    mention = speaker_mention(mentions, lo, hi)
    country = country_in(mentions, lo, hi) or nationality(surface, "ar")
    if mention is not None and mention.get("type") != "country":
        return from_mention(mention, surface)
    described = _described_ar(norm_phrase, surface, country)
    if described is not None:
        return described
    if mention is not None:
        return from_mention(mention, surface)
    return Speaker(surface, None, country, False, True)


def _ar_stop(w: str) -> bool:
    return w in AR_SPEAKER_STOPS or bool(AR_ADDRESSEE_RE.match(w))


def _verb_ar(t: _ArText, m: re.Match, clause_end_n: int, spans: list[Span], mentions: list[dict], state: State, i: int) -> Found | None:
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
        speaker = from_mention(x, t.text[x["start"] : x["end"]])
    else:
        speaker = state.antecedent(i, t.start(m.start()))
        if speaker is None:
            return None
    return Found(speaker, quote, kind, t.start(m.start()), clause_end_n)


def _source_ar(t: _ArText, m: re.Match, mentions: list[dict], state: State, i: int) -> Found | None:
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


def quotes_in_sentence(text: str, i: int, mentions: list[dict], state: State) -> list[Found]:
    t = _ArText(text, normalise_with_offsets(text))
    spans, open_at_end = quote_spans(text, carried=state.open_quote)
    continue_open_quote(state, text, spans)
    cues = [m for m in _AR_CUE_RE.finditer(t.n) if not inside(spans, t.start(m.start()))]
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
