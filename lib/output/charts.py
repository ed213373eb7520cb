"""Every chart of the dashboard, in Altair, with one colour per dyad.

Each function takes a table from ``lib.views.compare`` and returns an Altair
chart whose title and axis labels stand alone in a screenshot or an
exported PNG/SVG (the title names the dyad, the measure and its scale).
US–Turkey and Russia–Turkey always have the same two colours
(``DYAD_COLORS``). Charts that a page can click carry a point selection
named ``SELECT_PARAM`` on the field the page drills down by.

Arabic labels (terms, names) are plain Unicode strings: browsers' canvas
and SVG text, and vl-convert's exporter, lay out and shape Arabic
themselves, so no reshaping or reversing is done here (that would break
them). The font list puts an Arabic face beside the Latin one so the glyphs
come from a font that has them.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib.views.compare import DYAD_LABELS, FOCAL_DYADS

# --- shared look --------------------------------------------------------------------------

#: Okabe–Ito blue and vermillion: told apart with every common colour-vision
#: deficiency and in greyscale print, and never used for tone (lib.output.highlight).
DYAD_COLORS = {"us-turkey": "#0072B2", "russia-turkey": "#D55E00"}
OTHER_COLOR = "#999999"
FONT = "Noto Sans, Noto Sans Arabic, Noto Naskh Arabic, Helvetica, Arial, sans-serif"
#: Long enough for "Human rights and rule of law (Kavala, …)" without clipping
#: the shorter labels; longer ones end in "…", full text in the tooltip.
LABEL_LIMIT = 260
#: Name of the click selection on charts a page can drill down from.
SELECT_PARAM = "pick"
TONE_DOMAIN = (-1.0, 1.0)
#: Bars in a ranked chart: more are unreadable at half the page width.
MAX_BARS = 12


def dyad_scale() -> alt.Scale:
    """The colour scale keyed on the dyad's display label (US–Turkey, Russia–Turkey)."""
    return alt.Scale(domain=[DYAD_LABELS[d] for d in FOCAL_DYADS], range=[DYAD_COLORS[d] for d in FOCAL_DYADS])


def dyad_color(field: str = "dyad_label", *, legend: bool = True) -> alt.Color:
    return alt.Color(f"{field}:N", scale=dyad_scale(), title="Dyad", legend=alt.Legend(orient="top") if legend else None)


