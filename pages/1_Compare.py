"""Compare (landing view): the two relationships side by side, with findings and their evidence."""

import streamlit as st

from lib.output.highlight import escape_markdown
from lib.schema import PIPELINE_VERSION
from lib.views import common
from ui import data, downloads, state

filters = state.read_filters()
view = data.compare_view(filters)
summary = view.summary

st.title("US–Turkey vs Russia–Turkey: how the coverage differs")
st.markdown(
    "This dashboard compares how English and Arabic news covers two **relationships** (in the charts, *dyads*): "
    "**US–Turkey** and **Russia–Turkey**. Each article is assigned to the relationship whose countries it mentions most. "
    "**Start with the findings below**; *Evidence* opens the sentences behind each one. "
    "Narrow the articles with the filters in the sidebar, or add your own on the **Corpus** page."
)
st.caption(
    f"Filters: {filters.describe(markdown=True)}. Articles covering both relationships ({summary.n_both}) are in neither column; see Articles."
)
if view.n_focal == 0:
    st.info(
        f"No US–Turkey or Russia–Turkey articles match these filters ({filters.describe(markdown=True)}). "
        "Widen the language, date or source filter in the sidebar, or add articles on the Corpus page."
    )
    st.stop()

st.subheader("Findings")
if not view.findings:
    st.info("No finding compares the two relationships: one of them has no article under these filters.")
for f in view.findings:
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown(f"- {escape_markdown(f.text)}", width="stretch")
        state.page_link(f.page, f.params, label="Evidence", icon=":material/arrow_forward:", scroll=True)
downloads.briefing(
    view,
    articles=lambda: data.filtered_corpus(filters).articles,
    scope=filters.describe(),
    fingerprint=data.corpus_fingerprint(),
    pipeline_version=PIPELINE_VERSION,
    key="compare.dl.briefing",
)

st.subheader("At a glance")
tone = summary.tone.set_index(["dyad", "language"])
for dyad in common.FOCAL_DYADS:
    row = summary.row(dyad)
    if row["n_articles"] == 0:
        st.info(f"No {common.DYAD_LABELS[dyad]} articles match these filters ({filters.describe(markdown=True)}).")
        continue
    with st.container(border=True):
        st.markdown(
            f"**{common.DYAD_LABELS[dyad]}** · {common.articles_phrase(int(row['n_articles']))} ({escape_markdown(row['languages'])})"
        )
        with st.container(horizontal=True, gap="medium"):
            for lang in [x for x in common.LANGUAGE_LABELS if (dyad, x) in tone.index]:
                t = tone.loc[(dyad, lang)]
                label = common.LANGUAGE_LABELS[lang]
                st.metric(
                    f"Tone, {label}",
                    common.signed(t["tone"]),
                    help=f"Mean sentence tone of {label} articles, −1 (negative) to +1 (positive), scored by {t['tone_method'] or 'no method'}; "
                    f"{t['interval_note']}. Compare tone within a language only.",
                    width="content",
                )
                st.metric(
                    f"Negative, {label}",
                    common.pct(t["share_negative"]),
                    help="Share of scored sentences with tone ≤ −0.05",
                    width="content",
                )

state.text_first("compare")  # a new session's first draw stops here; the charts follow a moment later

downloads.altair_chart(
    name="compare-articles",
    chart_obj=downloads.spec_of("article_compare_chart", summary.counts, key=data.view_key(filters, "compare", "counts")),
    theme=None,
)
downloads.altair_chart(
    name="compare-tone",
    chart_obj=downloads.spec_of("tone_summary_chart", summary.tone, key=data.view_key(filters, "compare", "tone")),
    theme=None,
)
for lang in common.LANGUAGE_LABELS:
    if (view.tone_bins["language"] == lang).any():
        downloads.altair_chart(
            name=f"compare-tone-distribution-{lang}",
            chart_obj=downloads.spec_of(
                "tone_histogram", view.tone_bins, language=lang, key=data.view_key(filters, "compare", "tone_bins")
            ),
            theme=None,
        )

entity = state.get_param("entity")
topic = state.get_param("topic")
speaker = state.get_param("speaker")
rates = view.entity_rates[~view.entity_rates["entity_id"].isin(common.DYAD_DEFINING_ENTITIES)]
event = downloads.altair_chart(
    name="compare-entities",
    chart_obj=downloads.spec_of(
        "entity_compare_chart",
        rates,
        subtitle="The two countries of each relationship left out; click a bar for its sentences",
        key=data.view_key(filters, "compare", "entity_rates without the countries"),
    ),
    theme=None,
    on_select="rerun",
    key="compare.entities",
)
state.apply_selection(event, "entity_id", "entity", key="compare.entities")
event = downloads.altair_chart(
    name="compare-topics",
    chart_obj=downloads.spec_of("topic_compare_chart", view.topics.shares, key=data.view_key(filters, "compare", "topic shares")),
    theme=None,
    on_select="rerun",
    key="compare.topics",
)
st.caption("Click a bar of either chart for the sentences behind it.")
state.apply_selection(event, "topic_id", "topic", key="compare.topics")

