"""Arabic normalisation on camel-tools, with an offset map back to the source.

Matching (entities, tone words, topic keywords) runs on normalised text:
alef variants -> ا, alef maksura -> ي, teh marbuta -> ه, diacritics and
tatweel removed. camel-tools' own functions define each character's
normalised form; the table is built once, at import, by applying them to
every character of the Arabic Unicode blocks. Normalising a text is then one
lookup per character, and we keep, for every normalised character, the index
of the source character it came from, so a match found in normalised text
maps back to exact offsets in the cleaned text.

The table is written out here and checked against camel-tools' functions by
a test; camel-tools is only imported to make that check (never
``camel_tools.data``, which touches the network).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TATWEEL = "\u0640"

_ARABIC_BLOCKS = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
)

#: Diacritics camel-tools' ``dediac_ar`` removes (fathatan … sukun, superscript alef).
DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
_DEDIAC = str.maketrans(dict.fromkeys(DIACRITICS, None))

#: char -> normalised string ('' for removed characters); chars absent map to
#: themselves. This is what camel-tools' own functions (dediacritisation,
#: alef, alef maksura and teh marbuta normalisation) do to each character of
#: the Arabic blocks, written out so that importing this module does not
#: import camel-tools (whose character tables take most of a second to build);
#: ``camel_table()`` derives it from camel-tools again, and a test checks the two agree.
NORM_TABLE: dict[str, str] = {
    "\u0622": "ا",  # alef with madda
    "\u0623": "ا",  # alef with hamza above
    "\u0625": "ا",  # alef with hamza below
    "\u0671": "ا",  # alef wasla
    "\u0629": "ه",  # teh marbuta
    "\u0649": "ي",  # alef maksura
    _TATWEEL: "",
    **dict.fromkeys(DIACRITICS, ""),
    # Persian/Urdu keyboard variants commonly typed in Arabic text.
    "\u06a9": "ك",
    "\u06cc": "ي",
    "\u06c1": "ه",
}


def dediac(text: str) -> str:
    """``text`` without diacritics (camel-tools' ``dediac_ar``)."""
    return text.translate(_DEDIAC)


def camel_table() -> dict[str, str]:
    """The normalisation table derived from camel-tools' functions (slow to import; for checks)."""
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import normalize_alef_ar, normalize_alef_maksura_ar, normalize_teh_marbuta_ar

    table: dict[str, str] = {}
    for lo, hi in _ARABIC_BLOCKS:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            out = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(ch).replace(_TATWEEL, ""))))
            if out != ch:
                table[ch] = out
    table.update({"\u06a9": "ك", "\u06cc": "ي", "\u06c1": "ه"})
    return table


ARABIC_CHAR_RE = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")


@dataclass(frozen=True)
class NormalisedText:
    """Normalised text and, per normalised character, its source index."""

    text: str
    index: tuple[int, ...] | range

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of normalised text to source offsets."""
        if start >= end:
            raise ValueError("empty span")
        return self.index[start], self.index[end - 1] + 1


#: The table as one ``str.translate`` (C speed). Every entry maps one character
#: to one character or deletes it, so offsets only shift at deletions.
_TRANS = str.maketrans(NORM_TABLE)
assert all(len(v) <= 1 for v in NORM_TABLE.values()), "normalisation must map a character to at most one"
_DELETED_RE = re.compile("[" + "".join(re.escape(ch) for ch, rep in NORM_TABLE.items() if rep == "") + "]")


def normalise(text: str) -> str:
    """Normalised form of ``text`` (camel-tools rules), without an offset map."""
    return text.translate(_TRANS)


def normalise_with_offsets(text: str) -> NormalisedText:
    """Normalise ``text`` and keep the source offset of every output character."""
    fast = text.translate(_TRANS)
    if len(fast) == len(text):  # nothing deleted: offsets are unchanged
        return NormalisedText(fast, range(len(text)))
    index: list[int] = []
    prev = 0
    for m in _DELETED_RE.finditer(text):  # one step per deleted character (diacritics), not per character
        index.extend(range(prev, m.start()))
        prev = m.start() + 1
    index.extend(range(prev, len(text)))
    return NormalisedText(fast, tuple(index))


def arabic_share(text: str) -> float:
    """Share of letters in ``text`` that are Arabic-script."""
    if ARABIC_CHAR_RE.search(text) is None:  # most text of an English feed: no need to count its letters
        return 0.0
    # str.isalpha, counted in C: a word-character regex also takes numbers such as "²" for letters
    letters = sum(map(str.isalpha, text))
    if not letters:
        return 0.0
    return sum(map(str.isalpha, "".join(ARABIC_CHAR_RE.findall(text)))) / letters


# --- clitic-tolerant patterns ------------------------------------------------

#: Proclitics: conjunction (و، ف), then preposition (ب، ل، ك) and/or the article.
#: ل + ال is written لل (the alef drops), which the alternation covers.
_PROCLITIC = r"(?:[وف])?(?:[بك]?ال|لل|[بلك])?"
_PROCLITIC_WITH_ARTICLE = r"(?:[وف])?(?:[بك]?ال|لل)"
#: Nisba (adjective) endings after normalisation: ي، يه (ية)، يين، يون، يان، يات.
_NISBA_SUFFIX = r"(?:ه|ين|ون|ان|ات)?"
_BOUNDARY_L = r"(?<!\w)"
_BOUNDARY_R = r"(?!\w)"


def _strip_article(form: str) -> tuple[str, bool]:
    if form.startswith("ال") and len(form) > 3:
        return form[2:], True
    return form, False


def term_pattern(form: str, *, adjective: bool = False, suffixes: str = "") -> str:
    """Regex (for normalised text) matching ``form`` with clitics attached.

    ``form`` is normalised first. A form that carries the article (الناتو)
    requires an article or ل-article before its stem, so the bare stem
    (ناتو) does not match common words. ``adjective`` allows nisba endings
    (تركي -> التركية، التركيين). ``suffixes`` is an extra regex alternation
    for suffixes allowed after the form (e.g. pronoun suffixes of a tone word).
    """
    norm = normalise(form).strip()
    # The article is written with a bare alef; أل/إل starts a word (ألمانيا).
    stem, has_article = _strip_article(norm) if dediac(form.strip()).startswith("ال") else (norm, False)
    stem_re = r"\s*".join(re.escape(part) for part in stem.split())
    prefix = _PROCLITIC_WITH_ARTICLE if has_article else _PROCLITIC
    suffix = _NISBA_SUFFIX if adjective else ""
    if suffixes:
        suffix = f"(?:{suffixes})?" if not suffix else f"{suffix}(?:{suffixes})?"
    return f"{_BOUNDARY_L}{prefix}{stem_re}{suffix}{_BOUNDARY_R}"
