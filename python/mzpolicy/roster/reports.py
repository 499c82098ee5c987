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


class Money(str):
    """An amount as printed (400.00) that a spreadsheet gets as the number."""

    kind = "money"

    def __new__(cls, amount: Decimal) -> Money:
        self = super().__new__(cls, f"{amount:.2f}")
        self.amount = amount
        return self

    def typed(self) -> Decimal:
        return self.amount


class Rate(str):
    """A rate as printed (12.5%, — where there is nothing to divide by) that
    a spreadsheet gets as the fraction (0.125, a percentage cell)."""

    kind = "rate"

    def __new__(cls, done: int, of: int, text: str | None = None) -> Rate:
        self = super().__new__(cls, text if text is not None else (f"{100 * done / of:.1f}%" if of else "—"))
        self.fraction = done / of if of else None
        return self

    def typed(self) -> float | None:
        return self.fraction


def money(amount: Decimal) -> Money:
    return Money(amount)


def rate(done: int, of: int) -> Rate:
    return Rate(done, of)
