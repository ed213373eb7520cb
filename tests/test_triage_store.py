"""Articles about neither relationship: stored after the cheap pass, counted, listed with the
reason, and fully analysed once a user assigns them to a relationship."""

from __future__ import annotations

from lib.corpus import ingest
from lib.corpus.runner import SerialRunner, Task
from lib.corpus.store import Store
from lib.text.items import Item

OFF_TOPIC = (
    "Storm hits the coast\n\nHeavy rain flooded streets in Lisbon on Monday, and officials said that the schools "
    "would reopen on Wednesday after the water had gone down."
)
RELEVANT = (
    "Erdogan calls Biden\n\nTurkish President Recep Tayyip Erdogan spoke with US President Joe Biden on Monday about the F-35 "
    "programme. The two leaders said that they would meet again in the autumn, and that their ministers were working on it."
)


def test_a_feed_is_triaged_then_a_users_assignment_brings_the_full_analysis(tmp_path, resources):
    s = Store(tmp_path / "s.sqlite")
    runner = SerialRunner()
    outs = ingest.import_items(s, [Item("weather.txt", text=OFF_TOPIC), Item("f35.txt", text=RELEVANT)], origin="cli", runner=runner)
    assert [o.outcome for o in outs] == ["added", "added"]
    counts = s.counts()
    assert (counts["full"], counts["triage"], counts["pending"]) == (1, 1, 0)
    listing = s.listing().set_index("file")
    assert listing.at["weather.txt", "depth"] == "triage" and listing.at["weather.txt", "dyad"] == "other"
    assert "no Turkish actor" in listing.at["weather.txt", "dyad_reason"]
    assert listing.at["f35.txt", "depth"] == "full"
    loaded = s.load().tables
    weather = listing.at["weather.txt", "article_id"]
    assert weather in set(loaded["articles"]["article_id"]) and weather not in set(loaded["sentences"]["article_id"])

    s.set_edit(weather, "dyad", "us-turkey")
    (pending,) = s.pending()
    assert pending.article_id == weather and pending.dyad_override == "us-turkey"
    tasks = [Task(text=pending.text, file=pending.file, metadata=pending.metadata, dyad_override=pending.dyad_override)]
    assert s.save_analysis((pending, r.rows, r.message) for r in runner.map(tasks)) == 1
    assert s.pending() == []
    assert s.counts()["full"] == 2
    after = s.listing().set_index("file")
    assert after.at["weather.txt", "depth"] == "full" and after.at["weather.txt", "dyad"] == "us-turkey"
    assert weather in set(s.load().tables["sentences"]["article_id"])
