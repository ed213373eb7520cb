"""Start the dashboard on a free localhost port: for browser tests and benchmarks.

The server runs `streamlit run app.py` with a store of its own
(``COVERAGE_DB``) filled from ``COVERAGE_CORPUS_DIR``. Chromium is Debian's
(``/usr/bin/chromium``); ``playwright install`` is never run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
#: Headless, as root, with no background traffic (this machine has no network).
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: A first start loads the language models and analyses the corpus.
SERVER_START_S = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(corpus_dir: Path, db: Path, log: Path, *, timeout: float = SERVER_START_S) -> tuple[subprocess.Popen, str]:
    """Start the app; return (process, base URL) once ``/_stcore/health`` answers ok."""
    port = free_port()
    env = {**os.environ, "COVERAGE_CORPUS_DIR": str(corpus_dir), "COVERAGE_DB": str(db)}
    env.pop("COVERAGE_WATCH_SECONDS", None)  # the server watches its store as it would for a user
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port)]
    cmd += ["--browser.gatherUsageStats", "false"]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    stop_app(proc)
    raise RuntimeError(f"streamlit did not become healthy in {timeout:.0f} s: {log.read_text()[-2000:]}")


def stop_app(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def launch_chromium(playwright):
    """Debian's Chromium through Playwright; a clear error when it is missing."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is not installed: run `make system-deps` (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
