"""Entity matching: gazetteer rules, spaCy fallback, and the optional Arabic NER model."""

import os
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.analysis import ar_names, entities, gazetteer
from lib.analysis.entities import find_mentions, match_arabic, match_english
from lib.analysis.gazetteer import build_gazetteer
from lib.text.fold import fold
from lib.text.sentences import split_spans

COLUMNS = ["entity_id", "qid", "type", "affiliation", "name_en", "name_ar", "aliases_en", "aliases_ar", "demonyms_en", "adjectives_ar"]
ROWS = [
    ["turkey", "Q43", "country", "turkey", "Turkey", "تركيا", "Turkey|Ankara", "تركيا|أنقرة", "Turkish|Turk|Turks", "تركي"],
    [
        "united-states",
        "Q30",
        "country",
        "united-states",
        "United States",
        "الولايات المتحدة",
        "United States|US|U.S.|Washington",
        "الولايات المتحدة|واشنطن",
        "American",
        "أمريكي|أميركي",
    ],
    ["russia", "Q159", "country", "russia", "Russia", "روسيا", "Russia|Moscow", "روسيا|موسكو", "Russian", "روسي"],
    [
        "erdogan",
        "",
        "person",
        "turkey",
        "Recep Tayyip Erdoğan",
        "رجب طيب أردوغان",
        "Recep Tayyip Erdoğan|Erdoğan",
        "أردوغان|اردوغان",
        "",
        "",
    ],
    ["nato", "Q7184", "organisation", "", "NATO", "الناتو", "NATO", "الناتو|حلف شمال الأطلسي", "", ""],
    ["assad", "", "person", "syria", "Bashar al-Assad", "بشار الأسد", "Bashar al-Assad|Assad", "بشار الأسد|الأسد", "", ""],
    ["syria", "Q858", "country", "syria", "Syria", "سوريا", "Syria", "سوريا", "Syrian", "سوري"],
    ["s-400", "", "weapon_system", "russia", "S-400", "إس-400", "S-400", "إس -400|إس-400", "", ""],
]


@pytest.fixture(scope="module")
def gaz():
    return build_gazetteer(pd.DataFrame(ROWS, columns=COLUMNS))


def _ids(mentions):
    return [(m["entity_id"], m["surface"]) for m in mentions]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Erdogan met Erdoğan's rival.", [("erdogan", "Erdogan"), ("erdogan", "Erdoğan")]),
        ("Turkey's role in NATO", [("turkey", "Turkey"), ("nato", "NATO")]),
        ("the Russian-made S-400s", [("russia", "Russian"), ("s-400", "S-400")]),
        ("Turkish-US relations", [("turkey", "Turkish"), ("united-states", "US")]),
        ("President Recep Tayyip Erdogan", [("erdogan", "Recep Tayyip Erdogan")]),
        ("let us go; the turkey was roasted", []),
        ("Syrian President Bashar al-Assad", [("syria", "Syrian"), ("assad", "Bashar al-Assad")]),
        ("Russians and Turks", [("russia", "Russian"), ("turkey", "Turks")]),
    ],
)
def test_english_matching(gaz, text, expected):
    assert _ids(match_english(text, gaz=gaz)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وأردوغان", [("erdogan", "وأردوغان")]),
        ("العلاقات التركية الأمريكية", [("turkey", "التركية"), ("united-states", "الأمريكية")]),
        ("للناتو وبالناتو", [("nato", "للناتو"), ("nato", "وبالناتو")]),
        ("نظام الصواريخ الروسي إس -400", [("russia", "الروسي"), ("s-400", "إس -400")]),
        ("مسؤول تركي ومسؤولون أميركيون", [("turkey", "تركي"), ("united-states", "أميركيون")]),
        ("أسد في الغابة", []),  # الأسد needs its article: a bare أسد is a lion
        ("نظام الأسد", [("assad", "الأسد")]),
        ("ناتو", []),
        ("بتركيا ولتركيا", [("turkey", "بتركيا"), ("turkey", "ولتركيا")]),
        ("أَرْدُوغَان", [("erdogan", "أَرْدُوغَان")]),  # diacritics
    ],
)
def test_arabic_matching_with_clitics_and_adjectives(gaz, text, expected):
    assert _ids(match_arabic(text, gaz=gaz)) == expected


