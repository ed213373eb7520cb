"""English quotes in one sentence: direct speech attributed next to its marks, reported speech after a
speech verb or "according to", and the speaker before or after the verb (``quotes_in_sentence``)."""

from __future__ import annotations

import re

from lib.analysis.quotes.speech import (
    MAX_ATTRIBUTION_GAP,
    MAX_SPEAKER_WORDS,
    MIN_CLAUSE_WORDS,
    TYPE_RANK,
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


def _described_en(text: str, lo: int, hi: int, mentions: list[dict], state: State) -> Speaker | None:
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
    country = country_in(mentions, lo, hi) or nationality(surface, "en")
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
    text: str, lo: int, verb_start: int, mentions: list[dict], state: State, i: int, *, allow_passive: bool = False
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
    m = speaker_mention(mentions, start, hi)
    if m is not None and re.fullmatch(r"(?:['’]s?)?", text[m["end"] : hi].strip()):
        return from_mention(m, text[_extend_title(text, start, m["start"]) : hi].strip())
    described = _described_en(text, start, hi, mentions, state)
    if described is not None:
        return described
    name = _name_before(text, start, hi)
    lead = text[start:hi].split()[: -len(name.split())] if name else []
    if name is not None and len(name.split()) <= MAX_SPEAKER_WORDS and all(w.lower() in {"the", "and", "but"} for w in lead):
        return Speaker(name, None, nationality(name, "en"), False, True)
    return None


def _speaker_after_en(text: str, pos: int, hi: int, mentions: list[dict], state: State) -> Speaker | None:
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
    m = speaker_mention(mentions, lo, end)
    if m is not None:
        return from_mention(m, text[lo:end])
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
    ms = sorted((m for m in mentions if start <= m["start"] < hi and m.get("type") in TYPE_RANK), key=lambda m: m["start"])
    if ms and len(text[start : ms[0]["start"]].split()) <= 4:
        m = ms[0]
        return from_mention(m, text[_extend_title(text, start, m["start"]) : m["end"]])
    name = _name_at(text, start, hi)
    return Speaker(name, None, nationality(name, "en"), False, True) if name else None


def _participle_speaker(
    text: str, k: int, cues: list[re.Match], rows: list[Found], mentions: list[dict], state: State, i: int
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
    text: str, i: int, k: int, cues: list[re.Match], seg_start: int, rows: list[Found], mentions: list[dict], state: State
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


def _source_en(text: str, m: re.Match, seg_start: int, mentions: list[dict], state: State) -> Found | None:
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
    text: str, i: int, span: Span, cues: list[re.Match], used: set[int], rows: list[Found], mentions: list[dict], state: State
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


def quotes_in_sentence(text: str, i: int, mentions: list[dict], state: State) -> list[Found]:
    spans, open_at_end = quote_spans(text, carried=state.open_quote)
    cues = [m for m in _EN_CUE_RE.finditer(text) if not inside(spans, m.start())]
    found: list[Found] = []
    used: set[int] = set()
    claimed: list[tuple[int, int]] = []
    continued = continue_open_quote(state, text, spans)
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
