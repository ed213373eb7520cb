"""One upload stores no more articles than its preview promised: the per-upload total holds in the store too."""

from __future__ import annotations

from lib.corpus.ingest import import_files
from lib.corpus.store import Store
from lib.text.importers import import_files as preview
from lib.text.items import Limits

from .test_store import FakeAnalyze


def test_an_upload_of_several_tables_stores_at_most_the_upload_total(tmp_path):
    lim = Limits(max_rows=10, max_articles=15)
    tables = [
        (f"t{k}.csv", ("text\n" + "".join(f"Turkey and Russia in table {k} row {i}.\n" for i in range(9))).encode()) for k in range(4)
    ]
    promised = sum(1 for i in preview(tables, limits=lim).items if i.ok)
    outcomes = import_files(Store(tmp_path / "s.sqlite"), tables, origin="upload", analyze=FakeAnalyze(), limits=lim)
    stored = [o for o in outcomes if o.outcome == "added"]
    assert len(stored) == promised == 9
    refused = [o for o in outcomes if o.outcome == "rejected"]
    assert [o.file for o in refused] == ["t1.csv", "t2.csv", "t3.csv"]
    assert all("the limit per upload" in o.message for o in refused)
