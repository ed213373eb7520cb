"""Run the per-article function over many articles: in this process, on local
worker processes, or on a Dask cluster — the same function, the same results.

``analyze_text`` (``lib.analysis.pipeline``) is pure, so articles can be
analysed anywhere. A *runner* maps it over :class:`Task` s and yields one
:class:`Result` per task **in input order**, whatever order the workers
finish in, so the tables a corpus gets never depend on the worker count.

- :class:`SerialRunner` — in this process (tests, tiny inputs).
- :class:`ProcessRunner` — local worker processes (default: one per core).
- :class:`DaskRunner` — a ``dask.distributed`` cluster, given its scheduler
  address (``--scheduler`` or ``$COVERAGE_DASK_SCHEDULER``); workers need the
  project importable (same code and requirements).

Every worker loads its models once, on first need (``load_resources`` is
cached per process, and the cheap pass needs no model at all); the driver
never pickles a model. Tasks travel in batches to keep messaging cheap, and
only a bounded number of batches is in flight, so memory stays flat however
many articles a feed has. The caller — one process — writes the store.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Protocol

from lib.analysis.pipeline import ArticleRows, analyze_text, load_resources
from lib.errors import ArticleError

#: Environment variable naming a Dask scheduler (``tcp://host:8786``).
SCHEDULER_ENV = "COVERAGE_DASK_SCHEDULER"
#: Environment variable setting the number of local worker processes.
WORKERS_ENV = "COVERAGE_WORKERS"
#: Articles per message to a worker: large enough that messaging costs little
#: next to analysis (~10 ms an article in the cheap pass), small enough that
#: progress moves and a slow article does not hold up many others.
BATCH_SIZE = 16
#: Batches in flight per worker: keeps every worker busy while the driver
#: writes, without holding a whole feed in memory. Results come back in
#: order, so while the oldest batch holds a long article (a full analysis of
#: a long English article takes seconds) the other workers must have queued
#: work to go on with: 16 batches each are a few seconds of the cheap pass.
IN_FLIGHT_PER_WORKER = 16


@dataclass(frozen=True)
class Task:
    """One article to analyse."""

    text: str
    file: str
    metadata: dict = field(default_factory=dict)
    dyad_override: str | None = None
    depth: str = "auto"


@dataclass(frozen=True)
class Result:
    """What became of one task: its rows, or why it has none."""

    rows: ArticleRows | None = None
    reason: str | None = None  # an ArticleError's reason, or "analysis_failed"
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.rows is not None


def run_task(task: Task, *, use_spacy: bool = True) -> Result:
    """Analyse one task with this process's resources; never raises for one article."""
    try:
        rows = analyze_text(
            task.text,
            file=task.file,
            resources=load_resources(use_spacy=use_spacy),
            metadata=dict(task.metadata),
            dyad_override=task.dyad_override,
            depth=task.depth,  # type: ignore[arg-type]
        )
        return Result(rows=rows)
    except ArticleError as exc:
        return Result(reason=exc.reason, message=exc.message)
    except Exception as exc:  # a pipeline bug on one article must not stop a feed
        return Result(reason="analysis_failed", message=f"{task.file}: analysis failed ({type(exc).__name__}: {exc})")


def run_batch(batch: list[Task], use_spacy: bool = True) -> list[Result]:
    """The unit of work a worker runs (module-level, so it pickles by name)."""
    return [run_task(t, use_spacy=use_spacy) for t in batch]