def styled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Apply the shared fonts, title and axis configuration."""
    return (
        chart.configure(font=FONT)
        .configure_title(
            fontSize=14, fontStyle="normal", subtitleFontStyle="normal", anchor="start", subtitleFontSize=11, subtitleColor="#444"
        )
        .configure_axis(
            labelFontSize=11,
            titleFontSize=12,
            labelFontStyle="normal",
            titleFontStyle="normal",
            labelLimit=LABEL_LIMIT,
            grid=True,
            gridOpacity=0.4,
        )
        .configure_legend(labelFontSize=11, titleFontSize=11)
        .configure_view(stroke=None)
    )


def _title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle or alt.Undefined)


#: Pixels a chart's title, subtitle and x axis take. Streamlit sizes charts
#: with Vega's "fit" autosize, where the height covers them as well as the
#: plot, so a chart of n bars needs this much on top of its bars.
CHROME_PX = 90


def _height(n: int, per: int = 22, minimum: int = 60) -> int:
    return CHROME_PX + max(minimum, per * n)


def _one(df: pd.DataFrame, dyad: str) -> pd.DataFrame:
    return df[df["dyad"] == dyad]


# --- articles -------------------------------------------------------------------------------


def article_bars(counts: pd.DataFrame, *, dyad: str, x_max: float | None = None) -> alt.Chart:
    """Articles of one dyad by language and source."""
    d = _one(counts, dyad).assign(group=lambda x: x["language_label"] + " · " + x["source_label"])
    n = int(d["n_articles"].sum())
    x = alt.X(
        "n_articles:Q",
        title="Articles",
        axis=alt.Axis(tickMinStep=1, format="d"),
        scale=alt.Scale(domain=[0, x_max]) if x_max else alt.Undefined,
    )
    return styled(
        alt.Chart(d, title=_title(f"{DYAD_LABELS[dyad]}: articles by language and source", f"{n} articles in all"))
        .mark_bar(color=DYAD_COLORS[dyad])
        .encode(
            y=alt.Y("group:N", title=None, sort="-x"),
            x=x,
            tooltip=[
                alt.Tooltip("language_label:N", title="Language"),
                alt.Tooltip("source_label:N", title="Source"),
                alt.Tooltip("n_articles:Q", title="Articles"),
            ],
        )
        .properties(height=_height(len(d)))
    )


# --- tone -----------------------------------------------------------------------------------


def tone_summary_chart(summary: pd.DataFrame) -> alt.LayerChart:
    """Mean sentence tone per dyad with its resampling interval (where there is one)."""
    d = summary.copy()
    d["basis"] = d["interval_note"]
    base = alt.Chart(d).encode(
        y=alt.Y("label:N", title=None, sort=[DYAD_LABELS[x] for x in FOCAL_DYADS]),
        color=alt.Color("label:N", scale=dyad_scale(), legend=None),
    )
    tooltip = [
        alt.Tooltip("label:N", title="Dyad"),
        alt.Tooltip("tone:Q", title="Mean sentence tone", format="+.2f"),
        alt.Tooltip("tone_low:Q", title="Interval low", format="+.2f"),
        alt.Tooltip("tone_high:Q", title="Interval high", format="+.2f"),
        alt.Tooltip("n_articles:Q", title="Articles"),
        alt.Tooltip("n_sentences:Q", title="Scored sentences"),
        alt.Tooltip("basis:N", title="Basis"),
    ]
    rule = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("tone_low:Q", scale=alt.Scale(domain=list(TONE_DOMAIN))), x2="tone_high:Q", tooltip=tooltip
    )
    point = base.mark_point(filled=True, size=140).encode(
        x=alt.X("tone:Q", title="Mean sentence tone (−1 = negative, +1 = positive)", scale=alt.Scale(domain=list(TONE_DOMAIN))),
        tooltip=tooltip,
    )
    label = base.mark_text(align="right", baseline="bottom", dy=-8, fontSize=11, color="#333").encode(
        x=alt.datum(TONE_DOMAIN[1]), text="basis:N"
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#888", strokeDash=[4, 3]).encode(x="x:Q")
    return styled(
        alt.layer(
            zero,
            rule,
            point,
            label,
            title=_title(
                "Mean sentence tone by dyad (−1 = negative, +1 = positive)",
                "Bars: 90 % interval from resampling articles, where there are enough",
            ),
        ).properties(height=_height(len(d), 45))
    )


def tone_histogram(bins: pd.DataFrame, *, dyad: str) -> alt.Chart:
    """Distribution of sentence tone in one dyad's coverage (from ``compare.tone_bins``)."""
    d = _one(bins, dyad)
    n = int(d["n_sentences"].sum())
    return styled(
        alt.Chart(d, title=_title(f"{DYAD_LABELS[dyad]}: tone of {n} sentences", "Sentence tone, −1 = negative, +1 = positive"))
        .mark_bar(color=DYAD_COLORS[dyad], binSpacing=1)
        .encode(
            x=alt.X("bin_start:Q", bin="binned", title="Sentence tone (−1 to +1)", scale=alt.Scale(domain=list(TONE_DOMAIN))),
            x2="bin_end:Q",
            y=alt.Y("n_sentences:Q", title="Sentences"),
            tooltip=[
                alt.Tooltip("bin_start:Q", title="Tone from", format="+.1f"),
                alt.Tooltip("bin_end:Q", title="to", format="+.1f"),
                alt.Tooltip("n_sentences:Q", title="Sentences"),
            ],
        )
        .properties(height=CHROME_PX + 110)
    )


