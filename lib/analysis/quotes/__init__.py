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

from lib.analysis.quotes import arabic, english
from lib.analysis.quotes.speech import QUOTE_LANGUAGES, Row, State, to_row


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
    state = State()
    rows: list[Row] = []
    per_sentence = arabic.quotes_in_sentence if language == "ar" else english.quotes_in_sentence
    for i, (raw, ms) in enumerate(zip(texts, mentions, strict=True)):
        text = raw if isinstance(raw, str) else ""
        ms = [m for m in (ms or []) if 0 <= m["start"] < m["end"] <= len(text)]
        state.remember(i, text, ms)
        found = sorted(per_sentence(text, i, ms, state), key=lambda f: f.start)
        for f in found:
            row = to_row(i, f)
            if f.goes_on and state.open_quote:
                state.open_row = row
            rows.append(row)
    return rows
