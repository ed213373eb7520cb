"""Compare (landing view): the two relationships side by side, with findings and their evidence."""

import streamlit as st

from lib.output import charts
from lib.output.highlight import escape_markdown
from lib.schema import PIPELINE_VERSION
from lib.views import compare
from ui import data, downloads, state

filters = state.read_filters()
view = data.compare_view(filters)

st.title("US–Turkey vs Russia–Turkey: how the coverage differs")
st.caption(
    f"Filters: {filters.describe(markdown=True)}. Articles covering both relationships ({view['n_both']}) are in neither column; see Articles."
)
if view["n_focal"] == 0:
    st.info(
        f"No US–Turkey or Russia–Turkey articles match these filters ({filters.describe(markdown=True)}). Widen the language, date or source filter in the sidebar."
    )
    st.stop()

st.subheader("Findings")
if not view["findings"]:
    st.info("No finding compares the two relationships: one of them has no article under these filters.")
for f in view["findings"]:
    st.markdown(f"- {escape_markdown(f['text'])} [Evidence →]({state.link(f['evidence_page'], f['evidence_params'])})")
downloads.briefing(
    data.filtered_corpus(filters),
    fingerprint=data.corpus_fingerprint(),
    pipeline_version=PIPELINE_VERSION,
    scope=f"Filters: {filters.describe()}",
    key="compare.dl.briefing",
)

downloads.altair_chart(name="compare-tone-by-dyad", chart_obj=charts.tone_summary_chart(view["summary"]), theme=None)

