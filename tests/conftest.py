"""Shared fixtures: the seed corpus is analysed once per test session."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Tests never read or write a developer's own store (data/coverage.sqlite):
# every test process gets a fresh one, filled from the seeds on first use.
# Tests that need their own store still set COVERAGE_DB themselves.
os.environ["COVERAGE_DB"] = str(Path(tempfile.mkdtemp(prefix="coverage-tests-")) / "store.sqlite")
# AppTest runs stand in a runtime for the process: no store watcher thread (ui/watch.py) is started
# for their many short-lived stores. Servers that tests start (tests/appserver.py) watch as usual.
os.environ["COVERAGE_WATCH_SECONDS"] = "0"


@pytest.fixture(autouse=True)
def _keep_main_module():
    """AppTest installs the page it runs as ``sys.modules["__main__"]`` and leaves it there; a
    later test that starts worker processes (spawn) would then re-run that page in each worker."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def resources():
    from lib.analysis.pipeline import load_resources

    return load_resources()


@pytest.fixture(scope="session")
def seed_corpus(resources):
    from lib.corpus.tables import analyze_seeds

    return analyze_seeds(resources=resources)


@pytest.fixture(scope="session")
def seed_ids(seed_corpus):
    """Seed prefix ('000'…'004') -> article_id."""
    arts = seed_corpus.articles
    return {Path(f).name[:3]: aid for f, aid in zip(arts["file"], arts["article_id"], strict=True)}
