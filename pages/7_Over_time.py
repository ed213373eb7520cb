"""Over time: articles and tone per relationship by day, week or month; click a period for its sentences."""

import streamlit as st

from lib.views import common, timeline
from ui import data, downloads, state

filters = state.read_filters()
chosen = state.get_param("every")
view = data.timeline_view(filters, chosen if chosen in timeline.GRANULARITIES else None)

st.title("Coverage over time")
st.caption(
    f"Filters: {filters.describe(markdown=True)}. Articles and tone of each relationship per period; tone per language "
    "(each is scored by its own method). Only dated articles can be placed in time."
)
if not view.periods:
    st.info(
        f"No dated US–Turkey or Russia–Turkey article matches these filters ({filters.describe(markdown=True)}). "
        "Widen the filters, or give articles a date on the Corpus page."
    )
    st.stop()
if view.n_undated:
    st.caption(f"{view.n_undated} undated article(s) are left out of this page ({view.n_dated} dated).")

options = {"": f"Automatic ({view.granularity})", **{g: g.capitalize() for g in timeline.GRANULARITIES}}
every = state.param_select("Period", "every", {g: g.capitalize() for g in timeline.GRANULARITIES}, key="time.every", none_label=options[""])

event = downloads.altair_chart(
    name=f"time-articles-{view.granularity}",
    chart_obj=downloads.spec_of(
        "timeline_articles_chart",
        view.volume,
        view.labels,
        granularity=view.granularity,
        key=data.view_key(filters, "time", "volume", str(chosen)),
    ),
    theme=None,
    on_select="rerun",
    key="time.articles",
)
state.apply_selection(event, "period", "period", key="time.articles")
if view.tone.empty:
    st.info("No scored sentence in the dated articles under these filters.")
else:
    for lang in [x for x in common.LANGUAGE_LABELS if (view.tone["language"] == x).any()]:
        downloads.altair_chart(
            name=f"time-tone-{view.granularity}-{lang}",
            chart_obj=downloads.spec_of(
                "timeline_tone_chart",
                view.tone,
                view.labels,
                granularity=view.granularity,
                language=lang,
                key=data.view_key(filters, "time", "tone", str(chosen)),
            ),
            theme=None,
        )

st.subheader(f"What each {view.granularity} was about")
downloads.dataframe(
    name=f"time-top-{view.granularity}",
    data=view.top,
    hide_index=True,
    column_order=["period_label", "dyad_label", "n_articles", "entities", "topics"],
    column_config={
        "period_label": st.column_config.TextColumn(view.granularity.capitalize()),
        "dyad_label": "Dyad",
        "n_articles": st.column_config.NumberColumn("Articles", format="%d"),
        "entities": st.column_config.TextColumn("Most-mentioned entities (mentions)", width="large"),
        "topics": st.column_config.TextColumn("Largest topics (sentences)", width="large"),
    },
)

period = state.get_param("period")
if period and period in view.labels:
    rows = data.period_sentences(filters, period, view.granularity)
    state.evidence_anchor(f"Sentences of {view.labels[period]} ({len(rows)})")
    if rows.empty:
        st.info("No US–Turkey or Russia–Turkey article is dated in this period.")
    else:
        downloads.sentences(rows, name=f"time-{period}-sentences")
elif period:
    st.info("That period is not in this view (another period length or filter); click a bar to choose one.")
