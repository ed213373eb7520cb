"""Views over the corpus, one per question an analyst asks (pure pandas).

Imports the layers below; never lib.output.
"""