def tone_distribution_chart(tones: pd.DataFrame) -> alt.Chart:
    """Box plots of sentence tone by dyad, one row per language (each its own method)."""
    return styled(
        alt.Chart(
            tones,
            title=_title(
                "Sentence tone by dyad and language (−1 = negative, +1 = positive)",
                "Boxes: quartiles; whiskers: 1.5 × IQR; each language is scored by its own method",
            ),
        )
        .mark_boxplot(size=22, extent=1.5)
        .encode(
            y=alt.Y("dyad_label:N", title=None, sort=[DYAD_LABELS[x] for x in FOCAL_DYADS]),
            x=alt.X("tone:Q", title="Sentence tone", scale=alt.Scale(domain=list(TONE_DOMAIN))),
            color=dyad_color(),
            row=alt.Row("language_label:N", title=None, header=alt.Header(labelFontSize=12, labelAngle=0, labelAlign="left")),
            tooltip=[
                alt.Tooltip("dyad_label:N", title="Dyad"),
                alt.Tooltip("language_label:N", title="Language"),
                alt.Tooltip("tone:Q", format="+.2f"),
            ],
        )
        .properties(height=80)
    )


def entity_tone_chart(rates: pd.DataFrame) -> alt.Chart:
    """Tone toward each entity in each dyad's coverage (dots sized by sentences)."""
    d = rates[rates["tone"].notna()]
    return styled(
        alt.Chart(
            d,
            title=_title(
                "Tone toward each entity, by dyad (mean tone of sentences naming it)",
                "Dot size: sentences behind the mean; −1 = negative, +1 = positive",
            ),
        )
        .mark_circle(opacity=0.85)
        .encode(
            y=alt.Y("name:N", title=None, sort=alt.EncodingSortField("n_mentions", op="sum", order="descending")),
            x=alt.X("tone:Q", title="Mean tone of sentences naming the entity", scale=alt.Scale(domain=list(TONE_DOMAIN))),
            color=dyad_color(),
            size=alt.Size("n_tone_sentences:Q", title="Sentences", scale=alt.Scale(range=[30, 400])),
            tooltip=[
                alt.Tooltip("name:N", title="Entity"),
                alt.Tooltip("dyad_label:N", title="Dyad"),
                alt.Tooltip("tone:Q", title="Tone", format="+.2f"),
                alt.Tooltip("n_tone_sentences:Q", title="Sentences"),
            ],
        )
        .add_params(alt.selection_point(name=SELECT_PARAM, fields=["entity_id"]))
        .properties(height=_height(d["name"].nunique(), 24))
    )


# --- entities -------------------------------------------------------------------------------


def entity_bars(rates: pd.DataFrame, *, dyad: str, x_max: float | None = None, top: int = MAX_BARS) -> alt.LayerChart:
    """One dyad's most-mentioned entities (per 1,000 words), each labelled with the tone toward it."""
    d = _one(rates, dyad)
    d = d[d["n_mentions"] > 0].nlargest(top, "per_1000_words").copy()
    d["tone_text"] = d["tone"].map(lambda t: "tone n/a" if pd.isna(t) else f"tone {t:+.2f}".replace("-", "−"))
    scale = alt.Scale(domain=[0, x_max * 1.25]) if x_max else alt.Undefined
    tooltip = [
        alt.Tooltip("name:N", title="Entity"),
        alt.Tooltip("per_1000_words:Q", title="Mentions per 1,000 words", format=".1f"),
        alt.Tooltip("n_mentions:Q", title="Mentions"),
        alt.Tooltip("share_articles:Q", title="Share of articles", format=".0%"),
        alt.Tooltip("tone:Q", title="Tone toward it", format="+.2f"),
        alt.Tooltip("n_tone_sentences:Q", title="Sentences behind the tone"),
    ]
    base = alt.Chart(d).encode(y=alt.Y("name:N", title=None, sort="-x"))
    bars = base.mark_bar(color=DYAD_COLORS[dyad]).encode(
        x=alt.X("per_1000_words:Q", title="Mentions per 1,000 words", scale=scale), tooltip=tooltip
    )
    bars = bars.add_params(alt.selection_point(name=SELECT_PARAM, fields=["entity_id"]))
    text = base.mark_text(align="left", dx=4, fontSize=10, color="#333").encode(x="per_1000_words:Q", text="tone_text:N")
    return styled(
        alt.layer(
            bars,
            text,
            title=_title(
                f"{DYAD_LABELS[dyad]}: most-mentioned entities",
                "Mentions per 1,000 words; label: mean tone of sentences naming it (−1..+1)",
            ),
        ).properties(height=_height(len(d)))
    )


