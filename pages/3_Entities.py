"""Entities: entity × dyad mentions, share of articles and tone; pairs named together; the sentences behind."""

import streamlit as st

from lib.output import charts
from lib.output.highlight import escape_markdown
from lib.views import compare
from ui import data, downloads, state

filters = state.read_filters()
view = data.entities_view(filters)

st.title("Entities in US–Turkey and Russia–Turkey coverage")
st.caption(
    f"Filters: {filters.describe(markdown=True)}. Rates are mentions per 1,000 words of each dyad's articles; tone is the mean tone of the sentences naming the entity."
)
if view["n_focal"] == 0 or view["rates"].empty:
    st.info(f"No entity is mentioned in US–Turkey or Russia–Turkey articles matching these filters ({filters.describe(markdown=True)}).")
    st.stop()

rates = view["rates"]
names = rates.drop_duplicates("entity_id").sort_values("name").set_index("entity_id")["name"].to_dict()
entity = state.param_select(
    "Show the sentences naming", "entity", names, key="entities.entity", none_label="— choose an entity, or click a bar —"
)

event = downloads.altair_chart(
    name="entities-by-dyad", chart_obj=charts.entity_compare_chart(rates), theme=None, on_select="rerun", key="entities.chart"
)
state.apply_selection(event, "entity_id", "entity", key="entities.chart")

table = compare.entity_dyad_table(rates)
formats = {"Mentions": "%d", "Share of articles": "percent", "Tone": "%+.2f"}
column_config = {
    c: st.column_config.NumberColumn(c, format=f) for c in table.columns for m, f in formats.items() if c.startswith(m + " · ")
}
downloads.dataframe(
    name="entities-table",
    data=table.drop(columns=["entity_id"]),
    hide_index=True,
    column_config=column_config,
)

if entity:
    rows = data.entity_sentences(filters, entity)
    st.subheader(f"Sentences naming {escape_markdown(names.get(entity, entity))} ({len(rows)})")
    if rows.empty:
        st.info(f"No sentence names {escape_markdown(names.get(entity, entity))} in the articles matching these filters.")
    else:
        downloads.sentences(rows, name=f"entity-{entity}-sentences", columns=["text", "dyad_label", "tone", "language", "title"])

st.subheader("Which entities appear together")
if view["pairs"].empty:
    st.info("No two entities are named in the same sentence in the articles matching these filters.")
else:
    downloads.altair_chart(name="entity-cooccurrence", chart_obj=charts.cooccurrence_chart(view["pairs"]), theme=None)
st.caption(f"Dyad colours: {compare.DYAD_LABELS['us-turkey']} blue, {compare.DYAD_LABELS['russia-turkey']} orange.")