def test_arabic_offsets_point_at_the_surface(gaz):
    text = "قال أَرْدُوغَان إن تركيا"
    for m in match_arabic(text, gaz=gaz):
        assert text[m["start"] : m["end"]] == m["surface"]


def test_fold_keeps_length():
    s = "Erdoğan Çavuşoğlu İstanbul Gülen ’s"
    assert len(fold(s)) == len(s)
    assert fold(s) == "Erdogan Cavusoglu Istanbul Gulen 's"


def test_unknown_types_are_refused():
    rows = [*ROWS, ["x", "", "planet", "", "X", "", "", "", "", ""]]
    with pytest.raises(ValueError, match="planet"):
        build_gazetteer(pd.DataFrame(rows, columns=COLUMNS))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("TurkeyRussia NATOتركياالناتو وب،.\n-'s")), max_size=80), st.sampled_from(["en", "ar"]))
def test_mentions_lie_inside_their_sentence(gaz, text, lang):
    spans = split_spans(text, lang)
    for m in find_mentions(text, spans, lang, gaz=gaz):
        s, e = spans[m["sentence_id"]]
        assert s <= m["start"] < m["end"] <= e
        assert text[m["start"] : m["end"]] == m["surface"]


def test_spacy_names_outside_the_gazetteer_are_kept_as_not_canonical(gaz):
    nlp = entities.load_spacy()
    text = "Erdogan met the Finnish envoy Sauli Niinisto in Helsinki on Monday."
    found = find_mentions(text, split_spans(text, "en"), "en", gaz=gaz, nlp=nlp)
    canon = [m for m in found if m["canonical"]]
    extra = [m for m in found if not m["canonical"]]
    assert ("erdogan", "Erdogan") in _ids(canon)
    assert any(m["surface"] == "Sauli Niinisto" and m["type"] == "person" and m["method"] == "spacy-ner" for m in extra)
    assert all(m["entity_id"].startswith("ner:en:") for m in extra)
    # spaCy's own entity for a gazetteer name never replaces the canonical id.
    assert not any(m["surface"] == "Erdogan" for m in extra)


# --- the optional camel-tools Arabic NER model, on a tiny model built here -------

LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
TINY_VOCAB = {
    "[PAD]": "O",
    "[UNK]": "O",
    "[CLS]": "O",
    "[SEP]": "O",
    "[MASK]": "O",
    "قال": "O",
    "مصطفى": "B-PERS",
    "سجاري": "I-PERS",
    "إن": "O",
    "حلب": "B-LOC",
    "في": "O",
    ".": "O",
}


def build_tiny_ner(path):
    """A 0-layer BERT whose token embeddings are one-hot and whose classifier
    maps each vocabulary word to a fixed label, so predictions are known."""
    import torch
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

    vocab = list(TINY_VOCAB)
    tok = BertTokenizerFast(
        vocab={w: i for i, w in enumerate(vocab)}, do_lower_case=False, strip_accents=False, tokenize_chinese_chars=False
    )
    cfg = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=0,
        num_attention_heads=2,
        intermediate_size=16,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={lab: i for i, lab in enumerate(LABELS)},
    )
    model = BertForTokenClassification(cfg)
    with torch.no_grad():
        emb = model.bert.embeddings
        emb.word_embeddings.weight.zero_()
        emb.word_embeddings.weight[:, : len(vocab)] = torch.eye(len(vocab)) * 10
        emb.position_embeddings.weight.zero_()
        emb.token_type_embeddings.weight.zero_()
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        for i, word in enumerate(vocab):
            model.classifier.weight[LABELS.index(TINY_VOCAB[word]), i] = 1.0
    tok.save_pretrained(str(path))
    model.save_pretrained(str(path))
    return path


def test_camel_ner_model_is_detected_without_network(tmp_path, monkeypatch):
    monkeypatch.delenv("CAMEL_NER_MODEL", raising=False)
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "nothing"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert entities.find_camel_ner_model() is None
    model_dir = tmp_path / "camel" / "data" / "ner" / "arabert"
    model_dir.mkdir(parents=True)
    build_tiny_ner(model_dir)
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "camel"))
    assert entities.find_camel_ner_model() == model_dir


