"""Validation of the shipped gazetteer (lib/analysis/data/gazetteer.csv), documented in docs/gazetteer.md."""

import re
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from babel import Locale

from lib.analysis import entities, gazetteer
from lib.text import arabic
from lib.text.fold import fold

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "gazetteer.md"
COLUMNS = [
    "entity_id",
    "qid",
    "type",
    "subtype",
    "affiliation",
    "name_en",
    "name_ar",
    "aliases_en",
    "aliases_ar",
    "demonyms_en",
    "adjectives_ar",
]
SUBTYPES = {
    "person": {
        "head_of_state",
        "head_of_government",
        "minister",
        "spokesperson",
        "diplomat",
        "military",
        "politician",
        "official",
        "militant_leader",
        "journalist",
        "businessperson",
        "cleric",
        "other",
    },
    "organisation": {
        "government_body",
        "military_unit",
        "party",
        "armed_group",
        "international_org",
        "media",
        "think_tank",
        "company",
        "ngo",
        "court_or_case",
        "other",
    },
    "place": {"city", "region", "border_crossing", "base", "other"},
    "country": {"country"},
    "weapon_system": {"weapon"},
    "event": {"agreement", "conflict", "summit", "incident", "process", "other"},
}
#: Country rows with no ISO 3166 territory in CLDR, and why.
NOT_IN_CLDR = {
    "northern-cyprus": "recognised only by Turkey",
    "soviet-union": "dissolved in 1991",
}
#: Country rows whose CLDR Arabic name is deliberately not an alias, and why.
CLDR_AR_NOT_ALIAS = {
    "oman": "CLDR's عُمان is written like Amman (عمّان) without diacritics; the row uses سلطنة عمان",
}


#: Names that are spelled in lower case and are no English word.
LOWERCASE_BRANDS = {"bianet", "dpa", "theintercept.com"}


@pytest.fixture(scope="module")
def df():
    return gazetteer.read_gazetteer_table()


def _split(value):
    return [v for v in value.split("|") if v]


def test_columns_are_the_documented_ones(df):
    assert list(df.columns) == COLUMNS
    doc = DOC.read_text(encoding="utf-8")
    for col in COLUMNS:
        assert f"`{col}`" in doc, f"docs/gazetteer.md does not document column {col}"


