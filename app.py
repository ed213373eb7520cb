"""Entry point: page config, the shared sidebar and the navigation — nothing else.

Run with ``streamlit run app.py`` (this is the file a Streamlit Community
Cloud deployment runs). Pages live in ``pages/``; each calls ``lib`` through
``ui.data`` and renders.
"""

from __future__ import annotations

import streamlit as st

from ui import data, state, watch

st.set_page_config(page_title="US–Turkey vs Russia–Turkey coverage", page_icon="📰", layout="wide")

#: Every page of the app, in menu order: (file, title, URL path, icon). The
#: first is the landing page. Add a page by adding a line here.
PAGES = [
    ("pages/1_Compare.py", "Compare", "compare", ":material/compare_arrows:"),
    ("pages/2_Articles.py", "Articles", "articles", ":material/article:"),
    ("pages/3_Entities.py", "Entities", "entities", ":material/groups:"),
    ("pages/4_Topics.py", "Topics", "topics", ":material/topic:"),
    ("pages/5_Tone.py", "Tone", "tone", ":material/mood:"),
    ("pages/7_Over_time.py", "Over time", "time", ":material/timeline:"),
    ("pages/8_By_outlet.py", "By outlet", "outlets", ":material/newspaper:"),
    ("pages/6_Corpus.py", "Corpus", "corpus", ":material/upload_file:"),
    ("pages/9_Names.py", "Names", "names", ":material/person_search:"),
]

navigation = st.navigation([st.Page(f, title=t, url_path=u, icon=i, default=(n == 0)) for n, (f, t, u, i) in enumerate(PAGES)])
data.prepare()  # a new store, or articles pending analysis: progress shown in the frame, models load only now
corpus = data.get_corpus()
watch.start()  # under a server: articles imported by another process are appended, and views made, between page runs
state.sidebar_filters(corpus.articles)
st.sidebar.caption(
    f"Corpus: {len(corpus.articles)} article files. The view (page, filters, selection) is in the URL: copy it to share this view."
)
if notice := data.store_notice():
    st.sidebar.warning(notice, icon=":material/warning:")
if notice := data.seed_notice():
    st.sidebar.warning(notice, icon=":material/warning:")
navigation.run()
