"""VADER's tone scale and the rule constants that English and Arabic share.

VADER (Hutto & Gilbert 2014, vaderSentiment 3.3.2) scores a sentence on
-1..1: its ``compound`` is the sum of the sentence's word valences (-4..+4
each, after its rules) normalised by ``x / sqrt(x*x + 15)``, and a compound
>= 0.05 is positive, <= -0.05 negative, in between neutral.
``lib.analysis.tone`` reports VADER's score for English; the Arabic lexicon
method (``lib.analysis.ar_tone``) mirrors VADER's rules with the same
constants and normalisation, so both languages share one scale and the same
+/-0.05 thresholds.
"""

from __future__ import annotations

import math

#: VADER's own thresholds (Hutto & Gilbert 2014, README "about the scoring"):
#: compound >= 0.05 is positive, <= -0.05 negative, in between neutral. The
#: Arabic methods use the same scale, so the same cut-offs apply to them.
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05

#: VADER's empirical constants, reused so the Arabic scale matches its own.
VADER_NEGATION_SCALAR = -0.74  # vaderSentiment.N_SCALAR
VADER_ALPHA = 15  # vaderSentiment.normalize(alpha=15)
VADER_BUT_BEFORE = 0.5  # weight of sentiment before "but" (_but_check)
VADER_BUT_AFTER = 1.5  # ... and after it
VADER_EXCLAMATION = 0.292  # per "!", up to 4 (_amplify_ep)
VADER_EXCLAMATION_MAX = 4
VADER_QUESTION = 0.18  # per "?" when 2 or 3 (_amplify_qm)
VADER_QUESTION_MAX = 0.96  # 4 or more "?"


def vader_normalise(score: float) -> float:
    """VADER's ``normalize``: ``x / sqrt(x*x + alpha)``, kept inside [-1, 1]."""
    value = score / math.sqrt(score * score + VADER_ALPHA)
    return max(-1.0, min(1.0, value))
