"""lib.output.highlight: escaped article HTML with entity marks and tone colours."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.output import highlight

HOSTILE = 'Erdogan met Biden. <script>window.__pwned=1</script> Then <img src=x onerror="window.__pwned=1"> happened.'


def _body(out: str) -> str:
    return out.split("</style>", 1)[1]


def _visible_text(out: str) -> str:
    """What a browser would show as text: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", _body(out)))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(out: str) -> list[tuple[str, dict]]:
    p = _Tags()
    p.feed(_body(out))
    return p.tags


def _frames(text: str):
    s1 = text.index("Erdogan met Biden.")
    sentences = pd.DataFrame(
        [
            {"start": s1, "end": s1 + len("Erdogan met Biden."), "tone": -0.6, "tone_method": "vader"},
            {"start": text.index("<script>"), "end": len(text), "tone": 0.5, "tone_method": "vader"},
        ]
    )
    mentions = pd.DataFrame(
        [
            {"start": text.index("Erdogan"), "end": text.index("Erdogan") + 7, "entity_id": "erdogan"},
            {"start": text.index("Biden"), "end": text.index("Biden") + 5, "entity_id": "biden"},
        ]
    )
    return sentences, mentions


def test_hostile_text_is_escaped():
    sentences, mentions = _frames(HOSTILE)
    out = highlight.article_html(HOSTILE, language="en", sentences=sentences, mentions=mentions, entity_names={"biden": 'Joe "<b>" Biden'})
    body = _body(out)
    assert "<script" not in body and "<img" not in body
    assert "&lt;script&gt;" in body and "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in body
    assert {t for t, _ in _tags(out)} <= {"div", "span", "mark"}
    assert not any(k.startswith("on") for _, attrs in _tags(out) for k in attrs)
    assert _visible_text(out) == HOSTILE
    assert 'title="Joe &quot;&lt;b&gt;&quot; Biden"' in body


def test_marks_and_tone_backgrounds():
    sentences, mentions = _frames(HOSTILE)
    out = highlight.article_html(HOSTILE, language="en", sentences=sentences, mentions=mentions, selected=["biden"])
    tags = _tags(out)
    marks = [a for t, a in tags if t == "mark"]
    assert [m["data-entity"] for m in marks] == ["erdogan", "biden"]
    assert "cov-sel" in marks[1]["class"] and "cov-sel" not in marks[0]["class"]
    spans = [a for t, a in tags if t == "span"]
    assert "rgba(197, 27, 125" in spans[0]["style"] and "−0.60" in spans[0]["title"]
    assert "rgba(77, 146, 33" in spans[1]["style"]
    assert tags[0] == ("div", {"class": "cov-article", "dir": "ltr", "lang": "en"})


def test_arabic_is_right_to_left():
    text = "قال أردوغان إن العلاقات جيدة."
    out = highlight.article_html(text, language="ar", mentions=pd.DataFrame([{"start": 4, "end": 11, "entity_id": "erdogan"}]))
    assert _tags(out)[0] == ("div", {"class": "cov-article", "dir": "rtl", "lang": "ar"})
    assert _visible_text(out) == text


@pytest.mark.parametrize(
    ("tone", "expected"),
    [(None, ""), (float("nan"), ""), (0.0, ""), (0.04, ""), (-1.0, "rgba(197, 27, 125, 0.400)"), (2.0, "rgba(77, 146, 33, 0.400)")],
)
def test_tone_background(tone, expected):
    out = highlight.tone_background(tone)
    assert (expected in out) if expected else out == ""


def test_overlapping_and_out_of_range_mentions():
    text = "Recep Tayyip Erdogan spoke."
    mentions = pd.DataFrame(
        [
            {"start": 0, "end": 20, "entity_id": "erdogan"},
            {"start": 13, "end": 20, "entity_id": "erdogan-short"},  # inside the longer one: dropped
            {"start": 25, "end": 400, "entity_id": "bad"},  # runs past the end: clipped
        ]
    )
    out = highlight.article_html(text, language="en", mentions=mentions)
    assert [a["data-entity"] for t, a in _tags(out) if t == "mark"] == ["erdogan", "bad"]
    assert _visible_text(out) == text


@given(st.text(max_size=200), st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200), st.floats(-1, 1)), max_size=6))
@settings(max_examples=150, deadline=None)
def test_text_always_round_trips_and_never_adds_tags(text, spans):
    rows = [{"start": min(a, b), "end": max(a, b), "tone": t, "tone_method": "x"} for a, b, t in spans]
    sentences = pd.DataFrame(rows, columns=["start", "end", "tone", "tone_method"])
    mentions = pd.DataFrame(
        [{"start": r["start"], "end": r["end"], "entity_id": "<e>"} for r in rows], columns=["start", "end", "entity_id"]
    )
    out = highlight.article_html(text, language="en", sentences=sentences, mentions=mentions)
    assert _visible_text(out) == text
    assert {t for t, _ in _tags(out)} <= {"div", "span", "mark"}


def test_legend_mentions_both_tones():
    out = highlight.legend_html()
    assert "negative sentence" in out and "positive sentence" in out


@pytest.mark.parametrize(
    ("raw", "shown"), [("a*b*", r"a\*b\*"), ("[x](javascript:1)", r"\[x\]\(javascript\:1\)"), ("<b>", r"\<b\>"), (None, "")]
)
def test_escape_markdown(raw, shown):
    assert highlight.escape_markdown(raw) == shown
