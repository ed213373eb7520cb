"""Topics: what each side's coverage is about, the words that set them apart, and every occurrence of a word."""

import streamlit as st

from lib.output import charts
from lib.output.highlight import escape_markdown
from lib.views import common, terms
from ui import data, downloads, state

filters = state.read_filters()
topics_view, terms_view = data.topics_view(filters)

st.title("Topics and the words that set the coverage apart")
st.caption(
    f"Filters: {filters.describe(markdown=True)}. A sentence gets a topic when it uses the topic's keywords "
    "(a bilingual list, so English and Arabic are counted alike); a sentence can have several."
)
if topics_view.n_focal == 0:
    st.info(f"No US–Turkey or Russia–Turkey articles match these filters ({filters.describe(markdown=True)}).")
    st.stop()

shares = topics_view.shares
labels = topics_view.labels()
topic = state.param_select(
    "Show the sentences on topic", "topic", labels, key="topics.topic", none_label="— choose a topic, or click a bar —"
)
if shares.empty or shares["n_sentences"].sum() == 0:
    st.info("No sentence of these articles is assigned a topic.")
else:
    event = downloads.altair_chart(
        name="topics-by-dyad",
        chart_obj=downloads.spec_of("topic_compare_chart", shares, key=data.view_key(filters, "topics", "shares")),
        theme=None,
        on_select="rerun",
        key="topics.chart",
    )
    state.apply_selection(event, "topic_id", "topic", key="topics.chart")

if topic:
    rows = data.topic_sentences(filters, topic)
    state.evidence_anchor(f"Sentences on {labels.get(topic, topic)} ({len(rows)})")
    if rows.empty:
        st.info("No sentence on this topic in the articles matching these filters.")
    else:
        downloads.sentences(rows, name=f"topic-{topic}-sentences", extra={"evidence": "Why this topic"})

st.subheader("Words that set the two relationships apart")
languages = list(common.LANGUAGE_LABELS)
lang_param = state.get_param("tlang")
term_lang = st.radio(
    "Language of the words",
    languages,
    index=languages.index(lang_param) if lang_param in languages else 0,
    format_func=common.LANGUAGE_LABELS.get,
    horizontal=True,
    key="topics.tlang",
)
state.set_param("tlang", term_lang)
found = terms_view.of(term_lang)
if isinstance(found, str):
    st.info(found)
else:
    event = downloads.altair_chart(
        name=f"topic-terms-{term_lang}",
        chart_obj=charts.scattertext_chart(found),
        theme=None,
        on_select="rerun",
        key=f"topics.terms.{term_lang}",
    )
    state.apply_selection(event, "display", "term", key=f"topics.terms.{term_lang}")
    st.caption(
        "Each dot is a word, placed by how often each side uses it; words far from the diagonal lean to one side. "
        "Click a dot to see every sentence using it. "
        f"Technically: log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008), prior = {terms.PRIOR_SCALE} × the pooled counts; "
        f"based on {int(found['n_articles_a'].iloc[0])} US–Turkey and {int(found['n_articles_b'].iloc[0])} Russia–Turkey "
        f"{common.LANGUAGE_LABELS[term_lang]} articles."
    )

KWIC_TITLE = "Keyword in context: every occurrence of a word"
if state.get_param("term"):
    state.evidence_anchor(KWIC_TITLE)  # a finding's evidence: opened scrolled here
else:
    state.heading(KWIC_TITLE)
term_param = state.get_param("term") or ""
if st.session_state.get("topics.term._url") != term_param:
    st.session_state["topics.term"] = term_param
    st.session_state["topics.term._url"] = term_param
term = st.text_input(
    "Word or phrase",
    key="topics.term",
    placeholder="e.g. Idlib, S-400, united states, العقوبات",
    help="Any case or form: a phrase of several words, hyphenated words, and Arabic words with attached و/ب/ل/ال or pronouns all match.",
).strip()
state.set_param("term", term or None)
st.session_state["topics.term._url"] = term
if term:
    kw = data.kwic(filters, term, term_lang)
    if kw.empty:
        st.info(f"“{escape_markdown(term)}” does not occur in {common.LANGUAGE_LABELS[term_lang]} articles matching these filters.")
    else:
        st.caption(f"{len(kw)} occurrences of “{escape_markdown(term)}” in {common.LANGUAGE_LABELS[term_lang]} articles.")
        rtl = term_lang == "ar"
        # Right-to-left: what comes before the word is read first, on the right.
        order = ["right", "match", "left"] if rtl else ["left", "match", "right"]
        downloads.dataframe(
            name=f"kwic-{term_lang}-{term}",
            data=kw.assign(
                Read=[
                    state.link("articles", {"article": str(a), "sentence": str(int(s))})
                    for a, s in zip(kw["article_id"], kw["sentence_id"], strict=True)
                ]
            ),
            hide_index=True,
            left_anchored=("left",) if rtl else (),
            column_order=["dyad_label", *order, "tone", "title", "Read"],
            column_config={
                "dyad_label": "Dyad",
                "left": st.column_config.TextColumn("Before", width="medium", alignment="left" if rtl else "right"),
                "match": st.column_config.TextColumn("Word", alignment="center"),
                "right": st.column_config.TextColumn("After", width="medium", alignment="right" if rtl else "left"),
                "title": st.column_config.TextColumn("Article", width="medium"),
                "tone": st.column_config.NumberColumn("Sentence tone", format="%+.2f"),
                "Read": st.column_config.LinkColumn("Read", display_text="Open at sentence"),
            },
        )
