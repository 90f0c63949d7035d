"""A chart's title and axis name a currency only when it plots money.

Found by a fresh tester (stop 26): in a store with one currency, every chart of a table
holding any money column was labelled with it: "Win rate by owner (USD)" with a y axis
"Win rate (USD)" (a percent), "Lost reasons (USD)" counting deals. The table's title
still names its currency; a chart of amounts still says it."""

from __future__ import annotations

from cims_xl.reports.compute import PIPELINE, build_report
from cims_xl.reports.model import MONEY

from test_pipeline import NOW, opportunity_frames


def test_only_charts_of_money_carry_the_currency():
    frames = opportunity_frames()
    frames["opportunity"]["currency"] = "USD"
    rep = build_report(PIPELINE, frames, include_personal=True, as_of=NOW, currency="USD")
    checked = 0
    for t in rep.tables:
        if t.chart is None or "(USD)" not in t.title:
            continue
        money = any(t.formats.get(c) == MONEY for c in t.chart.series)
        assert ("(USD)" in (t.chart.y_title or "")) == money, (t.name, t.chart.y_title, t.chart.series)
        assert ("(USD)" in t.chart.title) == money, (t.name, t.chart.title)
        checked += 1
    assert checked >= 2
    stage = rep.table("tblPipelineByStage")
    assert "(USD)" in stage.chart.y_title
    lost = rep.table("tblLostReasons")
    assert lost.chart is not None and "(USD)" not in (lost.chart.y_title or "") and "(USD)" in lost.title
