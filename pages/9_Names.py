"""Names: the names no gazetteer entry covers, by frequency; link, merge or create an entity for them."""

import streamlit as st

from lib.corpus import curation
from ui import data, downloads

cur = data.get_curation(str(data.get_store().path))
edits = cur.edits()
tables = data.get_corpus().tables  # every page's corpus, the curation edits applied

st.title("Unlinked names")
st.caption(
    "Names found by spaCy (English), by titles and roles (Arabic) or by the Arabic NER model, that no gazetteer entry covers. "
    "Link one to a known entity, merge it with another name (e.g. its other language), or create an entity for it. "
    "Edits are stored with the corpus, survive restarts and are applied without analysing any article again."
)
language = st.radio("Language", ["en", "ar"], format_func={"en": "English", "ar": "Arabic"}.get, horizontal=True, key="names.language")
names = curation.unlinked_names(tables, language=language)
if names.empty:
    st.info("Every name found in this language is linked to an entity.")
else:
    shown = names.assign(examples=names["examples"].map(lambda xs: " … ".join(xs)))
    downloads.dataframe(shown, name=f"unlinked-names-{language}", hide_index=True, width="stretch", column_config={"entity_id": None})

    with st.form("names.edit"):
        labels = dict(zip(names["entity_id"], names["name"] + " (" + names["mentions"].astype(str) + ")", strict=True))
        source = st.selectbox("Name", list(labels), format_func=labels.get, key="names.source")
        action = st.radio("Action", curation.ACTIONS, horizontal=True, key="names.action")
        ents = tables["entities"]
        canonical = ents[ents["canonical"].fillna(False).astype(bool)]
        known = dict(zip(canonical["entity_id"], canonical["name_en"].fillna(canonical["name_ar"]), strict=True))
        target = st.selectbox(
            "Link to (known entity)",
            [None, *sorted(known, key=lambda e: str(known[e]))],
            format_func=lambda e: "—" if e is None else f"{known[e]} ({e})",
            key="names.target",
        )
        merge_into = st.selectbox(
            "Merge into (another name)", [None, *labels], format_func=lambda e: "—" if e is None else labels[e], key="names.merge"
        )
        name_en = st.text_input("New entity: English name", key="names.name_en")
        name_ar = st.text_input("New entity: Arabic name", key="names.name_ar")
        etype = st.selectbox("New entity: type", curation.ENTITY_TYPES, key="names.type")
        submitted = st.form_submit_button("Save edit")
    if submitted:
        try:
            if action == "link":
                done = cur.add("link", source, target, known_ids=set(known))
            elif action == "merge":
                done = cur.add("merge", source, merge_into, known_ids=set(labels))
            else:
                done = cur.add("create", source, name_en=name_en or None, name_ar=name_ar or None, etype=etype)
        except curation.CurationError as exc:
            st.error(str(exc))
        else:
            st.success(f"Saved: {labels[source]} → {done}.")
            st.rerun()

st.subheader(f"Edits ({len(edits)})")
if edits.empty:
    st.info("No edit yet.")
else:
    downloads.dataframe(edits, name="curation-edits", hide_index=True, width="stretch")
    undo = st.selectbox(
        "Undo edit", [None, *edits["edit_id"].tolist()], format_func=lambda e: "—" if e is None else f"#{e}", key="names.undo"
    )
    if undo is not None and st.button("Undo", key="names.undo_button"):
        cur.remove(undo)
        st.rerun()