def test_ids_are_unique_slugs(df):
    dupes = df["entity_id"][df["entity_id"].duplicated()].tolist()
    assert not dupes
    bad = [e for e in df["entity_id"] if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", e)]
    assert not bad


def test_qids_are_wikidata_ids_and_unique(df):
    qids = df.loc[df["qid"] != "", "qid"]
    assert not [q for q in qids if not re.fullmatch(r"Q[1-9][0-9]*", q)]
    assert not qids[qids.duplicated()].tolist()


def test_types_and_subtypes(df):
    bad = [(r.entity_id, r.type, r.subtype) for r in df.itertuples() if r.subtype not in SUBTYPES.get(r.type, set())]
    assert not bad


def test_affiliations_are_country_rows(df):
    countries = set(df.loc[df["type"] == "country", "entity_id"])
    bad = [(r.entity_id, r.affiliation) for r in df.itertuples() if r.affiliation and r.affiliation not in countries]
    assert not bad


def test_both_names_present_and_arabic_in_arabic_script(df):
    assert not df.loc[(df["name_en"] == "") | (df["name_ar"] == ""), "entity_id"].tolist()
    not_arabic = [
        (r.entity_id, form) for r in df.itertuples() for form in [r.name_ar, *_split(r.adjectives_ar)] if arabic.arabic_share(form) < 0.5
    ]
    assert not not_arabic
    # An Arabic alias in Latin letters is allowed only when it is one of the
    # row's English names too (codes such as S-400 or TRT, written so in Arabic news).
    latin = [
        (r.entity_id, form)
        for r in df.itertuples()
        for form in _split(r.aliases_ar)
        if arabic.arabic_share(form) < 0.5 and form not in {r.name_en, *_split(r.aliases_en)}
    ]
    assert not latin
    arabic_in_english = [
        (r.entity_id, form)
        for r in df.itertuples()
        for form in [r.name_en, *_split(r.aliases_en), *_split(r.demonyms_en)]
        if arabic.ARABIC_CHAR_RE.search(form)
    ]
    assert not arabic_in_english


def test_no_alias_names_two_entities_after_the_matchers_folding(df):
    """Each language's keys are what the matcher looks up (folded English,
    normalised whitespace-free Arabic stems): one key, one entity."""
    for lang, aliases in zip(("en", "ar"), gazetteer.gazetteer_aliases(df), strict=True):
        owners = defaultdict(set)
        for key, eid, _form in aliases:
            owners[key].add(eid)
        clashes = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
        assert not clashes, f"{lang} aliases naming two entities: {clashes}"


def test_clash_check_catches_a_clash():
    rows = gazetteer.read_gazetteer_table().head(3).copy()
    rows.loc[1, "aliases_en"] += "|Türkiye"  # folds to Turkiye, an alias of turkey
    rows.loc[2, "aliases_ar"] += "|أنقره"  # normalises like أنقرة
    en, ar = gazetteer.gazetteer_aliases(rows)
    assert {e for k, e, _ in en if k == "Turkiye"} == {"turkey", rows.loc[1, "entity_id"]}
    assert {e for k, e, _ in ar if k == gazetteer.ar_key("أنقرة")} == {"turkey", rows.loc[2, "entity_id"]}


def test_no_bare_common_word_is_an_english_alias(df):
    """A one-word lowercase alias would match ordinary prose."""
    bad = [
        (r.entity_id, a)
        for r in df.itertuples()
        for a in _split(r.aliases_en)
        if " " not in a and "-" not in a and a.islower() and a not in LOWERCASE_BRANDS
    ]
    assert not bad


def _cldr_names(locale):
    return {code: name for code, name in Locale(locale).territories.items() if code.isalpha() and len(code) == 2}


def test_country_names_agree_with_cldr(df):
    """Every country row is one CLDR territory (by English name or alias), and
    CLDR's Arabic name for it is among the row's Arabic names."""
    en_names = {fold(n).casefold().replace("&", "and"): code for code, n in _cldr_names("en").items()}
    ar_names = _cldr_names("ar")
    problems = []
    for r in df[df["type"] == "country"].itertuples():
        if r.entity_id in NOT_IN_CLDR:
            continue
        forms = [r.name_en, *_split(r.aliases_en)]
        codes = {en_names.get(fold(f).casefold().replace("&", "and")) for f in forms} - {None}
        if len(codes) != 1:
            problems.append((r.entity_id, "English", sorted(codes)))
            continue
        if r.entity_id in CLDR_AR_NOT_ALIAS:
            continue
        ours = {gazetteer.ar_key(f) for f in [r.name_ar, *_split(r.aliases_ar)]}
        if gazetteer.ar_key(ar_names[codes.pop()]) not in ours:
            problems.append((r.entity_id, "Arabic", r.name_ar))
    assert not problems


def test_cldr_check_would_catch_a_wrong_country():
    en_names = {fold(n).casefold(): code for code, n in _cldr_names("en").items()}
    assert en_names.get("turkiye") == "TR"
    assert en_names.get("turkey") is None or en_names["turkey"] == "TR"
    assert gazetteer.ar_key(_cldr_names("ar")["TR"]) == gazetteer.ar_key("تركيا")
    assert gazetteer.ar_key(_cldr_names("ar")["GR"]) != gazetteer.ar_key("تركيا")


def test_the_names_the_analysts_missed_are_there(df):
    """Names and variants found missing in real news (both languages)."""
    gaz = gazetteer.load_gazetteer()
    en = [
        ("Hizbullah", "hezbollah"),
        ("TURKEY", "turkey"),
        ("Michael Flynn", "michael-flynn"),
        ("Robert Mueller", "robert-mueller"),
        ("Reza Zarrab", "reza-zarrab"),
        ("Sergey Kislyak", "kislyak"),
        ("FBI", "fbi"),
        ("OSCE Minsk Group", "osce-minsk-group"),
        ("Boris Johnson", "boris-johnson"),
        ("Syrian Observatory for Human Rights", "sohr"),
        ("Syrian National Coalition", "syrian-national-coalition"),
        ("Staffan de Mistura", "staffan-de-mistura"),
        ("Chuck Hagel", "chuck-hagel"),
        ("John Kirby", "john-kirby"),
        ("John McCain", "john-mccain"),
        ("Samantha Power", "samantha-power"),
        ("Mikhail Bogdanov", "bogdanov"),
        ("Saleh Muslim", "saleh-muslim"),
        ("DHKP-C", "dhkp-c"),
        ("Dogan News Agency", "demiroren-news-agency"),
        ("Wall Street Journal", "wall-street-journal"),
    ]
    for text, eid in en:
        assert [m["entity_id"] for m in entities.match_english(text, gaz=gaz)] == [eid], text
    ar = [
        ("دمرداش", "demirtas"),
        ("مولود جاوش اوغلو", "cavusoglu"),
        ("الجيش التركي", "turkish-armed-forces"),
        ("حزب العمال الكردي", "pkk"),
        ("قوات الحماية الكردية", "ypg"),
        ("روحاني", "rouhani"),
    ]
    for text, eid in ar:
        assert [m["entity_id"] for m in entities.match_arabic(text, gaz=gaz)] == [eid], text


def test_every_ambiguous_arabic_form_is_an_alias_of_its_entity(df):
    amb = pd.read_csv(gazetteer.AR_AMBIGUOUS_PATH, dtype=str, keep_default_na=False, comment="#")
    _en, ar = gazetteer.gazetteer_aliases(df)
    owner = {key: eid for key, eid, _ in ar}
    wrong = [
        (r.form, r.entity_id, owner.get(gazetteer.ar_key(r.form)))
        for r in amb.itertuples()
        if owner.get(gazetteer.ar_key(r.form)) != r.entity_id
    ]
    assert not wrong