def entity_compare_chart(rates: pd.DataFrame, *, top: int = MAX_BARS) -> alt.Chart:
    """Mentions per 1,000 words of each entity in both dyads, side by side."""
    keep = rates.groupby("entity_id")["per_1000_words"].max().nlargest(top).index
    d = rates[rates["entity_id"].isin(keep)]
    return styled(
        alt.Chart(d, title=_title("Entities by dyad: mentions per 1,000 words", "Click a bar for the sentences behind it"))
        .mark_bar()
        .encode(
            y=alt.Y("name:N", title=None, sort=alt.EncodingSortField("per_1000_words", op="max", order="descending")),
            yOffset=alt.YOffset("dyad_label:N", sort=[DYAD_LABELS[x] for x in FOCAL_DYADS]),
            x=alt.X("per_1000_words:Q", title="Mentions per 1,000 words"),
            color=dyad_color(),
            tooltip=[
                alt.Tooltip("name:N", title="Entity"),
                alt.Tooltip("dyad_label:N", title="Dyad"),
                alt.Tooltip("per_1000_words:Q", title="Per 1,000 words", format=".1f"),
                alt.Tooltip("n_mentions:Q", title="Mentions"),
                alt.Tooltip("share_articles:Q", title="Share of the dyad's articles", format=".0%"),
                alt.Tooltip("tone:Q", title="Tone toward it", format="+.2f"),
            ],
        )
        .add_params(alt.selection_point(name=SELECT_PARAM, fields=["entity_id"]))
        .properties(height=_height(d["entity_id"].nunique(), 34))
    )


def cooccurrence_chart(pairs: pd.DataFrame, *, top: int = MAX_BARS) -> alt.Chart:
    """Entity pairs named in the same sentence, per dyad."""
    d = pairs.assign(pair=pairs["name_a"] + " + " + pairs["name_b"])
    keep = d.groupby("pair")["n_sentences"].sum().nlargest(top).index
    d = d[d["pair"].isin(keep)]
    return styled(
        alt.Chart(d, title=_title("Entities named together: sentences naming both, by dyad"))
        .mark_bar()
        .encode(
            y=alt.Y("pair:N", title=None, sort=alt.EncodingSortField("n_sentences", op="sum", order="descending")),
            yOffset=alt.YOffset("dyad_label:N", sort=[DYAD_LABELS[x] for x in FOCAL_DYADS]),
            x=alt.X("n_sentences:Q", title="Sentences naming both", axis=alt.Axis(tickMinStep=1, format="d")),
            color=dyad_color(),
            tooltip=[
                alt.Tooltip("pair:N", title="Pair"),
                alt.Tooltip("dyad_label:N", title="Dyad"),
                alt.Tooltip("n_sentences:Q", title="Sentences"),
                alt.Tooltip("n_articles:Q", title="Articles"),
            ],
        )
        .properties(height=_height(d["pair"].nunique(), 30))
    )


# --- topics ---------------------------------------------------------------------------------


def topic_bars(shares: pd.DataFrame, *, dyad: str, x_max: float | None = None, top: int = MAX_BARS) -> alt.Chart:
    """One dyad's topics by share of its sentences."""
    d = _one(shares, dyad)
    d = d[d["n_sentences"] > 0].nlargest(top, "share")
    scale = alt.Scale(domain=[0, x_max]) if x_max else alt.Undefined
    return styled(
        alt.Chart(
            d, title=_title(f"{DYAD_LABELS[dyad]}: topics", "Share of the dyad's sentences on each topic (a sentence can have several)")
        )
        .mark_bar(color=DYAD_COLORS[dyad])
        .encode(
            y=alt.Y("short_label:N", title=None, sort="-x"),
            x=alt.X("share:Q", title="Share of sentences", axis=alt.Axis(format="%"), scale=scale),
            tooltip=[
                alt.Tooltip("label:N", title="Topic"),
                alt.Tooltip("share:Q", title="Share of sentences", format=".0%"),
                alt.Tooltip("n_sentences:Q", title="Sentences"),
                alt.Tooltip("n_articles:Q", title="Articles"),
            ],
        )
        .add_params(alt.selection_point(name=SELECT_PARAM, fields=["topic_id"]))
        .properties(height=_height(len(d)))
    )


