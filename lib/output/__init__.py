"""Output: charts, article HTML and files (CSV, XLSX, PNG, SVG, briefing).

Renders views; imports the layers below.
"""
