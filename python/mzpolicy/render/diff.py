"""A comparison of years (mzpolicy.diff.compare) as text, markdown or JSON."""

from __future__ import annotations

import json
from typing import Any

from .decision import as_json


def render(result: dict[str, Any], fmt: str, lang: str) -> str:
    if fmt == "json":
        return as_json(result)
    if fmt == "markdown":
        return render_markdown(result, lang)
    return render_text(result, lang)


def render_text(result: dict[str, Any], lang: str) -> str:
    years = [str(y) for y in result["years"]]
    zh = lang == "zh"
    lines = [("同一居民在不同医保年度规则下的比较" if zh else "One resident under each year's rules"), ""]
    for y in years:
        lines.append(f"  {y}: {result['documents'][y]}, as_of {result['as_of'][y]}")
    lines.append("")
    if not result["differences"]:
        lines.append("无差别。" if zh else "No differences.")
    for d in result["differences"]:
        values = "  |  ".join(f"{y}: {_show(d['values'][y])}" for y in years)
        lines.append(f"{d['field']}:  {values}")
        for y in years:
            clauses = _in_order(c["clause"] for c in d["clauses"][y])
            lines.append(f"    {y} {'依据' if zh else 'rests on'}: {', '.join(clauses) or '-'}")
    return "\n".join(lines) + "\n"


def render_markdown(result: dict[str, Any], lang: str) -> str:
    years = [str(y) for y in result["years"]]
    head = "| field | " + " | ".join(f"{y} ({result['documents'][y]})" for y in years) + " |"
    lines = [head, "|---|" + "---|" * len(years)]
    for d in result["differences"]:
        cells = []
        for y in years:
            clauses = ", ".join(_in_order(c["clause"] for c in d["clauses"][y])) or "-"
            cells.append(f"{_show(d['values'][y])} ({clauses})")
        lines.append(f"| `{d['field']}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _in_order(clauses: Any) -> list[str]:
    """Each clause once, in the trail's (the notice's section) order."""
    return list(dict.fromkeys(clauses))


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
