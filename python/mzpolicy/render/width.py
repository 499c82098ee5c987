"""Terminal columns of a string, from the Unicode character database
(unicodedata, in the standard library): East Asian Wide and Fullwidth
characters take two columns, combining marks and format characters none.

wcwidth does the same with more cases (emoji sequences), but its import
costs ~20-90 ms on every `mzpolicy eval`; names and labels here are CJK and
Latin text, which the database places exactly.
"""

from __future__ import annotations

import unicodedata


def char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal."""
    return sum(map(char_width, text))
