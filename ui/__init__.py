"""Streamlit-side helpers: caching at the data edge, shared widgets.

``lib/`` never imports streamlit; everything that does lives here or in
``pages/``.
"""
