"""Counts over decided roster rows, from the decisions only: the summary
`mzpolicy batch` prints on standard error."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from ..wording import say
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

    def lines(self, elapsed: float, lang: str = "en", reference: dict[str, Any] | None = None) -> list[str]:
        """The closing summary, in Chinese (lang zh, the CLI's default as for
        eval) or English, from the wording table; `reference` (data.mz.reference,
        asked of the OPA that decided) names the subsidy sources in Chinese."""
        names = (reference or {}).get("assistance_sources") or {}

        def money(amount: Decimal) -> str:
            return say("yuan", lang, amount=f"{amount:,.2f}")

        def counts(counter: Any, most: int | None = None) -> str:
            items = [say("summary_count", lang, what=what, n=n) for what, n in counter.most_common(most)]
            return say("summary_list", lang).join(items)

        lines = [
            say(
                "summary_rows",
                lang,
                rows=self.rows,
                decided=self.eligible + self.ineligible,
                eligible=self.eligible,
                ineligible=self.ineligible,
                errors=self.errors,
            ),
            say("summary_individual_due", lang, amount=money(self.individual_due)),
            say("summary_amount_due", lang, amount=money(self.amount_due)),
            say("summary_accepted", lang, count=self.accepted, amount=money(self.accepted_amount)),
        ]
        parts = [
            say(
                "summary_assistance_part",
                lang,
                source=names.get(source, {}).get("zh", source) if lang == "zh" else source,
                count=count,
                amount=money(amount),
            )
            for source, (count, amount) in sorted(self.assistance.items())
        ]
        joined = say("summary_parts", lang).join(parts) if parts else say("summary_none", lang)
        lines.append(say("summary_assistance", lang, parts=joined))
        if self.errors:
            lines.append(say("summary_errors_by_kind", lang, counts=counts(self.error_codes)))
            lines.append(say("summary_errors_by_field", lang, counts=counts(self.error_fields, 8)))
        if elapsed > 0:
            lines.append(
                say("summary_speed", lang, rows=self.rows, seconds=f"{elapsed:.1f}", rate=f"{self.rows / elapsed:.0f}")
            )
        return lines