if entity or topic:
    if entity:
        name = view.entity_names.get(entity, entity)
        rows = data.entity_sentences(filters, entity)
        state.evidence_anchor(f"Sentences naming {name} ({len(rows)})")
        downloads.sentences(rows, name=f"compare-entity-{entity}-sentences")
        state.page_link("entities", {"entity": entity}, label="All about this entity on Entities")
    if topic:
        label = view.topics.labels(short=True).get(topic, topic)
        rows = data.topic_sentences(filters, topic)
        if not entity:
            state.evidence_anchor(f"Sentences on {label} ({len(rows)})")
        else:
            state.heading(f"Sentences on {label} ({len(rows)})")
        downloads.sentences(rows, name=f"compare-topic-{topic}-sentences", extra={"evidence": "Why this topic"})
        state.page_link("topics", {"topic": topic}, label="All about this topic on Topics")

# Each tab draws its chart only while it is shown (another tab's click reruns the page).
speakers_tab, countries_tab = st.tabs(["Who is quoted", "Speakers' countries"], key="compare.quoted", on_change="rerun")
if speakers_tab.open:
    if view.speakers.speakers.empty:
        speakers_tab.info("No quotes found under these filters.")
    else:
        with speakers_tab:
            event = downloads.altair_chart(
                name="compare-speakers",
                chart_obj=downloads.spec_of(
                    "speaker_compare_chart", view.speakers.speakers, key=data.view_key(filters, "compare", "speakers")
                ),
                theme=None,
                on_select="rerun",
                key="compare.speakers",
            )
        state.apply_selection(event, "group", "speaker", key="compare.speakers")
if countries_tab.open:
    if view.speakers.countries.empty:
        countries_tab.info("No quotes found under these filters.")
    else:
        with countries_tab:
            downloads.altair_chart(
                name="compare-speaker-countries",
                chart_obj=downloads.spec_of(
                    "speaker_compare_chart",
                    view.speakers.countries,
                    by="country",
                    key=data.view_key(filters, "compare", "speaker countries"),
                ),
                theme=None,
            )
if speaker:
    rows = data.speaker_quotes(filters, speaker)
    state.evidence_anchor(f"Quotes by {speaker} ({len(rows)})")
    downloads.dataframe(
        name="compare-quotes",
        data=rows[["quote", "dyad_label", "speaker_label", "country", "title"]],
        hide_index=True,
        row_height=downloads.WRAP_ROW_HEIGHT,
        column_config={
            "quote": st.column_config.TextColumn("Quote", width="large"),
            "dyad_label": "Dyad",
            "speaker_label": "Speaker",
            "country": "Speaker's country",
            "title": st.column_config.TextColumn("Article", width="medium"),
        },
    )

# Drawn only when opened: its four tables cost more than the rest of the page on a large corpus.
numbers = st.expander("Every difference in numbers, with its 90% interval", key="compare.differences", on_change="rerun")
if numbers.open:
    numbers.caption(
        f"{common.SUPPORTED_EXPLAINED}. The interval comes from resampling each relationship's articles; "
        "with fewer than "
        f"{common.MIN_ARTICLES_FOR_INTERVAL} articles on a side there is none. Tone is compared within a language only."
    )
    digits = {"Tone": 2, "Entities": 1, "Topics": 1, "Who is quoted": 1}  # points to 0.1: a bound near zero must not read "0"
    for (question, table), tab in zip(view.differences.items(), numbers.tabs(list(view.differences)), strict=True):
        with tab:
            if table.empty:
                st.info("Nothing to compare under these filters.")
            else:
                downloads.differences(
                    table, name=f"compare-differences-{question}", digits=digits[question], signed_values=question == "Tone"
                )

st.subheader("Words that set the two relationships apart")
for lang, tab in zip(
    common.LANGUAGE_LABELS, st.tabs(list(common.LANGUAGE_LABELS.values()), key="compare.terms", on_change="rerun"), strict=True
):
    if not tab.open:
        continue
    with tab:
        terms = view.terms.of(lang)
        if isinstance(terms, str):
            st.info(terms)
        else:
            downloads.altair_chart(
                name=f"compare-terms-{lang}",
                chart_obj=downloads.spec_of("term_compare_chart", terms, key=data.view_key(filters, "compare", "terms", lang)),
                theme=None,
            )
            st.caption(
                "Words are compared by how much more often one side uses them than the other, allowing for chance "
                "(technically: the z-score of a log-odds ratio with an informative Dirichlet prior, Monroe et al. 2008)."
            )
