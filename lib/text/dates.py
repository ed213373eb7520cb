"""A publication date read from an article's metadata, or the reason it cannot be one.

A date column or ``<meta>`` tag holds what someone typed or a system filled
in: ``2021-02-30``, ``yesterday``, ``0000-00-00``, ``1900-01-01`` (a
spreadsheet's zero) or ``9999-12-31`` ("never"). None of these is a
publication date, and keeping or dropping them silently puts articles in the
wrong place on every timeline. :func:`checked_date` returns the ISO date or
raises :class:`DateProblem` with a sentence the user can act on.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from lib.text.cleaning import parse_date

#: Earliest publication date accepted. The Republic of Turkey was proclaimed
#: on 29 October 1923; coverage of its relations cannot be older, and the
#: placeholders that systems write for "no date" (0000-00-00, 1900-01-01,
#: Excel's 1899-12-30) sit before it. (The Unix epoch, 1970-01-01, cannot be
#: told from a real date and is kept.)
EARLIEST_DATE = date(1923, 10, 29)
#: Days after today (UTC) still accepted: a date stamped in a time zone ahead
#: of UTC can be "tomorrow" here.
FUTURE_SLACK_DAYS = 1

_NUMERIC_DATE_RE = re.compile(r"(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})")
_FORMS = "write it as 2021-03-14 or 14 March 2021, or leave it empty"


class DateProblem(ValueError):
    """A date value that is not a plausible publication date; the message says why."""


def checked_date(value: str, *, today: date | None = None) -> str:
    """The ISO date (yyyy-mm-dd) that ``value`` states, or :class:`DateProblem`.

    Accepted: ISO dates (a time after them is ignored) and dates with the
    month in words ("14 March 2021", "Mar. 14, 2021"), from
    :data:`EARLIEST_DATE` to tomorrow.
    """
    raw = value.strip()
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    iso = parse_date(raw)
    if iso is None:
        m = _NUMERIC_DATE_RE.search(raw)
        if m and len(m.group(1)) == 4:
            raise DateProblem(f"the date {shown!r} does not exist (no such month or day); {_FORMS}")
        if m:
            raise DateProblem(f"the date {shown!r} is ambiguous (day and month order unknown); {_FORMS}")
        raise DateProblem(f"{shown!r} is not a date; {_FORMS}")
    day = date.fromisoformat(iso)
    if day < EARLIEST_DATE:
        raise DateProblem(
            f"the date {shown!r} is before {EARLIEST_DATE:%d %B %Y}, when the Republic of Turkey was founded "
            f"(a placeholder for 'no date'?); correct it or leave it empty"
        )
    latest = (today or datetime.now(UTC).date()) + timedelta(days=FUTURE_SLACK_DAYS)
    if day > latest:
        raise DateProblem(f"the date {shown!r} is in the future (a placeholder for 'no date'?); correct it or leave it empty")
    return iso
