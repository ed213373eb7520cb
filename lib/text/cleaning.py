"""Clean a news article: metadata headers, titles, and boilerplate.

Real articles come with a site's furniture around the body: a metadata
header (``date 2021-10-31``), the headline printed two or three times, a
"also read.." list of other headlines with bylines after the body, a tag line
(``Erdogan, Diplomacy, Politics,``), share buttons and copyright lines.

Cleaning is a chain of small steps over the article's lines. Each step takes
the lines and returns the lines it keeps plus what it removed, with a *kind*,
so that everything removed is kept for audit. The rules are about the shape
of a line (length, position, punctuation, repetition, a small vocabulary of
site furniture in English and Arabic), not about any one site's strings.

The cleaned text is the title (when there is one) on its own line, a blank
line, then the body; sentences and mentions are offsets into it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime
from functools import lru_cache
from itertools import pairwise

from lib.errors import OnlyBoilerplateError

# --- named constants -----------------------------------------------------------

#: A headline is short: most are 6–15 words; 30 allows long Arabic headlines.
MAX_TITLE_WORDS = 30
#: A header block is at most this many lines at the top of the file.
MAX_HEADER_LINES = 6
#: Lines of site furniture (bylines, tags, headline lists) are short.
MAX_FURNITURE_WORDS = 18
#: A short line repeated this often is furniture ("News Editor" after each
#: related headline), not body text.
MIN_REPEATS_FOR_FURNITURE = 2
MAX_REPEATED_LINE_WORDS = 4
#: A related-links marker is only trusted in the last part of the article:
#: "read more" in the first paragraph is more likely body text.
RELATED_MARKER_MIN_POSITION = 0.3

_HEADER_RE = re.compile(
    r"^\s*(?P<key>date|published|publication date|updated|posted|source|url|link|author|by|title|التاريخ|المصدر|الكاتب|العنوان|تاريخ النشر)"
    r"\s*[:：\-–]?\s+(?P<value>\S.*?)\s*$",
    re.IGNORECASE,
)

_RELATED_MARKER_RE = re.compile(
    r"^\s*(also read|read also|read more|more stories|more from|related( articles| stories| news| posts| coverage)?|"
    r"see also|recommended( for you)?|you (may|might) also like|most read|trending|latest news|"
    r"اقرأ أيضا|اقرأ أيضاً|اقرأ ايضا|إقرأ أيضا|إقرأ أيضاً|اقرأ المزيد|مواضيع ذات صلة|أخبار ذات صلة|اخبار ذات صلة|الأكثر قراءة|شاهد أيضا)"
    r"\s*[.:…]*\s*$",
    re.IGNORECASE,
)

_FURNITURE_RE = re.compile(
    r"^\s*(news editor|editor|staff writer|staff reporter|by [A-Z][\w.'’-]+( [A-Z][\w.'’-]+){0,3}|"
    r"(reporting|writing|editing|additional reporting) by .{2,80}|"
    r"(©|\(c\)|copyright)\s?.{0,80}|all rights reserved\.?|"
    r"share( this( article| story)?)?( on)?( facebook| twitter| x| whatsapp| email)*|"
    r"follow us( on .{1,40})?|subscribe( to our newsletter| now)?|sign up( for .{1,40})?|advertisement|"
    r"click here.{0,60}|tags?\s*:.*|filed under\s*:?.*|"
    r"جميع الحقوق محفوظة.{0,40}|تابعونا.{0,40}|شارك(ها)?( على .{1,30})?|إعلان|الوسوم\s*:.*|كلمات مفتاحية\s*:.*)"
    r"\s*$",
    re.IGNORECASE,
)

_SENTENCE_END_RE = re.compile(r"[.!?؟…\"”'’]\s*$")

#: A caption or video blurb inside a body is a sentence-long line with no
#: final punctuation, in an article whose paragraphs otherwise end with it
#: (sites that never end paragraphs with a full stop are left alone).
#: The first lines of a body may be its headline or standfirst (no final
#: full stop either), never a caption.
CAPTION_FREE_TOP_LINES = 2
MIN_CAPTION_WORDS = 8  # subheadings ("Afghanistan, Libya will also be on agenda") are shorter
#: Share of the other long paragraphs that must end a sentence for the
#: article to be of that style, and how many there must be.
MIN_PUNCTUATED_SHARE = 0.6
MIN_PUNCTUATED_PARAGRAPHS = 3
_PARAGRAPH_END_RE = re.compile(r"[.!?؟…\"”'’:;,،؛]\s*$")
_NOT_PROSE_RE = re.compile(r"^\s*(?:[#>|*•\-–—]|\d+[.)]\s)|\|")
_QUOTE_START_RE = re.compile(r"^\s*[\"“‘'«]")
_VIDEO_RE = re.compile(r"\b(?:videos?|footage|watch|clip)\b|فيديو|شاهد", re.IGNORECASE)

#: Prompts inside a body: "Scroll down for video", "READ MORE: <headline>",
#: "Related: …", "اقرأ أيضا: …".
_INLINE_PROMPT_RE = re.compile(
    r"^\s*(?:scroll (?:down )?(?:for|to) (?:the )?videos?\.?|(?:read more|read also|also read|related|see also|more)\s*[:\-–—]\s*\S.*|"
    r"(?:watch|video)\s*[:\-–—]\s*\S.*|(?:اقرأ|إقرأ) (?:أيضا|أيضاً|ايضا|المزيد)\s*[:\-–—]\s*\S.*|(?:شاهد|شاهد أيضا|فيديو)\s*[:\-–—]\s*\S.*)$",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_MONTHS = {
    m.lower(): i
    for i, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sep", "Sept"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for m in names
}
_TEXT_DATE_RES = (
    re.compile(r"(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})"),
    re.compile(r"(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})"),
)


@dataclass
class CleanResult:
    text: str
    title: str | None
    date: str | None
    source: str | None
    url: str | None
    body_start: int  # offset in text where the body starts (after the title)
    boilerplate: list[dict] = field(default_factory=list)


# --- small text helpers ------------------------------------------------------


@lru_cache(maxsize=8192)
def _words(line: str) -> int:
    """Number of words in ``line`` (remembered: the cleaning rules ask it of each line several times)."""
    return len(_WORD_RE.findall(line))


def _key(line: str) -> str:
    """Comparison key for repeated lines: case, accents, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKC", line).casefold()
    return " ".join(_WORD_RE.findall(text))


