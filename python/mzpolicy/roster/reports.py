"""What the roster reports count and name, apart from the command line:
display names of codes (data.mz.reference), amounts and rates as printed."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

import yaml

from ..paths import POLICIES


@cache
def reference() -> dict[str, Any]:
    """Display names (data.mz.reference): counties and identities."""
    return yaml.safe_load((POLICIES / "mz" / "reference" / "data.yaml").read_text(encoding="utf-8"))


def region_name(code: str | None, lang: str) -> str:
    if not code:
        return "—"
    entry = reference()["regions"].get(code)
    return entry[lang] if entry else "—"


def identity_names(codes: list[str], lang: str) -> str:
    names = reference()["identities"]
    sep = "、" if lang == "zh" else ", "
    return sep.join(names[c][lang] if c in names else c for c in codes)


def money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def rate(done: int, of: int) -> str:
    return f"{100 * done / of:.1f}%" if of else "—"
