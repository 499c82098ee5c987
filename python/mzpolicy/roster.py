"""Roster commands (`mzpolicy batch`, `mzpolicy report ...`): issue #5."""

from __future__ import annotations