def parse_date(value: str) -> str | None:
    """ISO date from a stated date string, or None. Never guesses a missing part."""
    m = _ISO_DATE_RE.search(value)
    candidates = []
    if m:
        candidates.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for rx in _TEXT_DATE_RES:
        t = rx.search(value)
        if t and t.group("month").lower() in _MONTHS:
            candidates.append((int(t.group("year")), _MONTHS[t.group("month").lower()], int(t.group("day"))))
    for y, mo, d in candidates:
        try:
            return Date(y, mo, d).isoformat()
        except ValueError:
            continue
    return None


# --- steps: each takes lines and returns (kept lines, removed [(kind, text)]) ----

Removed = list[tuple[str, str]]


def normalise_text(text: str) -> str:
    """Line endings to \\n, no zero-width characters, NBSP to space, NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = _ZERO_WIDTH_RE.sub("", text)
    return unicodedata.normalize("NFC", text)


def take_header(lines: list[str]) -> tuple[list[str], Removed, dict]:
    """Remove ``key value`` metadata lines at the top; return what they state."""
    meta: dict[str, str] = {}
    removed: Removed = []
    i = 0
    seen = 0
    while i < len(lines) and seen < MAX_HEADER_LINES:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        m = _HEADER_RE.match(line)
        if not m or _words(m.group("value")) > 12:
            break
        key = m.group("key").lower()
        value = m.group("value")
        if key in ("date", "published", "publication date", "updated", "posted", "التاريخ", "تاريخ النشر"):
            parsed = parse_date(value)
            if parsed is None:
                break
            meta.setdefault("date", parsed)
        elif key in ("source", "المصدر"):
            meta.setdefault("source", value)
        elif key in ("url", "link"):
            meta.setdefault("url", value)
        elif key in ("title", "العنوان"):
            meta.setdefault("title", value)
        removed.append(("header", line.strip()))
        i += 1
        seen += 1
    return lines[i:], removed, meta


def looks_like_title(line: str, next_line: str | None) -> bool:
    """A first line is a title when it is short and does not end a sentence.

    Headlines carry no final full stop; a body's first line is a sentence
    that does (seed 001 starts with its body). A question mark is allowed
    only when the line is short, as question headlines are.
    """
    s = line.strip()
    if not s or _words(s) > MAX_TITLE_WORDS:
        return False
    if s.endswith((".", "،", ",", ":", ";", "…")):
        return False
    if next_line is not None and _key(next_line) == _key(s):
        return True
    return not _SENTENCE_END_RE.search(s) or (s.endswith(("?", "؟")) and _words(s) <= 15)


def take_title(lines: list[str], title_hint: str | None) -> tuple[list[str], Removed, str | None]:
    """Take the title from the first line (or the hint), and drop its repeats."""
    nonblank = [ln for ln in lines if ln.strip()]
    title = title_hint.strip() if title_hint and title_hint.strip() else None
    removed: Removed = []
    rest = list(lines)
    if title is None and nonblank:
        first = nonblank[0]
        second = nonblank[1] if len(nonblank) > 1 else None
        if second is not None and looks_like_title(first, second):
            title = first.strip()
            idx = rest.index(first)
            rest = rest[idx + 1 :]
    if title is None:
        return rest, removed, None
    key = _key(title)
    kept = []
    for ln in rest:
        if ln.strip() and _key(ln) == key:
            removed.append(("repeated_title", ln.strip()))
        else:
            kept.append(ln)
    return kept, removed, title


def _last_body_index(lines: list[str]) -> int:
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].strip():
            return i
    return -1


def take_related_links(lines: list[str]) -> tuple[list[str], Removed]:
    """Cut a trailing "also read.." / "related" section: the marker and all after it."""
    n = len(lines)
    for i, line in enumerate(lines):
        if i >= n * RELATED_MARKER_MIN_POSITION and _RELATED_MARKER_RE.match(line):
            tail = [ln.strip() for ln in lines[i:] if ln.strip()]
            # Only a list of short lines (headlines, bylines) counts as a link list.
            if all(_words(t) <= MAX_FURNITURE_WORDS for t in tail[1:]):
                return lines[:i], [("related_links", t) for t in tail]
    return lines, []


def take_repeated_short_lines(lines: list[str]) -> tuple[list[str], Removed]:
    """Drop short lines that recur (bylines such as "News Editor" after each headline)."""
    counts = Counter(_key(ln) for ln in lines if ln.strip() and _words(ln) <= MAX_REPEATED_LINE_WORDS)
    repeated = {k for k, c in counts.items() if c >= MIN_REPEATS_FOR_FURNITURE and k}
    kept: list[str] = []
    removed: Removed = []
    for ln in lines:
        if ln.strip() and _key(ln) in repeated:
            removed.append(("repeated_line", ln.strip()))
        else:
            kept.append(ln)
    return kept, removed


def take_furniture_lines(lines: list[str]) -> tuple[list[str], Removed]:
    """Drop lines that are site furniture: bylines, share/follow prompts, copyright."""
    kept: list[str] = []
    removed: Removed = []
    for ln in lines:
        if ln.strip() and _words(ln) <= MAX_FURNITURE_WORDS and _FURNITURE_RE.match(ln):
            removed.append(("furniture", ln.strip()))
        else:
            kept.append(ln)
    return kept, removed


def is_tag_line(line: str) -> bool:
    """A tag line lists 2+ short capitalised or Arabic items separated by commas."""
    s = line.strip()
    ends_with_comma = s.endswith((",", "،"))
    if not s or (_SENTENCE_END_RE.search(s) and not ends_with_comma):
        return False
    items = [t.strip() for t in re.split(r"[,،|]", s) if t.strip()]
    n_separators = s.count(",") + s.count("،") + s.count("|")
    if len(items) < 2 or (n_separators < 2 and not ends_with_comma):
        return False
    return all(_words(t) <= 3 and (t[0].isupper() or not t[0].isascii()) for t in items)


def take_trailing_tags(lines: list[str]) -> tuple[list[str], Removed]:
    """Drop a tag line at the very end of the article."""
    i = _last_body_index(lines)
    if i >= 0 and is_tag_line(lines[i]):
        return lines[:i], [("tags", lines[i].strip())]
    return lines, []


def take_inline_prompts(lines: list[str]) -> tuple[list[str], Removed]:
    """Drop "Scroll down for video" and "READ MORE: <headline>" lines anywhere in the body."""
    kept: list[str] = []
    removed: Removed = []
    for ln in lines:
        if ln.strip() and _words(ln) <= MAX_FURNITURE_WORDS * 2 and _INLINE_PROMPT_RE.match(ln):
            removed.append(("read_more", ln.strip()))
        else:
            kept.append(ln)
    return kept, removed


def is_caption_style(line: str) -> bool:
    """A sentence-long line that does not end like a paragraph: a caption or video title."""
    s = line.strip()
    return _words(s) >= MIN_CAPTION_WORDS and not _PARAGRAPH_END_RE.search(s) and not _NOT_PROSE_RE.match(s)


def take_captions(lines: list[str]) -> tuple[list[str], Removed]:
    """Drop image captions and video blurbs printed inline in the body.

    Scraped bodies keep the text under each picture and the titles of
    embedded videos as lines of their own: sentence-long, but without the
    final full stop every paragraph of the article has. The rule only runs
    when the article's other long paragraphs do end with punctuation.
    """
    prose = [ln for ln in lines if ln.strip() and _words(ln) >= MIN_CAPTION_WORDS and not _NOT_PROSE_RE.match(ln)]
    captions = [ln for ln in prose if is_caption_style(ln)]
    punctuated = len(prose) - len(captions)
    if not captions or punctuated < MIN_PUNCTUATED_PARAGRAPHS or punctuated < MIN_PUNCTUATED_SHARE * len(prose):
        return lines, []
    kept: list[str] = []
    removed: Removed = []
    nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
    following = {i: lines[j] for i, j in pairwise(nonblank)}
    top = set(nonblank[:CAPTION_FREE_TOP_LINES])
    for i, ln in enumerate(lines):
        # A line that introduces the quote on the next line is body text; so
        # are the first lines, where a headline or standfirst stands.
        lead_in = _QUOTE_START_RE.match(following.get(i, ""))
        if ln.strip() and is_caption_style(ln) and not lead_in and i not in top:
            removed.append(("video" if _VIDEO_RE.search(ln) else "caption", ln.strip()))
        else:
            kept.append(ln)
    return kept, removed


def collapse_blank_lines(text: str) -> str:
    """Strip line-end spaces, at most one blank line in a row, no outer blank lines."""
    text = "\n".join(ln.rstrip() for ln in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# --- the chain ---------------------------------------------------------------


def clean(raw: str, *, file: str = "<text>", title_hint: str | None = None) -> CleanResult:
    """Clean one article. Raises OnlyBoilerplateError when no body is left."""
    text = normalise_text(raw)
    lines = text.split("\n")
    lines, removed, meta = take_header(lines)
    lines, rem, title = take_title(lines, title_hint or meta.get("title"))
    removed += rem
    for step in (
        take_related_links,
        take_trailing_tags,
        take_repeated_short_lines,
        take_furniture_lines,
        take_inline_prompts,
        take_captions,
    ):
        lines, rem = step(lines)
        removed += rem
    body = collapse_blank_lines("\n".join(lines))
    if not body:
        raise OnlyBoilerplateError(file, "contains no article body once headers, titles and site furniture are removed")
    if title:
        title = " ".join(title.split())
        cleaned = f"{title}\n\n{body}"
        body_start = len(title) + 2
    else:
        cleaned, body_start = body, 0
    return CleanResult(
        text=cleaned,
        title=title,
        date=meta.get("date"),
        source=meta.get("source"),
        url=meta.get("url"),
        body_start=body_start,
        boilerplate=[{"kind": k, "text": t} for k, t in removed],
    )


def today_iso() -> str:
    """Today's date (for exports' provenance, never for an article's date)."""
    return datetime.now().date().isoformat()
