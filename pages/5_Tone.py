"""Tone: distributions by dyad, language and entity, and the method behind each score."""

import streamlit as st

from lib.analysis.tone import METHODS
from lib.output import charts
from lib.output.highlight import escape_markdown
from lib.views import compare
from ui import data, downloads, state

filters = state.read_filters()
view = data.tone_view(filters)

st.title("Tone of the coverage")
st.caption(
    f"Filters: {filters.describe(markdown=True)}. Tone is scored per sentence from −1 (negative) to +1 (positive); English and Arabic are scored by different methods, so compare dyads within a language."
)
if view["n_focal"] == 0 or view["tones"].empty:
    st.info(f"No scored sentence in US–Turkey or Russia–Turkey articles matching these filters ({filters.describe(markdown=True)}).")
    st.stop()

downloads.altair_chart(name="tone-by-dyad", chart_obj=charts.tone_summary_chart(view["summary"]), theme=None)
downloads.altair_chart(name="tone-distribution", chart_obj=charts.tone_distribution_chart(view["tones"]), theme=None)
downloads.dataframe(
    name="tone-by-dyad-and-language",
    data=view["by_language"],
    hide_index=True,
    column_order=[
        "dyad_label",
        "language_label",
        "tone_method",
        "n_articles",
        "n_sentences",
        "mean",
        "sd",
        "q25",
        "median",
        "q75",
        "share_negative",
        "share_positive",
    ],
    column_config={
        "dyad_label": "Dyad",
        "language_label": "Language",
        "tone_method": "Method",
        "n_articles": "Articles",
        "n_sentences": "Sentences",
        "mean": st.column_config.NumberColumn("Mean", format="%+.2f"),
        "sd": st.column_config.NumberColumn("SD", format="%.2f"),
        "q25": st.column_config.NumberColumn("25th pct", format="%+.2f"),
        "median": st.column_config.NumberColumn("Median", format="%+.2f"),
        "q75": st.column_config.NumberColumn("75th pct", format="%+.2f"),
        "share_negative": st.column_config.NumberColumn("Negative", format="percent"),
        "share_positive": st.column_config.NumberColumn("Positive", format="percent"),
    },
)

st.subheader("Tone toward entities")
if view["rates"]["tone"].notna().any():
    event = downloads.altair_chart(
        name="tone-by-entity", chart_obj=charts.entity_tone_chart(view["rates"]), theme=None, on_select="rerun", key="tone.entities"
    )
    state.apply_selection(event, "entity_id", "entity", key="tone.entities")
    st.markdown(f"Click a dot, or open [Entities]({state.link('entities')}) for the sentences behind each score.")
else:
    st.info("No sentence naming an entity has a tone score under these filters.")
entity = state.get_param("entity")
if entity:
    rows = data.entity_sentences(filters, entity)
    downloads.sentences(rows, name=f"tone-entity-{entity}-sentences", columns=["text", "dyad_label", "tone", "title"])

st.subheader("How each score is made, and what it agrees with")
for key, method in METHODS.items():
    used = "used in this view" if key in view["methods_used"] else "not used in this view"
    st.markdown(
        f"**{escape_markdown(method.get('label'))}** ({escape_markdown(method.get('language'))}, {used}): {escape_markdown(method.get('description'))}.  \n"
        f"Scale: {escape_markdown(method.get('scale'))}.  \nKnown agreement: {escape_markdown(method.get('agreement'))}."
    )
st.caption(f"Dyad colours: {compare.DYAD_LABELS['us-turkey']} blue, {compare.DYAD_LABELS['russia-turkey']} orange.")
