"""Terminal columns of a string (wcwidth: East Asian wide characters take two)."""

from __future__ import annotations

from wcwidth import wcswidth, wcwidth


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal; a character wcwidth cannot place (a control) counts as one."""
    width = wcswidth(text)
    return width if width >= 0 else sum(w if (w := wcwidth(ch)) >= 0 else 1 for ch in text)
