"""Presentation: a decision (decision), a comparison of years (diff), the
roster reports' tables (table) and terminal widths (width). Every fact comes
from the decisions OPA made; these modules choose labels and layout."""

from __future__ import annotations

from .decision import as_json, markdown, render, text

__all__ = ["as_json", "markdown", "render", "text"]
