"""Topics: topic shares side by side, distinguishing terms (Scattertext-style), keyword in context."""

import streamlit as st

from lib.output import charts
from lib.output.highlight import escape_markdown
from lib.views import compare
from ui import data, downloads, state

filters = state.read_filters()
view = data.topics_view(filters)

st.title("Topics and distinguishing terms")
st.caption(f"Filters: {filters.describe(markdown=True)}.")
if view["n_focal"] == 0:
    st.info(f"No US–Turkey or Russia–Turkey articles match these filters ({filters.describe(markdown=True)}).")
    st.stop()

shares = view["shares"]
labels = shares.drop_duplicates("topic_id").set_index("topic_id")["label"].to_dict()
topic = state.param_select(
    "Show the sentences on topic", "topic", labels, key="topics.topic", none_label="— choose a topic, or click a bar —"
)
if shares.empty or shares["n_sentences"].sum() == 0:
    st.info("No sentence of these articles is assigned a topic.")
else:
    event = downloads.altair_chart(
        name="topics-by-dyad", chart_obj=charts.topic_compare_chart(shares), theme=None, on_select="rerun", key="topics.chart"
    )
    state.apply_selection(event, "topic_id", "topic", key="topics.chart")

if topic:
    rows = data.topic_sentences(filters, topic)
    st.subheader(f"Sentences on {escape_markdown(labels.get(topic, topic))} ({len(rows)})")
    if rows.empty:
        st.info(f"No sentence on {escape_markdown(labels.get(topic, topic))} in the articles matching these filters.")
    else:
        downloads.sentences(rows, name=f"topic-{topic}-sentences", columns=["text", "dyad_label", "evidence", "tone", "title"])

st.subheader("Terms that distinguish the two dyads")
languages = list(compare.LANGUAGE_LABELS)
lang_param = state.get_param("tlang")
term_lang = st.radio(
    "Language of the terms",
    languages,
    index=languages.index(lang_param) if lang_param in languages else 0,
    format_func=compare.LANGUAGE_LABELS.get,
    horizontal=True,
    key="topics.tlang",
)
state.set_param("tlang", term_lang)
terms = view["terms"][term_lang]
if isinstance(terms, str):
    st.info(terms)
else:
    event = downloads.altair_chart(
        name=f"topic-terms-{term_lang}",
        chart_obj=charts.scattertext_chart(terms),
        theme=None,
        on_select="rerun",
        key=f"topics.terms.{term_lang}",
    )
    state.apply_selection(event, "term", "term", key=f"topics.terms.{term_lang}")
    st.caption(
        f"Log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008), prior = {compare.PRIOR_SCALE} × the pooled counts; "
        f"based on {int(terms['n_articles_a'].iloc[0])} US–Turkey and {int(terms['n_articles_b'].iloc[0])} Russia–Turkey {compare.LANGUAGE_LABELS[term_lang]} articles."
    )

st.subheader("Keyword in context")
term_param = state.get_param("term") or ""
if st.session_state.get("topics.term._url") != term_param:
    st.session_state["topics.term"] = term_param
    st.session_state["topics.term._url"] = term_param
term = st.text_input(
    "Term", key="topics.term", placeholder="e.g. Idlib, S-400, العقوبات", help="Matched after the same normalisation as the terms above."
).strip()
state.set_param("term", term or None)
st.session_state["topics.term._url"] = term
if term:
    kw = data.kwic(filters, term, term_lang)
    if kw.empty:
        st.info(
            f"“{escape_markdown(term)}” does not occur in {compare.LANGUAGE_LABELS[term_lang]} articles matching these filters (or is a stopword)."
        )
    else:
        st.caption(f"{len(kw)} occurrences of “{escape_markdown(term)}” in {compare.LANGUAGE_LABELS[term_lang]} articles.")
        downloads.dataframe(
            name=f"kwic-{term_lang}-{term}",
            data=kw[["dyad_label", "left", "match", "right", "title", "tone"]],
            hide_index=True,
            column_config={
                "dyad_label": "Dyad",
                "left": st.column_config.TextColumn("Before", width="medium"),
                "match": "Term",
                "right": st.column_config.TextColumn("After", width="medium"),
                "title": "Article",
                "tone": st.column_config.NumberColumn("Sentence tone", format="%+.2f"),
            },
        )
