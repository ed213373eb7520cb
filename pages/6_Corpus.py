"""Corpus: upload articles, see each file's outcome, correct dates/sources/dyads, hide or remove articles.

Every file name, title and source shown here comes from outside: it is shown
through ``visible`` (control and bidi characters escaped) and, where
Streamlit renders Markdown, through ``markdown_literal`` (no link, image or
formatting).
"""

import hashlib

import pandas as pd
import streamlit as st

from lib import schema
from lib.corpus.ingest import outcomes_table
from lib.corpus.store import InvalidEditError, SeedProtectedError, StoreError
from lib.errors import ConfigError
from lib.output.exports import short_fingerprint
from lib.text import importers
from lib.text.display import markdown_literal, visible
from lib.text.items import ImportResult, Limits
from lib.text.tables import MAPPED_FIELDS
from ui import data, downloads

K = "corpus."  # session-state namespace of this page
OUTCOME_LABELS = {"added": "added", "not_analysed": "stored, not analysed", "duplicate": "duplicate", "rejected": "rejected"}
NO_COLUMN = "(none)"
#: Columns of the outcome and article tables that hold names from outside.
NAME_COLUMNS = ("file", "title", "source", "message")


def shown(df: pd.DataFrame) -> pd.DataFrame:
    """The table with every name column made visible text."""
    return df.assign(**{c: df[c].map(visible, na_action="ignore") for c in NAME_COLUMNS if c in df.columns})


def read_upload(files: list[tuple[str, bytes]], limits: Limits, mappings: dict) -> ImportResult:
    """What an upload holds, read once per upload and mapping and kept in this session
    (the latest two readings), not re-read on every rerun of the page."""
    key = repr((limits, sorted(mappings.items()))) + "".join(f"{n!r}:{hashlib.sha256(b).hexdigest()};" for n, b in files)
    kept: dict = st.session_state.setdefault(K + "previews", {})
    if key not in kept:
        while len(kept) >= 2:
            kept.pop(next(iter(kept)))
        kept[key] = importers.import_files(files, limits=limits, mappings=mappings or None)
    return kept[key]


store = data.get_store()
st.title("Corpus")
data.prepare()
if store.is_temporary:
    st.warning(f"Temporary store: {store.fallback_reason}", icon=":material/warning:")
counts = store.counts()
fingerprint = store.fingerprint()
m = st.columns(4)
m[0].metric("Articles", counts["visible"], help="Stored and not hidden")
m[1].metric(
    "On either relationship",
    counts["full"],
    help="US–Turkey, Russia–Turkey or both: fully analysed (entities, tone, topics, quotes) and shown on every page",
)
m[2].metric(
    "About something else",
    counts["triage"],
    help="Only the cheap pass (language, sentences, a scan for Turkish actors, the dyad): listed below with the reason. "
    "Assign one to a relationship under 'Correct an article' to have it fully analysed.",
)
m[3].metric("Hidden", counts["hidden"], help=f"Added by users: {counts['upload'] + counts['cli']}; seeds: {counts['seed']}")
st.markdown(
    f"Corpus fingerprint **`{short_fingerprint(fingerprint)}`**",
    help="A hash of the visible articles, your corrections and the pipeline version; exported briefings carry it in their footer.",
)
st.caption(f"Store: `{store.path}` · pipeline {schema.PIPELINE_VERSION} · full fingerprint `{fingerprint}`")

# --- upload -------------------------------------------------------------------------------------

st.subheader("Add articles")
try:
    limits = data.upload_limits()
except ConfigError as exc:
    st.error(f"Uploads are off until the setting is fixed: {exc}", icon=":material/error:")
    st.stop()
with st.expander("Accepted files and limits"):
    st.markdown(
        "`.txt` `.md` `.html` (main text kept, navigation dropped), `.csv` `.json` `.jsonl` (one article per row), "
        "and `.zip` archives of these. Archives inside archives are refused. Articles in languages other than "
        "English and Arabic are stored but not analysed."
    )
    st.markdown("\n".join(f"- {name}: **{value}**" for name, value in limits.describe().items()))

round_ = st.session_state.setdefault(K + "round", 0)
uploaded = st.file_uploader(
    "Article files",
    type=[s.lstrip(".") for s in importers.SUPPORTED_SUFFIXES],
    accept_multiple_files=True,
    key=f"{K}uploader.{round_}",
    help="Each file gets an outcome: added, duplicate, or rejected with the reason. One bad file never stops the others.",
)
if uploaded:
    files = [(f.name, f.getvalue()) for f in uploaded]
    detected = read_upload(files, limits, {})
    mappings: dict[str, dict[str, str | None]] = {}
    for t in detected.tables:
        st.markdown(f"**Columns of {markdown_literal(t.file)}** ({t.n_rows:,} rows) — detected; change any that is wrong:")
        chosen = {}
        for fld, col in zip(MAPPED_FIELDS, st.columns(len(MAPPED_FIELDS)), strict=True):
            options = [NO_COLUMN, *t.columns]
            current = t.mapping.get(fld)
            pick = col.selectbox(
                fld,
                options,
                index=options.index(current) if current in options else 0,
                format_func=visible,
                key=f"{K}map.{round_}.{t.file}.{fld}",
            )
            chosen[fld] = None if pick == NO_COLUMN else pick
        if chosen != {fld: t.mapping.get(fld) for fld in MAPPED_FIELDS}:
            mappings[t.file] = chosen
    preview = read_upload(files, limits, mappings) if mappings else detected
    n_ok = sum(1 for i in preview.items if i.ok)
    st.caption(f"{n_ok} article(s) ready in {len(files)} file(s); {len(preview.items) - n_ok} refused before storing (shown after import).")
    if st.button(f"Import {len(files)} file(s)", type="primary", key=f"{K}import"):
        bar = st.progress(0.0, text="Importing…")

        def report(done: float, n: int, outcome) -> None:
            bar.progress(min(done / max(n, 1), 1.0), text=f"{markdown_literal(outcome.file)}: {OUTCOME_LABELS[outcome.outcome]}")

        outcomes = data.import_uploads(files, mappings=mappings, progress=report)
        st.session_state[K + "outcomes"] = outcomes_table(outcomes)
        st.session_state[K + "round"] = round_ + 1  # a fresh uploader
        st.session_state[K + "previews"] = {}
        st.rerun()

