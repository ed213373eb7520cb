"""Chart data as Vega-Lite values: what Altair's default data transformer gives, made faster.

Altair turns each chart's DataFrame into JSON-ready records by converting it
column by column with pandas (``sanitize_pandas_dataframe``): a third of the
time of building the Compare page's charts, repeated for every new filter.
``to_values`` makes the same records from each column's values in one pass;
any column of a kind it does not handle itself (dates, durations, geometry,
a non-string column name, a hierarchical index) goes through Altair's own
transformer, so the output is Altair's in every case (``tests/test_charts.py``
compares the two on every kind of column).

``enable()`` registers it as Altair's active data transformer, with Altair's
limit of 5,000 rows per chart.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: Rows a chart may embed (Altair's default limit, kept).
MAX_ROWS = 5000
NAME = "coverage"

_NULLABLE = {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64", "boolean", "string", "str"}


def _column_values(s: pd.Series) -> list | None:
    """The column as Python values (None for missing, NaN or infinite), or None if Altair should do it."""
    name = str(s.dtype)
    if name == "category" or name in _NULLABLE or s.dtype == object:
        values = s.astype(object).tolist()
        if s.dtype == object:
            values = [v.tolist() if isinstance(v, np.ndarray) else v for v in values]
        # missing → None; NumPy scalars → Python ones (as ``DataFrame.to_dict`` boxes them)
        return [
            None
            if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))
            else v.item()
            if isinstance(v, np.generic)
            else v
            for v in values
        ]
    if not isinstance(s.dtype, np.dtype):  # another extension type (Arrow-backed numbers…): Altair's way
        return None
    if s.dtype.kind in "biu":
        return s.to_numpy().tolist()
    if s.dtype.kind == "f":
        return [v if math.isfinite(v) else None for v in s.to_numpy().tolist()]
    return None


def to_values(data):
    """``{"values": records}`` for a DataFrame, as Altair's ``to_values`` makes them; other data as Altair handles it."""
    import narwhals.stable.v1 as nw
    from altair.utils.data import limit_rows
    from altair.utils.data import to_values as altair_to_values

    data = limit_rows(data, max_rows=MAX_ROWS)
    if isinstance(nw.to_native(data, pass_through=True), pd.DataFrame):
        data = nw.to_native(data, pass_through=True)  # Altair hands a pandas frame over wrapped
    if not isinstance(data, pd.DataFrame) or isinstance(data.index, pd.MultiIndex) or isinstance(data.columns, pd.MultiIndex):
        return altair_to_values(data)
    if isinstance(data.columns, pd.RangeIndex) or not all(isinstance(c, str) for c in data.columns):
        return altair_to_values(data)
    if data.columns.has_duplicates:
        return altair_to_values(data)
    columns = []
    for name in data.columns:
        values = _column_values(data[name])
        if values is None:
            return altair_to_values(data)
        columns.append(values)
    names = list(data.columns)
    return {
        "values": [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)] if names else [{} for _ in range(len(data))]
    }


def enable() -> None:
    """Make ``to_values`` Altair's active data transformer (idempotent)."""
    import altair as alt

    if NAME not in alt.data_transformers.names():
        alt.data_transformers.register(NAME, to_values)
    if alt.data_transformers.active != NAME:
        alt.data_transformers.enable(NAME)
