"""Articles: every article with its metadata and scores; open one to read it with highlights."""

import streamlit as st

from lib.output.highlight import article_html, escape_markdown, legend_html
from lib.views import compare
from ui import data, downloads, state

filters = state.read_filters()
table = data.articles_view(filters)

st.title("Articles")
st.caption(f"Filters: {filters.describe(markdown=True)}. Every article file, including those not analysed; select a row to read it.")
if table.empty:
    st.info(
        f"No articles match these filters ({filters.describe(markdown=True)}). Widen the language, date or source filter in the sidebar."
    )
    st.stop()

dyad_options = {v: v for v in sorted(table["dyad"].dropna().unique())}
dyad = state.param_select("Dyad", "dyad", dyad_options, key="articles.dyad", none_label="All dyads")
shown = table if dyad is None else table[table["dyad"] == dyad]
if shown.empty:
    st.info(f"No {escape_markdown(dyad)} articles match these filters ({filters.describe(markdown=True)}).")
    st.stop()

event = downloads.dataframe(
    name="articles",
    data=shown,
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="articles.table",
    column_order=[
        "title",
        "date",
        "source",
        "language",
        "dyad",
        "dyad_reason",
        "n_words",
        "tone",
        "main_entities",
        "main_topics",
        "status",
    ],
    column_config={
        "title": st.column_config.TextColumn("Title", width="large"),
        "date": "Date",
        "source": "Source",
        "language": "Language",
        "dyad": "Dyad",
        "dyad_reason": st.column_config.TextColumn("Why this dyad", width="medium"),
        "n_words": st.column_config.NumberColumn("Words", format="%d"),
        "tone": st.column_config.NumberColumn("Tone (−1..+1)", format="%+.2f"),
        "main_entities": "Main entities",
        "main_topics": "Main topics",
        "status": "Status",
    },
)
rows = event.selection.rows if event is not None else []
if rows:
    picked = str(shown.iloc[rows[0]]["article_id"])
    if st.session_state.get("articles.picked") != picked:
        st.session_state["articles.picked"] = picked
        state.set_param("article", picked)

titles = {str(r.article_id): f"{r.title} · {r.dyad} · {r.language}" for r in table.itertuples(index=False)}
article_id = state.param_select("Read an article", "article", titles, key="articles.article", none_label="— choose an article —")
if article_id is None:
    st.info("Choose an article above (or select a row in the table) to read its cleaned text with entity highlights and sentence tone.")
    st.stop()

detail = data.article_detail(article_id)
if detail is None:
    st.warning("That article is not in the corpus (the link may be from another corpus).")
    st.stop()
art = detail["article"]
st.subheader(escape_markdown(compare.display_title(art["title"], art["file"])))
st.markdown(
    " · ".join(
        escape_markdown(x)
        for x in (
            art["date"] if isinstance(art["date"], str) else compare.UNKNOWN_DATE,
            compare.source_label(art["source"]),
            compare.LANGUAGE_LABELS.get(str(art["language"]), str(art["language"])),
            compare.DYAD_LABELS.get(str(art["dyad"]), str(art["dyad"])),
            f"{art['n_words']} words",
        )
    )
)
st.caption(f"Why this dyad: {escape_markdown(art['dyad_reason'])}")
if art["status"] != "ok":
    st.warning(f"This article was not analysed: {escape_markdown(art['error'])}")
text = art["text"] if isinstance(art["text"], str) else ""
if not text:
    st.info("This article has no text to show.")
    st.stop()
st.html(legend_html())
selected = [e for e in (state.get_param("entity"),) if e]
st.html(
    article_html(
        text,
        language=str(art["language"]),
        sentences=detail["sentences"],
        mentions=detail["mentions"],
        entity_names=detail["entity_names"],
        selected=selected,
    )
)
with st.expander(f"Removed boilerplate ({len(detail['boilerplate'])} pieces)"):
    if detail["boilerplate"].empty:
        st.write("Nothing was removed from this article.")
    else:
        downloads.dataframe(
            name=f"article-{article_id}-boilerplate",
            data=detail["boilerplate"][["kind", "text"]],
            hide_index=True,
            column_config={"kind": "Kind", "text": st.column_config.TextColumn("Removed text", width="large")},
        )
