"""The 通报's chart of 完成率 per county: a PNG or SVG drawn by matplotlib
(linked from the markdown report), and a native xlsx chart (XlsxWriter)
over the report's own cells.

County names need a CJK font. The PNG uses the first CJK font matplotlib
finds (scripts/setup installs fonts-wqy-microhei where none is present);
the SVG keeps its text as text (svg.fonttype none), so a viewer draws the
names with its own fonts whatever this machine has.
"""

from __future__ import annotations

import os
from typing import Any

# Families tried in order for the PNG: what Debian's fonts-noto-cjk and
# fonts-wqy-microhei, macOS and Windows install.
CJK_FAMILIES = [
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
    "PingFang SC",
    "Microsoft YaHei",
    "SimHei",
]


def cjk_family() -> str | None:
    """The first CJK font family matplotlib knows, or None."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in known), None)


def rate_chart(path: str, title: str, names: list[str], rates: list[float], label: str) -> str | None:
    """A horizontal bar chart of rates (0..1) per county, highest on top,
    written to `path` (.png or .svg). Returns a warning where the PNG has no
    CJK font (its names would be boxes), else None."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    family = cjk_family()
    params: dict[str, Any] = {"svg.fonttype": "none"}
    if family:
        params["font.family"] = "sans-serif"
        params["font.sans-serif"] = [family, "DejaVu Sans"]
    order = sorted(range(len(rates)), key=lambda i: rates[i])
    with plt.rc_context(params):
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(rates) + 1.6), dpi=120)
        try:
            values = [rates[i] for i in order]
            bars = ax.barh([names[i] for i in order], values, color="#2f6db5")
            ax.bar_label(bars, labels=[f"{v:.1%}" for v in values], padding=3, fontsize=9)
            ax.xaxis.set_major_formatter(PercentFormatter(1.0))
            ax.set_xlim(0, max([1.0, *values]) * 1.12)
            ax.set_xlabel(label)
            ax.set_title(title)
            ax.spines[["top", "right"]].set_visible(False)
            fig.tight_layout()
            fig.savefig(path, format=os.path.splitext(path)[1].lstrip(".").lower() or "png")
        finally:
            plt.close(fig)
    if family is None and not path.lower().endswith(".svg"):
        return "no CJK font found: the PNG's county names show as boxes; install fonts-noto-cjk or use --chart FILE.svg"
    return None


def xlsx_rate_chart(book: Any, sheet: Any, first: int, last: int, name_col: int, rate_col: int, title: str) -> None:
    """A native bar chart of the rate column over rows first..last (0-based)
    of `sheet`, inserted beside the table."""
    chart = book.book.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": title,
            "categories": [sheet.name, first, name_col, last, name_col],
            "values": [sheet.name, first, rate_col, last, rate_col],
            "data_labels": {"value": True, "num_format": "0.0%"},
            "fill": {"color": "#2F6DB5"},
        }
    )
    chart.set_title({"name": title})
    chart.set_x_axis({"num_format": "0%", "min": 0})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": 640, "height": 36 * (last - first + 1) + 120})
    sheet.insert_chart(last + 4, 1, chart)
