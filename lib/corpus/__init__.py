"""The corpus: ingest, the article store, parallel runs and the corpus tables.

Imports lib.text and lib.analysis.
"""
