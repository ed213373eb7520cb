"""Entities: who is mentioned on each side, how often, the tone toward them per language; pairs named together."""

import streamlit as st

from lib.views import common, entities
from ui import data, downloads, state

filters = state.read_filters()
view = data.entities_view(filters)

st.title("Who is mentioned: entities in US–Turkey and Russia–Turkey coverage")
st.caption(
    f"Filters: {filters.describe(markdown=True)}. An *entity* is a person, country or organisation found in the text. "
    "Rates are mentions per 1,000 words of each relationship's articles; tone toward an entity is the mean tone of the sentences "
    "naming it, given per language because each language is scored by its own method."
)
if view.n_focal == 0 or view.rates.empty:
    st.info(f"No entity is mentioned in US–Turkey or Russia–Turkey articles matching these filters ({filters.describe(markdown=True)}).")
    st.stop()

names = dict(sorted(view.rates.drop_duplicates("entity_id").set_index("entity_id")["name"].to_dict().items(), key=lambda kv: kv[1]))
entity = state.param_select(
    "Show the sentences naming", "entity", names, key="entities.entity", none_label="— choose an entity, or click a bar —"
)

event = downloads.altair_chart(
    name="entities-by-dyad",
    chart_obj=downloads.spec_of(
        "entity_compare_chart",
        view.rates,
        subtitle="Click a bar for the sentences behind it",
        key=data.view_key(filters, "entities", "rates"),
    ),
    theme=None,
    on_select="rerun",
    key="entities.chart",
)
state.apply_selection(event, "entity_id", "entity", key="entities.chart")

if entity:
    rows = data.entity_sentences(filters, entity)
    state.evidence_anchor(f"Sentences naming {names.get(entity, entity)} ({len(rows)})")
    if rows.empty:
        st.info("No sentence names this entity in the articles matching these filters.")
    else:
        downloads.sentences(rows, name=f"entity-{entity}-sentences")

st.subheader("Every entity, side by side")
share_cols = [c for c in view.table.columns if c.startswith("Share of articles · ")]
table = view.table.assign(**{c: view.table[c] * 100 for c in share_cols})  # shown as whole percentages
column_config = {}
for c in table.columns:
    if c.startswith("Mentions · "):
        column_config[c] = st.column_config.NumberColumn(c, format="%d")
    elif c.startswith("Per 1,000 words · "):
        column_config[c] = st.column_config.NumberColumn(c, format="%.1f")
    elif c in (entities.ENTITY_TABLE_DIFF["diff"], entities.ENTITY_TABLE_DIFF["diff_low"], entities.ENTITY_TABLE_DIFF["diff_high"]):
        column_config[c] = st.column_config.NumberColumn(c, format="%+.1f", help=common.DIFF_HELP)
    elif c.startswith("Share of articles · "):
        column_config[c] = st.column_config.NumberColumn(c, format="%.0f%%", help="Share of the relationship's articles naming it")
    elif c.startswith("Tone in "):
        column_config[c] = st.column_config.NumberColumn(c, format="%+.2f", help="Mean tone of the sentences naming the entity, −1..+1")
downloads.dataframe(name="entities-table", data=table.drop(columns=["entity_id"]), hide_index=True, column_config=column_config)

st.subheader("Which entities appear together")
if view.pairs.empty:
    st.info("No two entities are named in the same sentence in the articles matching these filters.")
else:
    downloads.altair_chart(
        name="entity-cooccurrence",
        chart_obj=downloads.spec_of("cooccurrence_chart", view.pairs, key=data.view_key(filters, "entities", "pairs")),
        theme=None,
    )
st.caption(f"Dyad colours: {common.DYAD_LABELS['us-turkey']} blue, {common.DYAD_LABELS['russia-turkey']} orange.")