def topic_compare_chart(shares: pd.DataFrame) -> alt.Chart:
    """Topic shares of both dyads side by side."""
    keep = shares.groupby("topic_id")["share"].max()
    d = shares[shares["topic_id"].isin(keep[keep > 0].index)]
    return styled(
        alt.Chart(
            d, title=_title("Topics by dyad: share of sentences", "A sentence can have several topics; click a bar for its sentences")
        )
        .mark_bar()
        .encode(
            y=alt.Y("short_label:N", title=None, sort=alt.EncodingSortField("share", op="max", order="descending")),
            yOffset=alt.YOffset("dyad_label:N", sort=[DYAD_LABELS[x] for x in FOCAL_DYADS]),
            x=alt.X("share:Q", title="Share of the dyad's sentences", axis=alt.Axis(format="%")),
            color=dyad_color(),
            tooltip=[
                alt.Tooltip("label:N", title="Topic"),
                alt.Tooltip("dyad_label:N", title="Dyad"),
                alt.Tooltip("share:Q", title="Share of sentences", format=".0%"),
                alt.Tooltip("n_sentences:Q", title="Sentences"),
                alt.Tooltip("n_articles:Q", title="Articles"),
            ],
        )
        .add_params(alt.selection_point(name=SELECT_PARAM, fields=["topic_id"]))
        .properties(height=_height(d["topic_id"].nunique(), 34))
    )


# --- who speaks -----------------------------------------------------------------------------


def speaker_bars(speakers: pd.DataFrame, *, dyad: str, by: str = "speaker", x_max: float | None = None, top: int = 8) -> alt.Chart:
    """One dyad's quotes by speaker (or the speaker's country)."""
    d = _one(speakers, dyad).nlargest(top, "n_quotes")
    n = int(_one(speakers, dyad)["n_quotes"].sum())
    what = "speaker" if by == "speaker" else "speaker's country"
    scale = alt.Scale(domain=[0, x_max]) if x_max else alt.Undefined
    return styled(
        alt.Chart(d, title=_title(f"{DYAD_LABELS[dyad]}: quotes by {what}", f"{n} quotes in all; anonymous sources counted"))
        .mark_bar(color=DYAD_COLORS[dyad])
        .encode(
            y=alt.Y("group_label:N", title=None, sort="-x"),
            x=alt.X("n_quotes:Q", title="Quotes", axis=alt.Axis(tickMinStep=1, format="d"), scale=scale),
            tooltip=[
                alt.Tooltip("group_label:N", title=what.capitalize()),
                alt.Tooltip("n_quotes:Q", title="Quotes"),
                alt.Tooltip("share:Q", title="Share of the dyad's quotes", format=".0%"),
                alt.Tooltip("n_anonymous:Q", title="Of them anonymous"),
                alt.Tooltip("n_articles:Q", title="Articles"),
            ],
        )
        .properties(height=_height(len(d)))
    )


# --- distinguishing terms -------------------------------------------------------------------


