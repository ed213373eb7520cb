"""The folders of lib/ are layers, and nothing imports upward.

text in (lib/text) → one article's analysis (lib/analysis) → the corpus
(lib/corpus) → views (lib/views) → output (lib/output). ``lib/schema.py``
and ``lib/errors.py`` are shared by all; ``lib/cli.py`` is an entry point on
top. ``lib/`` never imports Streamlit; ``ui/`` and ``pages/`` sit above it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["lib.errors", "lib.schema", "lib.text", "lib.analysis", "lib.corpus", "lib.views", "lib.output", "lib.cli"]


def _layer(module: str) -> int | None:
    for i, prefix in enumerate(LAYERS):
        if module == prefix or module.startswith(prefix + "."):
            return i
    return None


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
            out += [f"{node.module}.{a.name}" for a in node.names]
    return out


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


LIB_FILES = sorted(p for p in (ROOT / "lib").rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", LIB_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    own = _layer(_module_name(path))
    if own is None:  # lib/__init__.py, lib/__main__.py
        return
    upward = [m for m in _imports(path) if (lay := _layer(m)) is not None and lay > own]
    assert not upward, f"{path.relative_to(ROOT)} (layer {LAYERS[own]}) imports upward: {upward}"


@pytest.mark.parametrize("path", LIB_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_lib_never_imports_streamlit(path: Path) -> None:
    assert not [m for m in _imports(path) if m.split(".")[0] == "streamlit"]


def test_every_layer_folder_exists_and_holds_code() -> None:
    for folder in ("text", "analysis", "corpus", "views", "output"):
        assert list((ROOT / "lib" / folder).glob("*.py")) > [ROOT / "lib" / folder / "__init__.py"], folder


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    bad = ROOT / "lib" / "text" / "_probe_upward.py"
    try:
        bad.write_text("from lib.views import compare\n", encoding="utf-8")
        own = _layer(_module_name(bad))
        assert own is not None and any(_layer(m) > own for m in _imports(bad))
    finally:
        bad.unlink()
