"""Parallel runs give the tables a serial run gives: 2 local workers and a Dask LocalCluster."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lib.corpus import runner as runners
from lib.corpus.tables import analyze_paths

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The seeds, each also as a variant with its own extra paragraph, plus an off-topic article."""
    out = tmp_path_factory.mktemp("parallel")
    for i, p in enumerate(sorted(SEEDS.glob("*.txt"))):
        text = p.read_text(encoding="utf-8")
        (out / p.name).write_text(text, encoding="utf-8")
        extra = (
            f"In a separate development numbered {i}, officials said on Tuesday that the talks between the delegations would resume soon."
        )
        (out / f"v{i}.txt").write_text(f"{text}\n\n{extra}\n", encoding="utf-8")
    (out / "weather.txt").write_text(
        "Storm hits the coast\n\nHeavy rain flooded streets in Lisbon on Monday, and officials said that the schools would reopen on Wednesday.",
        encoding="utf-8",
    )
    return out


@pytest.fixture(scope="module")
def serial(folder, resources):
    return analyze_paths([folder], resources=resources, runner=runners.SerialRunner())


def _assert_same(a, b) -> None:
    assert set(a.tables) == set(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], obj=name)


def test_serial_run_has_every_article_and_triages_the_off_topic_one(serial):
    arts = serial.articles.set_index(serial.articles["file"].str.rsplit("/", n=1).str[-1])
    assert len(arts) == 11
    assert arts.loc["weather.txt", "depth"] == "triage"
    assert (arts.drop(index="weather.txt")["depth"] == "full").all()


def test_two_local_worker_processes_give_identical_tables(folder, resources, serial):
    r = runners.ProcessRunner(2, batch_size=2)  # small batches: results arrive out of order
    try:
        parallel = analyze_paths([folder], resources=resources, runner=r)
    finally:
        r.close()
    _assert_same(serial, parallel)


def test_a_dask_cluster_gives_identical_tables(folder, resources, serial):
    from dask import distributed

    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        r = runners.DaskRunner(client, batch_size=3)
        assert r.workers == 2 and "Dask cluster" in r.describe()
        clustered = analyze_paths([folder], resources=resources, runner=r)
    _assert_same(serial, clustered)


def test_make_runner_reads_workers_and_scheduler(monkeypatch):
    monkeypatch.delenv(runners.SCHEDULER_ENV, raising=False)
    assert isinstance(runners.make_runner(workers=1), runners.SerialRunner)
    assert isinstance(runners.make_runner(workers=2, n_tasks=3), runners.SerialRunner)  # too few to be worth workers
    monkeypatch.setenv(runners.WORKERS_ENV, "2k")
    with pytest.raises(ValueError, match=runners.WORKERS_ENV):
        runners.make_runner()


def test_one_failing_article_does_not_stop_a_batch(monkeypatch):
    from lib.analysis import pipeline

    def boom(text, **kw):
        if "CRASH" in text:
            raise RuntimeError("bug")
        return {"articles": [{"article_id": text}]}

    monkeypatch.setattr(runners, "analyze_text", boom)
    out = runners.run_batch([runners.Task("a", "a.txt"), runners.Task("CRASH", "b.txt"), runners.Task("c", "c.txt")])
    assert [r.ok for r in out] == [True, False, True]
    assert out[1].reason == "analysis_failed" and "b.txt" in out[1].message
    assert pipeline.analyze_text is not boom


def test_rate_describes_progress():
    rate = runners.Rate(total=10, started=0.0)
    rate.step(5)
    assert rate.describe().startswith("5 of 10 articles (")


def test_workers_end_when_their_parent_is_killed(tmp_path):
    """A SIGKILLed import leaves no worker behind."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    code = (
        "import sys, time; sys.path.insert(0, sys.argv[1]);"
        "from lib.corpus.runner import ProcessRunner, Task;"
        "r = ProcessRunner(2, batch_size=1); list(r.map([Task('x', 'a.txt', depth='triage')]));"
        "print('ready', flush=True); time.sleep(600)"
    )
    root = str(Path(__file__).resolve().parent.parent)
    proc = subprocess.Popen([sys.executable, "-c", code, root], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    workers = psutil.Process(proc.pid).children()
    assert workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10 * runners.PARENT_CHECK_S + 30
    while time.monotonic() < deadline and any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers):
        time.sleep(0.5)
    assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)


def test_workers_never_run_the_script_that_started_them(tmp_path, monkeypatch):
    """Streamlit installs the page being drawn as __main__: a worker must not run it again."""
    import sys
    import types

    marker = tmp_path / "ran"
    page = tmp_path / "page.py"
    page.write_text(f"open({str(marker)!r}, 'w').write('the page ran in a worker')\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    r = runners.ProcessRunner(2, batch_size=1)
    try:
        out = list(r.map([runners.Task("a", "a.txt", depth="triage"), runners.Task("b", "b.txt", depth="triage")]))
    finally:
        r.close()
    assert len(out) == 2
    assert not marker.exists()
    assert sys.modules["__main__"] is fake_main  # restored