def test_camel_ner_adds_arabic_names_the_gazetteer_lacks(gaz, tmp_path):
    ner = entities.ArabicNER(build_tiny_ner(tmp_path))
    text = "قال مصطفى سجاري إن تركيا في حلب."
    found = find_mentions(text, split_spans(text, "ar"), "ar", gaz=gaz, arabic_ner=ner)
    got = {(m["entity_id"], m["surface"], m["type"], m["canonical"], m["method"]) for m in found}
    assert ("turkey", "تركيا", "country", True, "gazetteer") in got
    assert ("ner:ar:مصطفي-سجاري", "مصطفى سجاري", "person", False, "camel-ner") in got
    assert ("ner:ar:حلب", "حلب", "place", False, "camel-ner") in got


def test_importing_the_project_never_imports_camel_tools_data():
    import subprocess

    code = "import sys, lib.analysis.pipeline, lib.analysis.entities; sys.exit(1 if 'camel_tools.data' in sys.modules else 0)"
    env = {**os.environ, "CAMELTOOLS_DATA": "/nonexistent"}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


# --- matching rules, on the shipped gazetteer ------------------------------------------


@pytest.fixture(scope="module")
def full():
    return gazetteer.load_gazetteer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a multi-word institution wins over the place inside it
        ("a report by the Washington Institute", [("winep", "Washington Institute")]),
        ("The Washington Post reported", [("washington-post", "The Washington Post")]),
        ("officials in Brussels said", []),
        ("a Doha-based think tank", []),
        ("a think tank in Doha", []),
        ("Doha and Ankara agreed", [("qatar", "Doha"), ("turkey", "Ankara")]),
        # a surname is a known person only without another first name before it
        ("Jill Biden met Biden", [("jill-biden", "Jill Biden"), ("biden", "Biden")]),
        ("Melania Trump and President Trump", [("melania-trump", "Melania Trump"), ("trump", "Trump")]),
        ("Donald J. Trump", [("trump", "Donald J. Trump")]),
        ("Hunter Biden", [("hunter-biden", "Hunter Biden")]),
        ("Frank Biden spoke", []),
        ("But Erdogan said", [("erdogan", "Erdogan")]),
        ("Turkey’s Erdogan arrives", [("turkey", "Turkey"), ("erdogan", "Erdogan")]),
        # all caps
        ("TURKEY AND RUSSIA", [("turkey", "TURKEY"), ("russia", "RUSSIA")]),
        ("ERDOGAN SAYS", [("erdogan", "ERDOGAN")]),
        # names inside an event's name are mentions too
        ("after the arrest of Ekrem Imamoglu", [("imamoglu-arrest-2025", "arrest of Ekrem Imamoglu"), ("imamoglu", "Ekrem Imamoglu")]),
    ],
)
def test_english_rules(full, text, expected):
    assert _ids(match_english(text, gaz=full)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("معهد واشنطن", [("winep", "معهد واشنطن")]),
        ("صحيفة واشنطن بوست", [("washington-post", "صحيفة واشنطن بوست")]),
        ("قالت واشنطن بوست", [("washington-post", "واشنطن بوست")]),
        ("مركز أبحاث في الدوحة", []),
        ("ومقره الدوحة", []),
        ("زار الدوحة", [("qatar", "الدوحة")]),
        ("وسيجري الاجتماع غدا", []),
        ("سيجري التصويت", []),
        ("القيادي مصطفى سيجري", [("sejari", "مصطفى سيجري")]),
        ("وبحماس كبير", []),
        ("الحماس الشديد", []),
        ("عدم وجود حماس في السوق", []),  # enthusiasm: no Palestinian context
        ("وقالت حماس في بيان ولحماس", []),
        ("وقالت حماس في غزة ولحماس", [("hamas", "حماس"), ("gaza", "غزة"), ("hamas", "ولحماس")]),
        ("وقالت حركة حماس", [("hamas", "حركة حماس")]),
        ("جيل بايدن والرئيس بايدن", [("jill-biden", "جيل بايدن"), ("biden", "بايدن")]),
        ("أبوظبي وأبو ظبي", [("united-arab-emirates", "أبوظبي"), ("united-arab-emirates", "وأبو ظبي")]),
        ("وإس-400", [("s-400", "وإس-400")]),
    ],
)
def test_arabic_rules(full, text, expected):
    assert _ids(match_arabic(text, gaz=full)) == expected


