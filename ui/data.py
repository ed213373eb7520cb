"""The one place pages get analysed data from (cached at the data edge)."""

from __future__ import annotations

import streamlit as st

from lib.pipeline import Corpus, analyze_seeds, load_resources


@st.cache_resource(show_spinner="Loading language models…")
def get_resources():
    """Models and tables, loaded once per server process (never mutated)."""
    return load_resources()


@st.cache_data(show_spinner="Analysing articles…", max_entries=4)
def _seed_tables() -> dict:
    return analyze_seeds(resources=get_resources()).tables


def get_corpus() -> Corpus:
    """The analysed corpus the dashboard shows."""
    return Corpus(_seed_tables())