entity = state.get_param("entity")
topic = state.get_param("topic")
topic_labels = view["shares"].drop_duplicates("topic_id").set_index("topic_id")["short_label"].to_dict()
speaker = state.get_param("speaker")
summary = view["summary"].set_index("dyad")
x_max = {
    "articles": float(view["counts"].groupby("dyad")["n_articles"].sum().max() if len(view["counts"]) else 1),
    "entities": float(view["rates"]["per_1000_words"].max() if len(view["rates"]) else 1),
    "topics": float(view["shares"]["share"].max() if len(view["shares"]) else 1),
}
for dyad, col in zip(compare.FOCAL_DYADS, st.columns(2, gap="large"), strict=True):
    with col:
        row = summary.loc[dyad]
        st.subheader(compare.DYAD_LABELS[dyad], divider="blue" if dyad == "us-turkey" else "orange")
        if row["n_articles"] == 0:
            st.info(f"No {compare.DYAD_LABELS[dyad]} articles match these filters ({filters.describe(markdown=True)}).")
            continue
        st.caption(f"Based on {row['n_articles']} articles ({row['languages']}), {row['n_sentences']} scored sentences.")
        m = st.columns(4)
        m[0].metric("Articles", int(row["n_articles"]))
        m[1].metric(
            "Tone",
            f"{row['tone']:+.2f}".replace("-", "−") if row["tone"] is not None else "–",
            help=f"Mean sentence tone, −1 (negative) to +1 (positive); {row['interval_note']}",
        )
        m[2].metric(
            "Negative",
            f"{row['share_negative']:.0%}" if row["share_negative"] is not None else "–",
            help="Share of scored sentences with tone ≤ −0.05",
        )
        m[3].metric(
            "Positive",
            f"{row['share_positive']:.0%}" if row["share_positive"] is not None else "–",
            help="Share of scored sentences with tone ≥ +0.05",
        )
        interval = (
            ""
            if row["tone_low"] is None or row["tone_low"] != row["tone_low"]
            else f" Interval {row['tone_low']:+.2f} to {row['tone_high']:+.2f}.".replace("-", "−")
        )
        st.caption(f"Tone −1..+1; spread (SD across sentences) {row['tone_sd']:.2f}. {row['interval_note'].capitalize()}.{interval}")
        downloads.altair_chart(
            name=f"compare-articles-{dyad}", chart_obj=charts.article_bars(view["counts"], dyad=dyad, x_max=x_max["articles"]), theme=None
        )
        downloads.altair_chart(
            name=f"compare-tone-histogram-{dyad}", chart_obj=charts.tone_histogram(view["tone_bins"], dyad=dyad), theme=None
        )

        event = downloads.altair_chart(
            name=f"compare-entities-{dyad}",
            chart_obj=charts.entity_bars(view["rates"], dyad=dyad, x_max=x_max["entities"]),
            theme=None,
            on_select="rerun",
            key=f"compare.entities.{dyad}",
        )
        state.apply_selection(event, "entity_id", "entity", key=f"compare.entities.{dyad}")
        if entity:
            rows = data.entity_sentences(filters, entity)
            rows = rows[rows["dyad"] == dyad]
            st.markdown(
                f"**Sentences naming {escape_markdown(view['entity_names'].get(entity, entity))} in {compare.DYAD_LABELS[dyad]} coverage ({len(rows)})** · [all on Entities →]({state.link('entities', {'entity': entity})})"
            )
            downloads.sentences(rows, name=f"compare-entity-sentences-{dyad}", columns=["text", "tone", "title"])

        event = downloads.altair_chart(
            name=f"compare-topics-{dyad}",
            chart_obj=charts.topic_bars(view["shares"], dyad=dyad, x_max=x_max["topics"]),
            theme=None,
            on_select="rerun",
            key=f"compare.topics.{dyad}",
        )
        state.apply_selection(event, "topic_id", "topic", key=f"compare.topics.{dyad}")
        if topic:
            rows = data.topic_sentences(filters, topic)
            rows = rows[rows["dyad"] == dyad]
            st.markdown(
                f"**Sentences on {escape_markdown(topic_labels.get(topic, topic))} in {compare.DYAD_LABELS[dyad]} coverage ({len(rows)})** · [all on Topics →]({state.link('topics', {'topic': topic})})"
            )
            downloads.sentences(rows, name=f"compare-topic-sentences-{dyad}", columns=["text", "evidence", "tone", "title"])

        speakers_tab, countries_tab = st.tabs(["Who speaks", "Speakers' countries"])
        with speakers_tab:
            if view["speakers"].empty or (view["speakers"]["dyad"] == dyad).sum() == 0:
                st.info(f"No quotes found in {compare.DYAD_LABELS[dyad]} coverage under these filters.")
            else:
                downloads.altair_chart(
                    name=f"compare-speakers-{dyad}", chart_obj=charts.speaker_bars(view["speakers"], dyad=dyad), theme=None
                )
        with countries_tab:
            if view["countries"].empty or (view["countries"]["dyad"] == dyad).sum() == 0:
                st.info(f"No quotes found in {compare.DYAD_LABELS[dyad]} coverage under these filters.")
            else:
                downloads.altair_chart(
                    name=f"compare-speaker-countries-{dyad}",
                    chart_obj=charts.speaker_bars(view["countries"], dyad=dyad, by="country"),
                    theme=None,
                )
        if speaker:
            rows = data.speaker_quotes(filters, speaker)
            rows = rows[rows["dyad_label"] == compare.DYAD_LABELS[dyad]]
            st.markdown(f"**Quotes by {escape_markdown(speaker)} in {compare.DYAD_LABELS[dyad]} coverage ({len(rows)})**")
            downloads.dataframe(name=f"compare-quotes-{dyad}", data=rows[["quote", "speaker_label", "country", "title"]], hide_index=True)

        for lang, tab in zip(
            compare.LANGUAGE_LABELS, st.tabs([f"Distinctive terms · {v}" for v in compare.LANGUAGE_LABELS.values()]), strict=True
        ):
            with tab:
                terms = view["terms"][lang]
                if isinstance(terms, str):
                    st.info(terms)
                else:
                    downloads.altair_chart(name=f"compare-terms-{lang}-{dyad}", chart_obj=charts.term_bars(terms, dyad=dyad), theme=None)
