"""By outlet: outlets side by side for each relationship — articles, tone per language, topic mix."""

import streamlit as st

from lib.views import common, outlets
from ui import data, downloads, state

filters = state.read_filters()
view = data.outlets_view(filters)

st.title("Coverage by outlet")
st.caption(
    f"Filters: {filters.describe(markdown=True)}. Each outlet's US–Turkey and Russia–Turkey articles side by side; "
    "tone per language (each is scored by its own method). Articles without a source are grouped as (unknown source)."
)
if view.volume["n_articles"].sum() == 0:
    st.info(f"No US–Turkey or Russia–Turkey articles match these filters ({filters.describe(markdown=True)}).")
    st.stop()
if view.n_outlets > len(view.outlets):
    st.caption(f"{view.n_outlets} outlets: the {outlets.MAX_OUTLETS} with most articles are shown, the rest as {outlets.OTHER_OUTLETS}.")

downloads.altair_chart(
    name="outlets-articles",
    chart_obj=downloads.spec_of("outlet_articles_chart", view.volume, view.outlets, key=data.view_key(filters, "outlets", "volume")),
    theme=None,
)
if view.tone.empty:
    st.info("No scored sentence under these filters.")
else:
    for lang in [x for x in common.LANGUAGE_LABELS if (view.tone["language"] == x).any()]:
        downloads.altair_chart(
            name=f"outlets-tone-{lang}",
            chart_obj=downloads.spec_of(
                "outlet_tone_chart", view.tone, view.outlets, language=lang, key=data.view_key(filters, "outlets", "tone")
            ),
            theme=None,
        )
if view.topics.empty:
    st.info("No sentence of these articles is assigned a topic.")
else:
    for dyad in common.FOCAL_DYADS:
        downloads.altair_chart(
            name=f"outlets-topics-{dyad}",
            chart_obj=downloads.spec_of(
                "outlet_topic_chart", view.topics, view.outlets, dyad=dyad, key=data.view_key(filters, "outlets", "topics")
            ),
            theme=None,
        )
st.caption("To look at one outlet's articles, choose it in the sidebar's Source filter; every page then shows only its coverage.")
