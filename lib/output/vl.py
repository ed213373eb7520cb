"""Vega-Lite specs written as plain dicts, for the charts drawn on every filter change.

Altair builds a chart as a tree of schema objects, copies the tree when
layers are combined and walks it again to make the spec. Compare's 7
charts of a new filter at 10,000 articles took 0.15–0.17 s that way and take
0.09–0.10 s written here (the rest is preparing their tables). The
charts built here are the same specs written directly (``lib.output.charts``
says which): ``field`` and ``tooltip`` are Altair's ``alt.X("name:Q", ...)``
and ``alt.Tooltip(...)``, ``chart`` and ``layer`` its top-level ``Chart``
and ``LayerChart``, with the tables in named datasets made as Altair makes
them (``lib.output.chart_data``; named by a hash of their rows). The result
is a ``Spec``: a dict with Altair's ``to_dict`` (validated against the
Vega-Lite schema Altair ships) and ``properties``, so exports, the briefing
and tests take either kind of chart.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pandas as pd

from lib.output import chart_data

#: The Vega-Lite version Altair targets (``alt.SCHEMA_URL``).
SCHEMA_URL = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
_TYPES = {"N": "nominal", "Q": "quantitative", "O": "ordinal", "T": "temporal"}


class Spec(dict):
    """A finished Vega-Lite spec, with the two methods of an Altair chart used on charts here."""

    def to_dict(self, validate: bool = True, **_: Any) -> dict:
        """A deep copy as a plain dict; ``validate`` checks it against the Vega-Lite schema."""
        spec = copy.deepcopy(dict(self))
        if validate:
            validate_spec(spec)
        return spec

    def properties(self, **props: Any) -> Spec:
        """A copy with ``props`` set at the top level (``height=…``)."""
        return Spec({**self, **props})


def validate_spec(spec: dict) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``spec`` is valid Vega-Lite (Altair's schema)."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    validate_jsonschema(spec, load_schema())


def field(shorthand: str, **props: Any) -> dict:
    """An encoding channel on a field: ``"name:Q"`` (type letter optional, as for ``x2``) plus ``props``
    (``title=None`` is kept: it removes the axis title)."""
    name, _, kind = shorthand.partition(":")
    out: dict[str, Any] = {"field": name}
    if kind:
        out["type"] = _TYPES[kind]
    out.update(props)
    return out


def tooltip(shorthand: str, title: str | None = None, *, format: str | None = None) -> dict:
    """One tooltip line: ``alt.Tooltip(shorthand, title=…, format=…)``."""
    extra = {k: v for k, v in (("title", title), ("format", format)) if v is not None}
    return field(shorthand, **extra)


def dataset(frame: pd.DataFrame) -> tuple[str, list[dict]]:
    """(name, rows) of a table as a named dataset: Altair's rows (``chart_data.to_values``) and name."""
    rows = chart_data.to_values(frame)["values"]
    if rows == [{}]:
        return "empty", rows
    digest = hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"data-{digest}", rows


def title(text: str, subtitle: str | list[str] | None = None) -> dict:
    """A title and its subtitle (a list: one line each; empty lines dropped)."""
    if isinstance(subtitle, list):
        subtitle = [line for line in subtitle if line] or None
    return {"text": text, **({"subtitle": subtitle} if subtitle else {})}


def _top(body: dict, datasets: dict[str, list], config: dict) -> Spec:
    return Spec({"$schema": SCHEMA_URL, "config": config, **body, "datasets": datasets})


def chart(data: pd.DataFrame, *, config: dict, **body: Any) -> Spec:
    """A single view (``mark``, ``encoding``, ``title``, ``height``, ``params``…) of ``data``."""
    name, rows = dataset(data)
    return _top({"data": {"name": name}, **body}, {name: rows}, config)


def layer(layers: list[dict], *, config: dict, data: pd.DataFrame | None = None, **body: Any) -> Spec:
    """Layers over one table (``data``) or each over its own (a layer's ``"data"`` given as a
    DataFrame); a selection in ``params`` is bound to the first layer (named after the table)."""
    datasets: dict[str, list] = {}
    made: dict[int, str] = {}  # a table shared by several layers is converted once

    def named(frame: pd.DataFrame) -> dict:
        if id(frame) not in made:
            name, rows = dataset(frame)
            datasets[name] = rows
            made[id(frame)] = name
        return {"name": made[id(frame)]}

    out = [{**one, "data": named(one["data"])} if isinstance(one.get("data"), pd.DataFrame) else dict(one) for one in layers]
    top: dict[str, Any] = {} if data is None else {"data": named(data)}
    params = body.pop("params", None)
    if params:
        view = f"view_{hashlib.sha256(json.dumps(out, sort_keys=True, default=str).encode()).hexdigest()[:16]}_0"
        out[0] = {**out[0], "name": view}
        body["params"] = [{**p, "views": [view]} for p in params]
    return _top({**top, "layer": out, **body}, datasets, config)