def test_ambiguous_rules_are_validated(tmp_path):
    bad = tmp_path / "amb.csv"
    bad.write_text("form,rule,entity_id,other_meaning\nحماس,sometimes,hamas,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="sometimes"):
        gazetteer.read_ambiguous(bad)


def test_mentions_carry_subtype_for_the_dyad(full):
    (m,) = match_english("The Washington Post", gaz=full)
    assert (m["type"], m["subtype"], m["affiliation"]) == ("organisation", "media", "united-states")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وأفاد التقرير", []),  # a verb, not the Turkish disaster agency
        ("وقالت هيئة أفاد", [("afad", "أفاد")]),
        ("أحكام الشرع الحنيف", []),
        ("الرئيس الشرع", [("al-sharaa", "الشرع")]),
        ("كلامي موجه لمن خالفني", []),
        ("صوت هيغل الفيلسوف", []),
        ("جاء ذلك كرد فعل", []),
        ("الأكراد والكرد", [("kurdistan", "الأكراد"), ("kurdistan", "والكرد")]),
        ("وكشف الدكتور التركي", []),  # a family name after an honorific
        ("السفير التركي", [("turkey", "التركي")]),
    ],
)
def test_arabic_common_words_are_not_names(full, text, expected):
    assert _ids(match_arabic(text, gaz=full)) == expected


# --- Arabic names the gazetteer lacks, without a model -------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("وقال وزير الخارجية الإستوني مارغوس تساخنا إن بلاده", ["مارغوس تساخنا"]),
        ("وقالت المتحدثة باسم الخارجية الروسية ماريا زاخاروفا في مؤتمر", ["ماريا زاخاروفا"]),
        ("وأكد السفير الأمريكي جيمس جيفري، أن", ["جيمس جيفري"]),
        ("وزير الخارجية السعودي عادل الجبير", ["عادل الجبير"]),
        ("وقال الرئيس إن الاتفاق", []),  # no name after the title
        ("وقال الرئيس بوتين إن", []),  # one word: too little to be sure
        ("مدرب الفريق الالماني ستامب وهم: عبدالمجيد", []),  # وهم "and they" ends the name
        ("والمحلل الفني لأداء اللاعبين البروفيسور", []),  # a plural with the article is no family name
    ],
)
def test_names_after_titles(text, names):
    assert [surface for _s, _e, surface in ar_names.arabic_titled_names(text)] == names


def test_titled_names_are_non_canonical_and_never_replace_the_gazetteer(full):
    text = "وقال وزير الخارجية الإستوني مارغوس تساخنا إن الرئيس الروسي فلاديمير بوتين سيزور تركيا."
    found = find_mentions(text, split_spans(text, "ar"), "ar", gaz=full)
    got = {(m["entity_id"], m["canonical"], m["method"]) for m in found}
    assert ("ner:ar:مارغوس-تساخنا", False, "ar-title") in got
    assert ("putin", True, "gazetteer") in got
    assert not any(m["method"] == "ar-title" and "بوتين" in m["surface"] for m in found)


def test_spacy_is_loaded_without_pytorch():
    """thinc would import PyTorch (~180 MB and ~1.4 s per analysing process); the pipelines never use it."""
    import subprocess
    import sys

    code = (
        "import sys; from lib.analysis.entities import load_spacy; from lib.analysis.target_tone import load_parser;"
        "doc = load_spacy()('Recep Tayyip Erdogan met Joe Biden in Rome.'); load_parser();"
        "assert any(e.label_ == 'PERSON' for e in doc.ents), doc.ents;"
        "assert 'torch' not in sys.modules, 'torch imported';"
        "import torch; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