def term_bars(terms: pd.DataFrame, *, dyad: str, top: int = 10) -> alt.Chart:
    """The terms that most distinguish one dyad's coverage (largest z for it)."""
    sign = 1 if dyad == FOCAL_DYADS[0] else -1
    d = terms[terms["favours"] == dyad].assign(z_for=lambda x: x["z"] * sign).nlargest(top, "z_for")
    lang = d["language"].iloc[0] if len(d) else ""
    lang_label = {"en": "English", "ar": "Arabic"}.get(lang, lang)
    return styled(
        alt.Chart(
            d,
            title=_title(
                f"{DYAD_LABELS[dyad]}: most distinctive {lang_label} terms",
                "z of the log-odds ratio (Monroe et al. 2008); pale: |z| < 1.96",
            ),
        )
        .mark_bar(color=DYAD_COLORS[dyad])
        .encode(
            y=alt.Y("term:N", title=None, sort="-x"),
            x=alt.X("z_for:Q", title="z-score (log-odds, informative prior)"),
            opacity=alt.condition("datum.z_for >= 1.96", alt.value(1.0), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("term:N", title="Term"),
                alt.Tooltip("z:Q", title="z (+ = US–Turkey)", format="+.2f"),
                alt.Tooltip("count_a:Q", title="Count, US–Turkey"),
                alt.Tooltip("count_b:Q", title="Count, Russia–Turkey"),
            ],
        )
        .properties(height=_height(len(d)))
    )


def scattertext_chart(terms: pd.DataFrame, *, n_labels: int = 12) -> alt.LayerChart:
    """Terms placed by their rate in each dyad (Scattertext-style), the strongest labelled.

    x: rate per 1,000 terms in US–Turkey coverage, y: in Russia–Turkey
    coverage (square-root scales, so rare terms spread out). Terms above the
    diagonal lean Russia–Turkey, below it US–Turkey; colour is the dyad the
    z-score favours, opacity its strength.
    """
    d = terms.copy()
    d["abs_z"] = d["z"].abs()
    d["rank"] = d.groupby("favours")["abs_z"].rank(ascending=False, method="first")
    d["label"] = d["term"].where(d["rank"] <= n_labels / 2, "")
    lang = {"en": "English", "ar": "Arabic"}.get(d["language"].iloc[0], "") if len(d) else ""
    top = float(max(d["per_1000_a"].max(), d["per_1000_b"].max(), 1.0)) if len(d) else 1.0
    sx = alt.Scale(type="sqrt", domain=[0, top])
    color = alt.Color("favours_label:N", scale=dyad_scale(), title="Leans towards", legend=alt.Legend(orient="top"))
    tooltip = [
        alt.Tooltip("term:N", title="Term"),
        alt.Tooltip("count_a:Q", title="Count, US–Turkey"),
        alt.Tooltip("count_b:Q", title="Count, Russia–Turkey"),
        alt.Tooltip("per_1000_a:Q", title="Per 1,000 terms, US–Turkey", format=".1f"),
        alt.Tooltip("per_1000_b:Q", title="Per 1,000 terms, Russia–Turkey", format=".1f"),
        alt.Tooltip("z:Q", title="z (+ = US–Turkey)", format="+.2f"),
    ]
    base = alt.Chart(d).encode(
        x=alt.X("per_1000_a:Q", title="Rate in US–Turkey coverage (per 1,000 terms, √ scale)", scale=sx),
        y=alt.Y("per_1000_b:Q", title="Rate in Russia–Turkey coverage (per 1,000 terms, √ scale)", scale=sx),
    )
    points = base.mark_circle(size=45).encode(
        color=color, opacity=alt.Opacity("abs_z:Q", scale=alt.Scale(domain=[0, 2.5], range=[0.25, 1.0]), legend=None), tooltip=tooltip
    )
    points = points.add_params(alt.selection_point(name=SELECT_PARAM, fields=["term"]))
    labels = base.mark_text(align="left", dx=5, dy=-4, fontSize=11).encode(
        text="label:N", color=alt.Color("favours_label:N", scale=dyad_scale(), legend=None)
    )
    diag = alt.Chart(pd.DataFrame({"a": [0.0, top], "b": [0.0, top]})).mark_line(color="#aaa", strokeDash=[4, 3]).encode(x="a:Q", y="b:Q")
    return styled(
        alt.layer(
            diag,
            points,
            labels,
            title=_title(
                f"Distinguishing {lang} terms: rate in each dyad's coverage",
                "Labelled: strongest log-odds z-scores (Monroe et al. 2008); dashed line: equal rates",
            ),
        ).properties(height=CHROME_PX + 420)
    )
