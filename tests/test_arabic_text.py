"""lib.text.arabic: the fast normalisation equals the per-character definition."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from lib.text import arabic

_ALPHABET = [*arabic.NORM_TABLE, *"abc تركيا أنقرة إسطنبول ـَُِّ 123 .،"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=60))
def test_normalise_and_offsets_follow_the_table(text):
    expected = "".join(arabic.NORM_TABLE.get(c, c) for c in text)
    assert arabic.normalise(text) == expected
    n = arabic.normalise_with_offsets(text)
    assert n.text == expected
    assert list(n.index) == [i for i, c in enumerate(text) for _ in arabic.NORM_TABLE.get(c, c)]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
@example("²ٮ")  # a superscript digit is no letter
def test_arabic_share_counts_arabic_letters_among_letters(text):
    letters = [c for c in text if c.isalpha()]
    share = sum(1 for c in letters if arabic.ARABIC_CHAR_RE.match(c)) / len(letters) if letters else 0.0
    assert abs(arabic.arabic_share(text) - share) < 1e-12


def test_the_written_table_is_what_camel_tools_does():
    assert arabic.camel_table() == arabic.NORM_TABLE


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from([*arabic.DIACRITICS, *"تركيا أنقرة ـ abc"]), max_size=40))
def test_dediac_is_camel_tools_dediac(text):
    from camel_tools.utils.dediac import dediac_ar

    assert arabic.dediac(text) == dediac_ar(text)


def test_importing_the_page_layer_does_not_import_camel_tools():
    import subprocess
    import sys

    code = "import sys, ui.data, lib.views.compare, lib.output.charts; sys.exit(1 if any(m.startswith('camel_tools') for m in sys.modules) else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_importing_the_page_layer_does_not_import_the_pipeline_or_its_models():
    """A store that holds the analysis draws every page without the pipeline's code:
    it is imported (with VADER, spaCy, the target-tone model) only when something is analysed."""
    import subprocess
    import sys

    heavy = ("lib.analysis.pipeline", "lib.corpus.runner", "lib.analysis.target_tone", "vaderSentiment", "spacy", "torch")
    code = (
        "import sys, ui.data, ui.state, ui.downloads, lib.views.compare, lib.output.charts; "
        f"bad = [m for m in {heavy!r} if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_ui_layer_imports_no_altair_until_a_chart_is_made():
    """A page's text (Compare's findings) is sent before Altair (half a second) is imported:
    the ui layer and the exports import it when a chart or a briefing is first made."""
    import subprocess
    import sys

    code = "import sys, ui.data, ui.state, ui.downloads, lib.output.exports; sys.exit(1 if 'altair' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False, capture_output=True).returncode == 0
