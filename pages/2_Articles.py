"""Articles: every article with its metadata and scores; open one to read it with highlights."""

import streamlit as st

from lib.output.highlight import article_html, escape_markdown, legend_html, plain_html
from lib.views import common
from ui import data, downloads, state

filters = state.read_filters()
table = data.articles_view(filters)

st.title("Articles")
st.caption(
    f"Filters: {filters.describe(markdown=True)}. Every article file, including those not analysed; select a row to read it. "
    "Untitled articles are named by their first words."
)
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

state.evidence_anchor(f"Every article ({len(shown)})")
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
        "tone": st.column_config.NumberColumn(
            "Tone (−1..+1)", format="%+.2f", help="Mean sentence tone of the article, by its language's method"
        ),
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
# Everything below comes from the article: shown as plain text, never as markdown (a URL is not linked).
st.html(plain_html(common.display_title(art["title"], art["file"], text=art["text"]), tag="h2", language=str(art["language"])))
st.html(
    plain_html(
        " · ".join(
            (
                art["date"] if isinstance(art["date"], str) else common.UNKNOWN_DATE,
                common.source_label(art["source"]),
                common.language_label(art["language"]),
                common.DYAD_LABELS.get(str(art["dyad"]), str(art["dyad"])),
                f"{art['n_words']} words",
            )
        )
    )
)
st.html(plain_html(f"Why this dyad: {art['dyad_reason']}", style="color: #555; font-size: 0.9rem;"))
if art["status"] != "ok":
    st.warning("This article was not analysed:")
    st.html(plain_html(art["error"]))
text = art["text"] if isinstance(art["text"], str) else ""
if not text:
    st.info("This article has no text to show.")
    st.stop()
st.html(legend_html())
selected = [e for e in (state.get_param("entity"),) if e]
sentence = state.get_param("sentence")
focus = int(sentence) if sentence and sentence.isdigit() else None
st.html(
    article_html(
        text,
        language=str(art["language"]),
        sentences=detail["sentences"],
        mentions=detail["mentions"],
        entity_names=detail["entity_names"],
        selected=selected,
        focus_sentence=focus,
    )
)
if focus is not None:
    state.scroll_to(f"s{focus}")
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
