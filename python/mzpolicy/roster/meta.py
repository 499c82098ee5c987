"""What decided a batch output: the sidecar FILE.meta.json that `mzpolicy
batch --out FILE` writes when FILE is complete (issue 14 point 6), and its
check by `mzpolicy report`, which reads batch output instead of deciding the
roster again.

A sidecar, not a first line: CONTRACT §4 makes every line of the JSONL a row
(`{"row": n, "decision"|"error": ...}`), and a machine reading it line by line
must not meet a line of another shape. The sidecar is written after FILE is
renamed into place, so a FILE.meta.json says "complete"; FILE.partial (a run
that stopped) never has one, and an older FILE.meta.json is replaced or
removed before the new FILE appears.

    {"format": "mzpolicy-batch", "version": 1, "complete": true,
     "output": "decisions.jsonl", "output_format": "jsonl",
     "rows": 17, "errors": 2, "first_row": 1, "sha256": "…", "bytes": 12345,
     "policy_years": [2025], "documents": ["梅市医保〔2024〕3号"],
     "as_of": "2024-11-20" | null, "as_of_range": ["2024-10-10", "2024-11-20"],
     "bundle_revision": "sha256:…" | "<manifest revision>" | null,
     "roster": "county.csv", "written_at": "2024-11-20T10:00:00+08:00",
     "reference": {"regions": {…}, "assistance_sources": {…}},
     "list_owners": [{"code": …, "source": …}, …]}

`bundle_revision` is the served bundle's manifest revision where OPA is
given a built bundle; for the embedded OPA over the checkout's policies/ it
is a digest of the bundle's files (policies/ less its tests); for a remote
--opa-url it is null (not known). `reference` and `list_owners` are what
the report names counties and subsidy sources by, and orders the sources
by: asked of the OPA that decided the rows (data.mz.reference; the first
policy year's list_owners), so that a report of the output names them as
that OPA does without asking one again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from typing import Any

from .. import entrypoints
from ..paths import POLICIES
from .io import RosterFormatError

SUFFIX = ".meta.json"
FORMAT = "mzpolicy-batch"
VERSION = 1
# The reference tables a report of batch output names codes by.
REFERENCE_TABLES = ("regions", "assistance_sources")
NAMES_KEYS = ("reference", "list_owners")


class MetaError(RosterFormatError):
    """The batch output cannot be reported on (exit 2): incomplete, of another year, not batch output."""


def sidecar(path: str) -> str:
    return path + SUFFIX


def bundle_digest(root: Any = POLICIES) -> str:
    """A digest of the bundle's files (what the embedded OPA loads)."""
    h = hashlib.sha256()
    for folder, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files):
            if name.endswith("_test.rego"):
                continue
            full = os.path.join(folder, name)
            h.update(os.path.relpath(full, root).encode() + b"\0")
            with open(full, "rb") as f:
                h.update(f.read())
            h.update(b"\0")
    return "sha256:" + h.hexdigest()


def manifest_revision(root: Any = POLICIES) -> str | None:
    with contextlib.suppress(OSError, ValueError):
        with open(os.path.join(root, ".manifest"), encoding="utf-8") as f:
            revision = json.load(f).get("revision")
        return revision or None
    return None


