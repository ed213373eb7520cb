"""The view state: sidebar filters and page selections, kept in the URL.

Everything a copied link must reopen lives in the query parameters:

=========  ==========================================  =====================
parameter  meaning                                     example
=========  ==========================================  =====================
lang       languages shown (repeatable; absent = all)  ``lang=ar``
from, to   first/last article date (ISO)               ``from=2021-01-01``
source     sources shown (repeatable; absent = all)    ``source=Reuters``
undated    ``0`` drops undated articles                ``undated=0``
entity     the entity whose sentences are shown        ``entity=erdogan``
topic      the topic whose sentences are shown         ``topic=syria``
term, tlang  keyword in context: the term, its language  ``term=idlib&tlang=en``
article    the article opened for reading              ``article=1faebb…``
dyad       Articles page: only this dyad               ``dyad=us-turkey``
=========  ==========================================  =====================

The shared sidebar (rendered by ``app.py``) seeds its widgets from the URL
once per session and writes the URL back on every run, so the filters
survive a change of page. A page reads the filters with ``read_filters()``,
straight from the URL, so it also runs on its own (``AppTest`` on a page
file). Session-state keys are namespaced ``<page>.<name>``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from lib.output.highlight import escape_markdown, plain_html
from lib.views import common

P_LANG, P_FROM, P_TO, P_SOURCE, P_UNDATED = "lang", "from", "to", "source", "undated"
FILTER_PARAMS = (P_LANG, P_FROM, P_TO, P_SOURCE, P_UNDATED)
#: The value of ``lang`` when the user has deselected every language (an
#: absent parameter means "all").
NO_LANGUAGE = "none"

_K = "sidebar."  # namespace of the shared sidebar's widgets


@dataclass(frozen=True)
class Filters:
    """What the sidebar selects. ``None`` means "no filter" for each field."""

    languages: tuple[str, ...] | None = None
    date_from: str | None = None
    date_to: str | None = None
    sources: tuple[str, ...] | None = None
    include_undated: bool = True

    def key(self) -> tuple:
        """A hashable key for caches."""
        return (self.languages, self.date_from, self.date_to, self.sources, self.include_undated)

    @property
    def active(self) -> bool:
        return self != Filters()

    def article_ids(self, articles: pd.DataFrame) -> list[str]:
        dr = (self.date_from, self.date_to) if (self.date_from or self.date_to) else None
        return common.filter_articles(
            articles, languages=self.languages, date_range=dr, sources=self.sources, include_undated=self.include_undated
        )

    def describe(self, *, markdown: bool = False) -> str:
        """The filters in words, for messages ("Arabic articles; from Reuters").

        With ``markdown=True`` every value taken from the URL is escaped, for
        captions and messages that Streamlit renders as markdown.
        """
        esc = escape_markdown if markdown else str
        parts = []
        if self.languages is not None:
            parts.append(
                " or ".join(esc(common.LANGUAGE_LABELS.get(x, x)) for x in self.languages) + " articles"
                if self.languages
                else "no language selected"
            )
        if self.date_from or self.date_to:
            parts.append(
                f"dated {self.date_from or '…'} to {self.date_to or '…'}" + ("" if self.include_undated else " (undated excluded)")
            )
        elif not self.include_undated:
            parts.append("dated articles only")
        if self.sources is not None:
            parts.append("from " + ", ".join(esc(x) for x in self.sources))
        return "; ".join(parts) if parts else "no filters"

    def params(self) -> dict[str, str | list[str]]:
        """The query parameters that encode these filters (defaults left out)."""
        out: dict[str, str | list[str]] = {}
        if self.languages is not None:
            out[P_LANG] = list(self.languages) or [NO_LANGUAGE]
        if self.date_from:
            out[P_FROM] = self.date_from
        if self.date_to:
            out[P_TO] = self.date_to
        if self.sources is not None:
            out[P_SOURCE] = list(self.sources)
        if not self.include_undated:
            out[P_UNDATED] = "0"
        return out


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def filters_from_params(params: Mapping[str, Sequence[str]]) -> Filters:
    """Filters from query parameters given as {name: [values]} (bad dates ignored)."""
    langs = params.get(P_LANG) or []
    languages = None if not langs else tuple(x for x in langs if x and x != NO_LANGUAGE)
    sources = params.get(P_SOURCE) or []
    first = (params.get(P_FROM) or [None])[0]
    last = (params.get(P_TO) or [None])[0]
    undated = (params.get(P_UNDATED) or ["1"])[0]
    return Filters(
        languages=languages,
        date_from=_iso(first),
        date_to=_iso(last),
        sources=tuple(sources) if sources else None,
        include_undated=undated != "0",
    )


def read_filters() -> Filters:
    """The current filters, read from the URL."""
    qp = st.query_params
    return filters_from_params({k: qp.get_all(k) for k in FILTER_PARAMS})


# --- page-level parameters -------------------------------------------------------------------


def get_param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value or None


def set_param(name: str, value: str | None) -> None:
    """Set (or, for None, remove) one query parameter, leaving the others."""
    if value is None or value == "":
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


#: URL path of the landing page. Streamlit serves the default page at the
#: app's root, not at its url_path, so links to it must point at "./".
LANDING_PAGE = "compare"


def link(page: str, params: Mapping[str, str] | None = None) -> str:
    """A relative link to ``page`` with ``params`` plus the current filters."""
    q: dict[str, str | list[str]] = dict(read_filters().params())
    q.update(params or {})
    path = "" if page == LANDING_PAGE else page
    return f"./{path}" + (f"?{urlencode(q, doseq=True)}" if q else "")


#: The file of each page, by URL path (as app.py registers them): in-app
#: links (st.page_link) open a page in the same tab and session.
PAGE_FILES = {
    "compare": "pages/1_Compare.py",
    "articles": "pages/2_Articles.py",
    "entities": "pages/3_Entities.py",
    "topics": "pages/4_Topics.py",
    "tone": "pages/5_Tone.py",
    "time": "pages/7_Over_time.py",
    "outlets": "pages/8_By_outlet.py",
    "corpus": "pages/6_Corpus.py",
}
#: Query parameter asking the opened page to scroll to its evidence table.
P_SCROLL = "show"
#: Anchor of the evidence table on every page (see ``evidence_anchor``).
EVIDENCE_ANCHOR = "evidence"


#: Seconds after a session's first draw of a page before its charts are drawn (``text_first``).
TEXT_FIRST_DELAY_S = 0.3


def text_first(page: str) -> None:
    """On a session's first draw of ``page``, stop here and draw the page in full a moment later.

    The browser works through everything a script run sends before it paints: a
    dozen charts and tables held Compare's findings back by about a second for
    a new visitor. So the first run sends the text above this call and stops;
    a fragment timer (the browser's, so only after it has drawn that text)
    then reruns the app once, in full. Later runs (filters, clicks) draw
    everything at once.
    """
    drawn, due = f"_drawn.{page}", f"_due.{page}"
    if st.session_state.get(drawn):
        return
    st.session_state[drawn] = True
    st.session_state[due] = False

    @st.fragment(run_every=TEXT_FIRST_DELAY_S)
    def _then_in_full() -> None:
        if st.session_state.get(due):
            st.rerun(scope="app")
        st.session_state[due] = True

    _then_in_full()
    st.stop()


def page_link(page: str, params: Mapping[str, str] | None = None, *, label: str, scroll: bool = False, icon: str | None = None) -> None:
    """A link to ``page`` (URL path) with ``params`` and the current filters, opened in the same tab.

    With ``scroll=True`` the page opens scrolled to its evidence table. When
    the page is not registered (a page run on its own, as in tests), a plain
    link is shown instead.
    """
    q: dict[str, str | list[str]] = dict(read_filters().params())
    q.update(params or {})
    if scroll:
        q[P_SCROLL] = EVIDENCE_ANCHOR
    try:
        st.page_link(PAGE_FILES[page], label=label, icon=icon, query_params=q)
    except (st.errors.StreamlitAPIException, KeyError):
        st.markdown(f"[{escape_markdown(label)}]({link(page, {k: v for k, v in q.items() if isinstance(v, str)})})")


def heading(title: str, *, element_id: str | None = None) -> None:
    """A section heading whose text is shown as plain text (names and titles come from articles)."""
    st.html(plain_html(title, tag="h3", element_id=element_id, style="margin: 1rem 0 0.3rem 0; font-weight: 600;"))


def scroll_to(element_id: str) -> None:
    """Scroll the page to the element ``element_id`` once it is drawn (ids are made here, never from user text)."""
    if not element_id.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"not an element id: {element_id!r}")
    st.html(
        f"<script>setTimeout(() => {{ const e = document.getElementById('{element_id}') ||"
        f" [...document.querySelectorAll('iframe')].map(f => f.contentDocument?.getElementById('{element_id}')).find(Boolean);"
        " e?.scrollIntoView({behavior: 'instant', block: 'center'}); }, 700);</script>",
        unsafe_allow_javascript=True,
    )


def evidence_anchor(title: str) -> None:
    """The heading above an evidence table; when the page was opened to show it, scroll to it once."""
    heading(title, element_id=EVIDENCE_ANCHOR)
    if get_param(P_SCROLL) == EVIDENCE_ANCHOR:
        set_param(P_SCROLL, None)
        scroll_to(EVIDENCE_ANCHOR)


def param_select(
    label: str, name: str, options: Mapping[str, str], *, key: str, none_label: str = "— none —", help: str | None = None
) -> str | None:
    """A selectbox bound to query parameter ``name`` (None when nothing is chosen).

    ``options`` maps values to labels. The URL wins when it changed since
    the last run (a link was followed or a chart was clicked), otherwise the
    widget does, and the URL is updated from it.
    """
    values = ["", *options]
    url = get_param(name) or ""
    seen = f"{key}._url"
    if st.session_state.get(seen) != url or key not in st.session_state:
        st.session_state[key] = url if url in options else ""
    value = st.selectbox(label, values, key=key, format_func=lambda v: options.get(v, none_label) if v else none_label, help=help)
    set_param(name, value or None)
    st.session_state[seen] = value or ""
    return value or None


def apply_selection(event, field: str, name: str, *, key: str, param: str = "pick") -> None:
    """When a chart click selects a new ``field`` value, put it in the URL and rerun.

    ``event`` is what ``st.altair_chart(..., on_select="rerun")`` returned;
    a selection seen before is not applied again, so the selectbox can
    change the view afterwards.
    """
    try:
        points = event.selection[param]
    except (AttributeError, KeyError, TypeError):
        return
    value = None
    for p in points or []:
        if isinstance(p, Mapping) and p.get(field) is not None:
            value = str(p[field])
            break
    seen = f"{key}._chart"
    if value is not None and st.session_state.get(seen) != value:
        st.session_state[seen] = value
        set_param(name, value)
        st.rerun()
    if value is None and seen in st.session_state:  # the click was undone: clear the view
        del st.session_state[seen]
        set_param(name, None)
        st.rerun()


# --- the shared sidebar ------------------------------------------------------------------------


def _seed(key: str, value, options: list | None = None) -> None:
    """The filter widget ``key`` starts at ``value`` (from the URL) and keeps its value from run to
    run: the value is set again before the widget is made (Streamlit's advice for widget state that
    must last). Without it, a widget Streamlit took for a new one in some run fell back to its
    default — no language, undated articles left out — as seen in full test runs. A multiselect's
    values (``options`` given) keep only those still offered."""
    kept = st.session_state.get(key, value)
    if options is not None:
        kept = [v for v in kept if v in options]
    st.session_state[key] = kept


def sidebar_filters(articles: pd.DataFrame, *, label: Callable[[str], str] | None = None) -> Filters:
    """Render the shared sidebar filters (seeded from the URL) and write them back to the URL."""
    url = read_filters()
    langs_present = sorted(articles["language"].dropna().astype(str).unique().tolist())
    lang_options = sorted(set(langs_present) | set(url.languages or ()))
    first, last = common.date_span(articles)
    sources_present = common.source_options(articles)
    source_options = list(dict.fromkeys([*sources_present, *(url.sources or ())]))

    _seed(_K + "lang", list(url.languages) if url.languages is not None else lang_options, lang_options)
    _seed(_K + "source", list(url.sources or ()), source_options)
    _seed(_K + "undated", url.include_undated)

    st.sidebar.header("Filters")
    languages = st.sidebar.multiselect(
        "Language",
        lang_options,
        key=_K + "lang",
        format_func=lambda c: common.LANGUAGE_LABELS.get(c, c),
        help="Articles in these languages. English is scored by VADER, Arabic by its own method.",
    )
    date_from = date_to = None
    if first and last:
        lo, hi = date.fromisoformat(first), date.fromisoformat(last)
        _follow_span(lo, hi, url)
        start, end = st.session_state[_K + "dates"]
        picked = st.sidebar.date_input(
            "Date range",
            key=_K + "dates",
            min_value=min(lo, start),
            max_value=max(hi, end),
            help="Applies to articles that state a date. Left at the corpus's first and last date, it follows new articles.",
        )
        pinned_from, pinned_to = st.session_state.get(_K + "dates.pinned", (False, False))
        if isinstance(picked, tuple | list) and len(picked) == 2:
            if picked[0] != lo or pinned_from:
                date_from = picked[0].isoformat()
            if picked[1] != hi or pinned_to:
                date_to = picked[1].isoformat()
        n_undated = int(articles["date"].isna().sum())
        include_undated = st.sidebar.checkbox(f"Include undated articles ({n_undated})", key=_K + "undated")
    else:
        st.sidebar.caption("No article states a date, so there is no date filter.")
        include_undated = True
    sources = st.sidebar.multiselect(
        "Source",
        source_options,
        key=_K + "source",
        placeholder="All sources",
        help=f"Articles without a source are listed as {common.UNKNOWN_SOURCE}.",
    )

    f = Filters(
        languages=None if sorted(languages) == langs_present else tuple(languages),
        date_from=date_from,
        date_to=date_to,
        sources=tuple(sources) if sources else None,
        include_undated=include_undated,
    )
    _write(f)
    return f


def _follow_span(lo: date, hi: date, url: Filters) -> None:
    """Seed the date widget, and keep an end the user did not choose at the corpus's span.

    The widget starts at the URL's dates, else at the corpus's first and last
    date. When the span changes (an upload adds later or earlier articles),
    an end still at the old span's edge moves to the new edge, so new
    articles are not silently left out and the URL does not pin ``to=``.
    """
    span_key, key, pinned_key = _K + "dates.span", _K + "dates", _K + "dates.pinned"
    if key not in st.session_state:
        start = date.fromisoformat(url.date_from) if url.date_from else lo
        end = date.fromisoformat(url.date_to) if url.date_to else hi
        st.session_state[key] = (min(start, hi), max(end, lo))
        st.session_state[pinned_key] = (bool(url.date_from), bool(url.date_to))  # a date in the URL was chosen
    else:
        old_lo, old_hi = st.session_state.get(span_key, (lo, hi))
        pinned_from, pinned_to = st.session_state.get(pinned_key, (False, False))
        value = st.session_state[key]
        if isinstance(value, tuple | list) and len(value) == 2 and (old_lo, old_hi) != (lo, hi):
            start = lo if value[0] == old_lo and not pinned_from else value[0]
            end = hi if value[1] == old_hi and not pinned_to else value[1]
            st.session_state[key] = (start, end)
    st.session_state[span_key] = (lo, hi)


def _write(f: Filters) -> None:
    want = f.params()
    for name in FILTER_PARAMS:
        if name not in want:
            if name in st.query_params:
                del st.query_params[name]
            continue
        value = want[name]
        current = st.query_params.get_all(name)
        wanted = value if isinstance(value, list) else [value]
        if current != wanted:
            st.query_params[name] = value
