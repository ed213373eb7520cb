"""Arabic person names the gazetteer lacks, found without a model.

``arabic_titled_names`` finds a name after a title or role (الرئيس، وزير
الخارجية، المتحدث باسم …) in normalised Arabic news text: two to four words
that can be name words. ``lib.analysis.entities`` marks them ``ar-title``
(not canonical); the analyst links or merges them on the Names page.
"""

from __future__ import annotations

import re

from lib.text import arabic

#: Titles and roles after which Arabic news names a person (normalised).
_AR_ROLE_RE = re.compile(
    r"(?<!\w)[وف]?(?:ل|ب)?(?:"
    r"الرئيس|رئيس (?:الوزراء|الحكومه|الجمهوريه|البرلمان|مجلس \w+|اركان \w+|الاركان|جهاز \w+)|نائب (?:الرئيس|رئيس \w+)|"
    r"وزير(?:ه)? (?:الخارجيه|الدفاع|الداخليه|الخزانه|الماليه|الطاقه|الاقتصاد|العدل|التجاره|\w+)|"
    r"(?:مساعد|نائب|وكيل) وزير(?:ه)? \w+|وزير(?:ه)? الدوله|"
    r"(?:المتحدث|المتحدثه|الناطق|الناطقه)(?: الرسمي| الرسميه)? باسم(?: \w+){1,3}?|"
    r"السفير(?:ه)?|المبعوث(?:ه)?(?: الخاص| الاممي| الامريكي| الاميركي| الروسي)?|"
    r"الجنرال|اللواء|العميد|العقيد|الفريق اول|الاميرال|المشير|"
    r"النائب|السيناتور|السناتور|المستشار(?:ه)?|مستشار(?:ه)? \w+|المعارض(?:ه)?|القيادي(?:ه)?|الزعيم"
    r")"
    r"(?: (?:ال\w+ي|ال\w+يه))*"  # nationality or ministry adjectives: الأمريكي، الروسية، التركي
    r" "
)
#: Words that end a name (function words, speech verbs, common nouns after names).
_AR_NOT_NAME = frozenset(
    arabic.normalise(w)
    for w in """في من على الى إلى عن مع ان إن أن أنه انه إنه قد لقد كان كانت قال قالت يقول تقول أكد اكد أكدت أعلن اعلن أعلنت
    أضاف اضاف أضافت أشار اشار أشارت ذكر ذكرت صرح صرحت أوضح اوضح خلال بعد قبل حول وقال وقالت وأكد وأضاف وأشار
    الذي التي الذين هو هي هم هذا هذه ذلك تلك يوم اليوم أمس امس غدا لدى عند منذ حتى ثم او أو و ما لا لم لن بين أمام امام
    بن بنت أبو ابو آل ال وزير رئيس الرئيس السفير نائب وهم وهو وهي وهما ولا وقد وكان وفي ومن وعلى
    عندما يوجد فرضية عضو منطقة مجلس برنامج بشأن أي إي اي كل بعض غير لعب شؤون بحسب حسب مرارا سابقا السابق السابقة
    الأسبق الراحل الحالي الابن الأول الماضي شركة اجتماعا اجتماع قادة دول إدارة نادي ولاية جبهة السلطة""".split()
)
_AR_NAME_WORD_RE = re.compile(r"[\u0621-\u064a]{2,}")
#: A name after a title has two to four words.
MIN_TITLED_NAME_WORDS = 2
MAX_TITLED_NAME_WORDS = 4


def _could_be_name_word(word: str, *, first: bool) -> bool:
    """Whether a normalised word can be part of a person's name after a title.

    Not a function word, speech verb or title; no preposition with the
    article (للهيئة، بالمنطقة) or before a listed word (لرئيس); no
    conjunction و after the first word (… وجعله); the article starts no
    first name, a plural with it (اللاعبين) is no family name, and a word
    with it ends the name (عادل الجبير).
    """
    if word in _AR_NOT_NAME or word.startswith(("لل", "بال", "كال")) or word[1:] in _AR_NOT_NAME:
        return False
    if word.startswith("و") and (not first or word[1:] in _AR_NOT_NAME or word[1:].startswith("ال")):
        return False
    return not (word.startswith("ال") and (first or word.endswith(("ين", "ون", "ات"))))


def arabic_titled_names(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, surface)`` of person names that follow a title or role.

    Arabic news names a person after their role (الرئيس الروسي فلاديمير بوتين،
    المتحدث باسم الخارجية ماريا زاخاروفا). The words after the role are
    taken as a name while they are Arabic words that are not function words,
    speech verbs or titles; the article is allowed only after the first word
    (عادل الجبير). Two words at least. No model is needed; the results are
    not canonical, like the NER models' names.
    """
    norm = arabic.normalise_with_offsets(text)
    ntext = norm.text
    out = []
    for m in _AR_ROLE_RE.finditer(ntext):
        pos = m.end()
        words: list[tuple[int, int]] = []
        for w in re.finditer(r"\S+", ntext[pos : pos + 80]):
            token = w.group()
            core = _AR_NAME_WORD_RE.fullmatch(token.rstrip("،,.:؛;»\"'”)"))
            word = core.group() if core else ""
            if not core or not _could_be_name_word(word, first=not words):
                break
            words.append((pos + w.start(), pos + w.start() + len(core.group())))
            if token != core.group() or len(words) == MAX_TITLED_NAME_WORDS or word.startswith("ال"):
                break  # punctuation ends the name
            if ntext[pos + w.end() : pos + w.end() + 1] != " ":
                break
        if len(words) >= MIN_TITLED_NAME_WORDS:
            start, end = norm.span(words[0][0], words[-1][1])
            out.append((start, end, text[start:end]))
    return out