outcomes = st.session_state.get(K + "outcomes")
if outcomes is not None:
    tally = outcomes["outcome"].value_counts()
    st.markdown(
        "**Last import:** "
        + ", ".join(f"{int(tally.get(k, 0))} {v}" for k, v in OUTCOME_LABELS.items())
        + ". Every page now includes the added articles."
    )
    downloads.dataframe(
        shown(outcomes.assign(outcome=outcomes["outcome"].map(OUTCOME_LABELS))),
        name="import-outcomes",
        hide_index=True,
        key=f"{K}outcomes.table",
        column_order=["file", "outcome", "reason", "message", "language", "dyad", "title", "article_id"],
        column_config={"message": st.column_config.TextColumn("message", width="large")},
    )

# --- stored articles ------------------------------------------------------------------------------

st.subheader("Stored articles")
listing = store.listing()
if listing.empty:
    st.info("The store is empty: upload articles above, or run `python -m lib import PATH…`.")
    st.stop()
seeds_hidden = counts["seed"] > 0 and bool(listing.loc[listing["origin"] == "seed", "hidden"].all())
hide_seeds = st.toggle(
    "Hide the seed articles", value=seeds_hidden, key=f"{K}hide_seeds", help="Seeds are hidden from every page, never deleted."
)
if hide_seeds != seeds_hidden and counts["seed"] > 0:
    store.set_hidden_origin("seed", hide_seeds)
    st.rerun()
downloads.dataframe(
    shown(listing),
    name="stored-articles",
    hide_index=True,
    key=f"{K}listing",
    column_order=[
        "title",
        "file",
        "origin",
        "hidden",
        "date",
        "source",
        "language",
        "dyad",
        "dyad_auto",
        "depth",
        "dyad_reason",
        "status",
        "edited",
        "added_at",
        "article_id",
    ],
    column_config={
        "title": st.column_config.TextColumn("title", width="large"),
        "dyad_auto": "dyad (computed)",
        "depth": st.column_config.TextColumn(
            "analysis", help="full: every stage; triage: the cheap pass only (about neither relationship)"
        ),
        "dyad_reason": st.column_config.TextColumn("why this dyad", width="medium"),
        "edited": st.column_config.TextColumn("edited by you", help="Fields set on this page (the latest edit wins)"),
    },
)

# --- correct or remove one article -------------------------------------------------------------------

st.subheader("Correct an article")
labels = {
    str(r.article_id): f"{visible(r.title) if isinstance(r.title, str) else '(untitled)'} · {visible(r.file)}"
    + (" · hidden" if r.hidden else "")
    for r in listing.itertuples(index=False)
}
article_id = st.selectbox("Article", list(labels), format_func=labels.__getitem__, key=f"{K}article")
row = listing.set_index("article_id").loc[article_id]
own = store.own_values(article_id)
with st.form(f"{K}edit.{article_id}"):
    c = st.columns(3)
    date = c[0].text_input(
        "Date (yyyy-mm-dd)",
        value="" if pd.isna(row["date"]) else str(row["date"]),
        help=f"Read from the article: {markdown_literal(own['date'] or 'none')}",
    )
    source = c[1].text_input(
        "Source",
        value="" if pd.isna(row["source"]) else str(row["source"]),
        help=f"Read from the article: {markdown_literal(own['source'] or 'none')}",
    )
    dyad_options = [f"computed ({own['dyad'] or 'none'})", *schema.DYADS]
    current_dyad = None if pd.isna(row["edited"]) or "dyad" not in str(row["edited"]) else str(row["dyad"])
    dyad = c[2].selectbox("Dyad", dyad_options, index=dyad_options.index(current_dyad) if current_dyad in dyad_options else 0)
    saved = st.form_submit_button("Save corrections")
if saved:
    try:
        changed = store.update_fields(article_id, {"date": date, "source": source, "dyad": None if dyad == dyad_options[0] else dyad})
    except InvalidEditError as exc:
        st.error(f"Nothing saved: {exc}")
    else:
        st.success(f"Saved: {', '.join(changed)}." if changed else "Nothing to change.")
        if changed:
            st.rerun()

hidden = bool(row["hidden"])
b = st.columns(2)
if b[0].button("Show in the analysis again" if hidden else "Hide from the analysis", key=f"{K}hide.{article_id}"):
    store.set_hidden(article_id, not hidden)
    st.rerun()
is_seed = row["origin"] == "seed"
with b[1].popover("Remove…", disabled=is_seed, help="Seed articles can be hidden, not removed." if is_seed else None):
    st.markdown("Removes the article, its edits and its analysis from the store.")
    if st.button("Remove for good", type="primary", key=f"{K}remove.{article_id}"):
        try:
            store.remove(article_id)
        except (SeedProtectedError, StoreError) as exc:
            st.error(str(exc))
        else:
            st.rerun()