class Provenance:
    """Collects, while batch writes, what decided the rows; writes the sidecar."""

    def __init__(self, job: Any, fmt: str):
        self.job = job
        self.fmt = fmt
        self.years: set[int] = set()
        self.documents: set[str] = set()
        self.dates: set[str] = set()
        self.first_row: int | None = None

    def add(self, row: Any, decision: Any) -> None:
        if self.first_row is None and row.n is not None:
            self.first_row = row.n
        if isinstance(decision, dict):
            if isinstance(decision.get("policy_year"), int):
                self.years.add(decision["policy_year"])
            if isinstance(decision.get("document"), str):
                self.documents.add(decision["document"])
            if isinstance(decision.get("as_of"), str):
                self.dates.add(decision["as_of"])

    def revision(self) -> str | None:
        if self.job.opa_url:
            return None
        return manifest_revision() or bundle_digest()

    def names(self) -> dict[str, Any]:
        """What names the codes, asked of the OPA that decided (still open)."""
        reference = self.job.query(entrypoints.REFERENCE) or {}
        year = min(self.years) if self.years else None
        listed = self.job.query(f"{entrypoints.YEARS}/{year}/list_owners/list") if year is not None else None
        return {
            "reference": {table: reference.get(table) or {} for table in REFERENCE_TABLES},
            "list_owners": listed if isinstance(listed, list) else [],
        }

    def write(self, out: str, rows: int, errors: int, first_row: int | None = None, resumed: bool = False) -> None:
        """After FILE is complete: FILE.meta.json, itself written whole. A
        resumed FILE's earlier rows were decided by an earlier run: their
        years and dates are read back from FILE (JSONL)."""
        if first_row is not None:
            self.first_row = first_row
        if resumed and self.fmt == "jsonl":
            with open(out, encoding="utf-8", errors="replace") as f:
                for line in f:
                    with contextlib.suppress(ValueError, AttributeError):
                        self.add(_Numbered(), json.loads(line).get("decision"))
        h = hashlib.sha256()
        size = 0
        with open(out, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
                size += len(block)
        document = {
            "format": FORMAT,
            "version": VERSION,
            "complete": True,
            "output": os.path.basename(out),
            "output_format": self.fmt,
            "rows": rows,
            "errors": errors,
            "first_row": self.first_row,
            "sha256": h.hexdigest(),
            "bytes": size,
            "policy_years": sorted(self.years),
            "documents": sorted(self.documents),
            "as_of": self.job.as_of,
            "as_of_range": [min(self.dates), max(self.dates)] if self.dates else None,
            "bundle_revision": self.revision(),
            "roster": None if self.job.path == "-" else os.path.basename(self.job.path),
            "written_at": dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).isoformat(timespec="seconds"),
            **self.names(),
        }
        target = sidecar(out)
        temporary = target + ".tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(document, f, ensure_ascii=False, indent=1)
            f.write("\n")
        os.replace(temporary, target)


class _Numbered:
    n = None


def forget(out: str) -> None:
    """Before a new FILE replaces an old one: its old sidecar goes."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(sidecar(out))


def is_batch_output(path: str) -> bool:
    """Whether a file is `mzpolicy batch` JSONL (its first line a row), or has a sidecar."""
    if path == "-":
        return False
    if os.path.exists(sidecar(path)):
        return True
    with contextlib.suppress(OSError), open(path, "rb") as f:
        return f.read(8) == b'{"row": '
    return False


def check(path: str, policy_year: int | None) -> dict[str, Any]:
    """The sidecar of a batch output, checked: complete, this file's (its
    digest), JSONL, one policy year (the one asked, where --year is given)."""
    if path.endswith(".partial"):
        raise MetaError(
            f"{path} is the partial output of a batch that did not finish: finish it (batch --resume) first"
        )
    try:
        with open(sidecar(path), encoding="utf-8") as f:
            document = json.load(f)
    except FileNotFoundError:
        raise MetaError(
            f"{path} has no {os.path.basename(sidecar(path))}: its completeness is not known. Write batch output"
            " with --out FILE (the sidecar says what decided it), or give the roster itself"
        ) from None
    except (OSError, ValueError) as exc:
        raise MetaError(f"{sidecar(path)} cannot be read: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise MetaError(f"{sidecar(path)} is not the sidecar mzpolicy batch writes")
    if document.get("complete") is not True:
        raise MetaError(f"{path} is incomplete (its sidecar says so): finish the batch first")
    if document.get("output_format") != "jsonl":
        raise MetaError(f"{path} is batch {document.get('output_format')} output; a report reads batch JSONL")
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    if h.hexdigest() != document.get("sha256"):
        raise MetaError(
            f"{path} is not the file its sidecar describes (changed or cut since batch wrote it): run batch again"
        )
    years = document.get("policy_years") or []
    if policy_year is not None and years and years != [policy_year]:
        raise MetaError(
            f"{path} holds decisions of policy year {', '.join(map(str, years))}, not {policy_year} as --year asks"
        )
    if len(years) > 1:
        raise MetaError(
            f"{path} holds decisions of several policy years ({', '.join(map(str, years))}); a report is of one:"
            " decide the roster with --year"
        )
    return document
