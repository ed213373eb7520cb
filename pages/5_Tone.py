"""Tone: distributions per relationship within each language, tone toward entities, and how each score is made."""

import streamlit as st

from lib.analysis import target_tone
from lib.analysis.tone import METHODS
from lib.output import charts
from lib.output.highlight import escape_markdown
from lib.views import common
from ui import data, downloads, state

filters = state.read_filters()
view = data.tone_view(filters)

st.title("Tone of the coverage")
st.caption(
    f"Filters: {filters.describe(markdown=True)}. Tone is scored per sentence from −1 (negative) to +1 (positive). "
    "English and Arabic are scored by different methods, so every chart here compares the two relationships **within a language**."
)
if view.n_focal == 0 or view.tones.empty:
    st.info(f"No scored sentence in US–Turkey or Russia–Turkey articles matching these filters ({filters.describe(markdown=True)}).")
    st.stop()

downloads.altair_chart(
    name="tone-by-dyad",
    chart_obj=downloads.spec_of("tone_summary_chart", view.summary, key=data.view_key(filters, "tone", "summary")),
    theme=None,
)
for lang in view.languages:
    downloads.altair_chart(
        name=f"tone-histogram-{lang}",
        chart_obj=downloads.spec_of("tone_histogram", view.bins, language=lang, key=data.view_key(filters, "tone", "bins")),
        theme=None,
    )
    downloads.altair_chart(
        name=f"tone-distribution-{lang}", chart_obj=charts.tone_distribution_chart(view.tones, language=lang), theme=None
    )
method_names = {key: str(m.get("label", key)) for key, m in METHODS.items()}
state.evidence_anchor("Tone by relationship and language")
table = view.by_language.assign(
    share_negative=lambda d: d["share_negative"] * 100,
    share_positive=lambda d: d["share_positive"] * 100,
    tone_method=lambda d: d["tone_method"].map(lambda m: ", ".join(method_names.get(x, x) for x in str(m).split(", "))),
)
downloads.dataframe(
    name="tone-by-dyad-and-language",
    data=table.round(2),
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
        "tone_method": st.column_config.TextColumn("Method", help="How the language's sentences are scored (see the end of this page)"),
        "n_articles": "Articles",
        "n_sentences": "Sentences",
        "mean": st.column_config.NumberColumn("Mean tone", format="%+.2f"),
        "sd": st.column_config.NumberColumn("Spread (SD)", format="%.2f", help="Standard deviation of sentence tone"),
        "q25": st.column_config.NumberColumn("Lower quartile", format="%+.2f"),
        "median": st.column_config.NumberColumn("Median", format="%+.2f"),
        "q75": st.column_config.NumberColumn("Upper quartile", format="%+.2f"),
        "share_negative": st.column_config.NumberColumn("Negative sentences", format="%.0f%%"),
        "share_positive": st.column_config.NumberColumn("Positive sentences", format="%.0f%%"),
    },
)

st.subheader("Tone toward entities")
if not view.entity_tone.empty:
    for lang in [x for x in view.languages if (view.entity_tone["language"] == x).any()]:
        event = downloads.altair_chart(
            name=f"tone-by-entity-{lang}",
            chart_obj=downloads.spec_of(
                "entity_tone_chart", view.entity_tone, language=lang, key=data.view_key(filters, "tone", "entity_tone")
            ),
            theme=None,
            on_select="rerun",
            key=f"tone.entities.{lang}",
        )
        state.apply_selection(event, "entity_id", "entity", key=f"tone.entities.{lang}")
    st.caption("Click a dot for the sentences behind its score.")
else:
    st.info("No sentence naming an entity has a tone score under these filters.")
entity = state.get_param("entity")
if entity:
    rows = data.entity_sentences(filters, entity)
    name = view.entity_rates.drop_duplicates("entity_id").set_index("entity_id")["name"].to_dict().get(entity, entity)
    state.evidence_anchor(f"Sentences naming {name} ({len(rows)})")
    downloads.sentences(rows, name=f"tone-entity-{entity}-sentences")

st.subheader("How each score is made, and what it agrees with")
for key, method in {**METHODS, **target_tone.METHODS}.items():
    if key in target_tone.METHODS:
        used = "the tone toward an entity in every entity-tone figure, per mention where this method scored it"
    else:
        used = "used in this view" if key in view.methods_used else "not used in this view"
    st.markdown(
        f"**{escape_markdown(method.get('label'))}** ({escape_markdown(method.get('language'))}, {used}): {escape_markdown(method.get('description'))}.  \n"
        f"Scale: {escape_markdown(method.get('scale'))}.  \nKnown agreement: {escape_markdown(method.get('agreement'))}."
    )
st.caption(f"Dyad colours: {common.DYAD_LABELS['us-turkey']} blue, {common.DYAD_LABELS['russia-turkey']} orange.")
