"""Arabic clause scopes without a parser: the part of a sentence about each entity mention.

``lib.analysis.target_tone`` scores tone toward an entity in Arabic
(``ar-scoped``) on these scopes. The sentence is cut into clauses at
punctuation, at words that open a clause (ثم، بينما، لكن، غير أن، حيث، إذ،
فيما ...) and at the complementisers أن/إن/بأن. A mention is a speaker when
one of the speech verbs of ``lib.analysis.quotes.arabic`` (قال، أضاف، أكد،
أشار، أعلن، صرح، أوضح ...) comes up to four words before it or right after
it, or when "according to" (بحسب، وفقا لـ ...) precedes it: its scope is the
reporting clause, without what is said. Otherwise the scope is the
mention's clause (the sentence, when the clause holds nothing but names).
Every mention is masked in every scope.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lib.analysis.quotes.arabic import AR_COMPLEMENTISERS, AR_VERBS
from lib.text import arabic

_AR_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
#: A speech verb, with و/ف before it (the project's list, shared with quotes).
_AR_SPEECH_RE = re.compile(rf"^[وف]?(?:{AR_VERBS})$")
#: "According to" cues (بحسب، حسب، وفقا لـ، طبقا لـ، نقلا عن), as one token.
AR_SOURCE_CUES = frozenset({"بحسب", "حسب", "وبحسب", "وحسب", "وفقا", "طبقا", "نقلا"})
#: Words that open a new clause (normalised): then, while, but, rather,
#: since, as, whereas. غير followed by أن ("however") is handled as a pair.
AR_CLAUSE_WORDS = frozenset("ثم بينما وبينما لكن ولكن لكنه لكنها ولكنه ولكنها بل حيث اذ فيما وفيما كما وكما الا".split())
#: Punctuation that ends a clause: commas, semicolons, colons, stops,
#: brackets, quotation marks and dashes (Arabic and Latin forms).
AR_CLAUSE_PUNCT = frozenset('،,؛;:.!?؟()«»"“”–—')
#: Reach of a speech verb to its speaker: "وقال وزير الخارجية التركي مولود
#: جاويش أوغلو" puts the name up to this many tokens after the verb.
AR_SPEAKER_REACH = 4
#: A clause with fewer words than this once mentions are masked (a name
#: alone between commas) gives way to the whole sentence.
AR_MIN_SCOPE_WORDS = 2


@dataclass(frozen=True)
class _ArToken:
    start: int
    end: int
    norm: str


def _ar_tokens(text: str) -> list[_ArToken]:
    return [_ArToken(m.start(), m.end(), arabic.normalise(m.group())) for m in _AR_TOKEN_RE.finditer(text)]


def _ar_boundaries(toks: Sequence[_ArToken]) -> list[int]:
    """Clause number of each token."""
    clause, out = 0, []
    for k, t in enumerate(toks):
        opens = t.norm in AR_CLAUSE_WORDS or t.norm in AR_COMPLEMENTISERS
        if t.norm == "ان" and k > 0 and toks[k - 1].norm == "غير":
            opens = True
        if t.norm in AR_CLAUSE_PUNCT or opens:
            clause += 1
        out.append(clause)
        if t.norm in AR_CLAUSE_PUNCT:
            clause += 1
    return out


def arabic_scopes(text: str, mentions: Sequence[tuple[int, int]]) -> list[tuple[str, str]]:
    """Per mention (character offsets), (its scoped text with every mention masked, its role).

    Role is ``speaker`` (a speech verb's subject, or the source of "according
    to"), else ``target``. A speaker's scope is its reporting clause without
    what is said; a target's is its clause, or the sentence when the clause
    holds no other word.
    """
    toks = _ar_tokens(text)
    clause = _ar_boundaries(toks)
    tok_ranges = []
    for s, e in mentions:
        idx = [k for k, t in enumerate(toks) if t.start < e and t.end > s]
        tok_ranges.append((idx[0], idx[-1] + 1) if idx else None)
    masked = {k for r in tok_ranges if r for k in range(*r)}
    words = [k for k, t in enumerate(toks) if t.norm[:1].isalpha()]
    out = []
    for r in tok_ranges:
        if r is None:
            out.append(("", "target"))
            continue
        a, b = r
        speech = _ar_speech_cue(toks, a, b)
        if speech is not None:
            cue, content_start = speech
            keep = [k for k in range(min(cue, a), len(toks)) if k < content_start and clause[k] in (clause[cue], clause[a])]
            role = "speaker"
        else:
            keep = [k for k in range(len(toks)) if clause[k] == clause[a]]
            if sum(1 for k in keep if k in words and k not in masked) < AR_MIN_SCOPE_WORDS:
                keep = list(range(len(toks)))
            role = "target"
        out.append((" ".join(text[toks[k].start : toks[k].end] for k in keep if k not in masked), role))
    return out


def _ar_speech_cue(toks: Sequence[_ArToken], a: int, b: int) -> tuple[int, int] | None:
    """(cue token, first token of what is said) when tokens a..b are a speaker, else None."""
    n = len(toks)
    for k in range(max(0, a - AR_SPEAKER_REACH), a):
        if toks[k].norm in AR_SOURCE_CUES:
            return k, n  # "according to X": the rest is X's, not tone toward X
    cues = [k for k in range(max(0, a - AR_SPEAKER_REACH), a) if _AR_SPEECH_RE.match(toks[k].norm)]
    cues += [k for k in range(b, min(n, b + 2)) if _AR_SPEECH_RE.match(toks[k].norm)]
    if not cues:
        return None
    cue = cues[-1] if cues[-1] < a else cues[0]
    for k in range(max(cue, b), n):
        if toks[k].norm in AR_COMPLEMENTISERS or toks[k].norm in ':«"“':
            return cue, k
    return None
