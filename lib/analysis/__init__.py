"""One article's analysis: entities, dyad, tone, topics, quotes — a pure function of one text.

Imports lib.text (never the corpus, views or output).
"""
