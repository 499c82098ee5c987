"""Counts over decided roster rows, from the decisions only: the summary
`mzpolicy batch` prints on standard error."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from .engine import Row


def yuan(amount: Any) -> Decimal:
    return Decimal(str(amount)) if isinstance(amount, int | float) and not isinstance(amount, bool) else Decimal(0)


class Tally:
    """Counts over decided rows, from the decisions only."""

    def __init__(self) -> None:
        self.rows = 0
        self.eligible = 0
        self.ineligible = 0
        self.errors = 0
        self.error_codes: Counter[str] = Counter()
        self.error_fields: Counter[str] = Counter()
        self.individual_due = Decimal(0)
        self.amount_due = Decimal(0)
        self.accepted = 0
        self.accepted_amount = Decimal(0)
        self.assistance: dict[str, list[Any]] = {}

    def add(self, row: Row, decision: dict[str, Any] | None) -> None:
        self.rows += 1
        if row.error is not None or decision is None:
            self.errors += 1
            error = row.error or {}
            self.error_codes[error.get("code") or "error"] += 1
            self.error_fields[error.get("field", "(row)")] += 1
            return
        if not decision.get("eligible"):
            self.ineligible += 1
        else:
            self.eligible += 1
            self.individual_due += yuan(decision["contribution"].get("individual_due"))
            assistance = decision["contribution"].get("assistance")
            if assistance:
                count_amount = self.assistance.setdefault(assistance["source"], [0, Decimal(0)])
                count_amount[0] += 1
                count_amount[1] += yuan(assistance.get("amount"))
        self.amount_due += yuan(decision["payment"].get("amount_due"))
        if decision["payment"].get("accepted") is True:
            self.accepted += 1
            payment = (row.resident or {}).get("payment") or {}
            self.accepted_amount += yuan(payment.get("amount"))

    def lines(self, elapsed: float) -> list[str]:
        decided = self.eligible + self.ineligible
        lines = [
            f"rows {self.rows}: decisions {decided} (eligible {self.eligible}, ineligible {self.ineligible}), "
            f"errors {self.errors}",
            f"individual share due for the year (individual_due, eligible rows): {_fmtyuan(self.individual_due)}",
            f"payable on as_of (payment.amount_due): {_fmtyuan(self.amount_due)}",
            f"payments on record accepted: {self.accepted}, {_fmtyuan(self.accepted_amount)}",
        ]
        if self.assistance:
            parts = [
                f"{source} {count} persons {_fmtyuan(amount)}"
                for source, (count, amount) in sorted(self.assistance.items())
            ]
            lines.append("full subsidy by source (contribution.assistance): " + "; ".join(parts))
        else:
            lines.append("full subsidy by source (contribution.assistance): none")
        if self.errors:
            lines.append("errors by kind: " + ", ".join(f"{c} {n}" for c, n in self.error_codes.most_common()))
            lines.append("errors by field: " + ", ".join(f"{f} {n}" for f, n in self.error_fields.most_common(8)))
        if elapsed > 0:
            lines.append(f"{self.rows} rows in {elapsed:.1f} s ({self.rows / elapsed:.0f} rows/s)")
        return lines


def _fmtyuan(amount: Decimal) -> str:
    return f"{amount:,.2f} yuan"