def _batches(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    batch: list[Task] = []
    for t in tasks:
        batch.append(t)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _ordered(submit: Callable[[list[Task]], Future], tasks: Iterable[Task], *, window: int, batch_size: int) -> Iterator[Result]:
    """Submit batches with at most ``window`` in flight; yield results in input order."""
    pending: deque[Future] = deque()
    for batch in _batches(tasks, batch_size):
        pending.append(submit(batch))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


class Runner(Protocol):
    workers: int

    def map(self, tasks: Iterable[Task]) -> Iterator[Result]: ...

    def close(self) -> None: ...

    def describe(self) -> str: ...


class SerialRunner:
    """Everything in this process."""

    workers = 1

    def __init__(self, *, use_spacy: bool = True) -> None:
        self.use_spacy = use_spacy

    def map(self, tasks: Iterable[Task]) -> Iterator[Result]:
        for t in tasks:
            yield run_task(t, use_spacy=self.use_spacy)

    def close(self) -> None:
        pass

    def describe(self) -> str:
        return "1 process"


class _ExecutorRunner:
    """Shared by the local-process and Dask runners: ordered, windowed batches."""

    workers: int
    use_spacy: bool
    batch_size: int

    def _submit(self, batch: list[Task]) -> Future:
        raise NotImplementedError

    def map(self, tasks: Iterable[Task]) -> Iterator[Result]:
        return _ordered(self._submit, tasks, window=max(2, self.workers * IN_FLIGHT_PER_WORKER), batch_size=self.batch_size)


#: Seconds between a worker's checks that the process that started it is alive.
PARENT_CHECK_S = 2.0


def _exit_with_parent(parent: int) -> None:
    """Worker initialiser: end this worker when its parent dies (even by SIGKILL),
    instead of waiting forever for work that will never come."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_S)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


_MAIN_LOCK = threading.Lock()


@contextlib.contextmanager
def _plain_main() -> Iterator[None]:
    """While a worker is spawned, hide the running script from it.

    A spawned worker re-runs the parent's ``__main__`` file. Inside Streamlit
    that is the page being drawn (Streamlit installs each script as
    ``__main__``), so a worker started from a page would run the page again.
    Workers need nothing from ``__main__``: they import ``lib``.
    """
    with _MAIN_LOCK:
        saved = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if saved is not None:
                sys.modules["__main__"] = saved


class ProcessRunner(_ExecutorRunner):
    """Local worker processes (spawned: safe beside a threaded web server)."""

    def __init__(self, workers: int | None = None, *, use_spacy: bool = True, batch_size: int = BATCH_SIZE) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.use_spacy = use_spacy
        self.batch_size = batch_size
        self._pool: Executor = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=get_context("spawn"), initializer=_exit_with_parent, initargs=(os.getpid(),)
        )

    def _submit(self, batch: list[Task]) -> Future:
        with _plain_main():  # a submit may start a worker
            return self._pool.submit(run_batch, batch, self.use_spacy)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def describe(self) -> str:
        return f"{self.workers} local worker processes"


class DaskRunner(_ExecutorRunner):
    """A ``dask.distributed`` cluster: a scheduler address, or a Client/LocalCluster given."""

    def __init__(self, address_or_client, *, use_spacy: bool = True, batch_size: int = BATCH_SIZE) -> None:
        from dask.distributed import Client  # imported only when a cluster is asked for

        self._own = not isinstance(address_or_client, Client)
        self.client = Client(address_or_client) if self._own else address_or_client
        self.workers = max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info(n_workers=-1)["workers"].values()))
        self.use_spacy = use_spacy
        self.batch_size = batch_size

    def _submit(self, batch: list[Task]) -> Future:
        return self.client.submit(run_batch, batch, self.use_spacy, pure=False)

    def close(self) -> None:
        if self._own:
            self.client.close()

    def describe(self) -> str:
        return f"Dask cluster at {self.client.scheduler.address} ({self.workers} worker threads)"


def local_workers(workers: int | None = None) -> int:
    """Local worker processes: ``workers``, else ``$COVERAGE_WORKERS``, else one per core."""
    if workers is None and os.environ.get(WORKERS_ENV):
        try:
            workers = int(os.environ[WORKERS_ENV])
        except ValueError:
            raise ValueError(f"{WORKERS_ENV}={os.environ[WORKERS_ENV]!r} is not a whole number of worker processes") from None
    return workers if workers is not None else (os.cpu_count() or 1)


def make_runner(*, workers: int | None = None, scheduler: str | None = None, use_spacy: bool = True, n_tasks: int | None = None) -> Runner:
    """The runner a command asks for: a Dask scheduler if one is named (argument or
    ``$COVERAGE_DASK_SCHEDULER``), else local processes (``workers``, or
    ``$COVERAGE_WORKERS``, or one per core); a handful of articles runs in
    this process, where starting workers would cost more than it saves."""
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if scheduler:
        return DaskRunner(scheduler, use_spacy=use_spacy)
    n = local_workers(workers)
    if n <= 1 or (n_tasks is not None and n_tasks < BATCH_SIZE):
        return SerialRunner(use_spacy=use_spacy)
    return ProcessRunner(n, use_spacy=use_spacy)


@dataclass
class Rate:
    """Articles per second and time left, for progress lines and bars."""

    total: int
    done: int = 0
    started: float = field(default_factory=time.monotonic)

    def step(self, n: int = 1) -> None:
        self.done += n

    @property
    def per_second(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        rate = self.per_second
        return (self.total - self.done) / rate if rate > 0 else None

    def describe(self) -> str:
        left = self.seconds_left
        eta = f", about {_duration(left)} left" if left is not None and self.done < self.total else ""
        return f"{self.done:,} of {self.total:,} articles ({self.per_second:.1f}/s{eta})"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
