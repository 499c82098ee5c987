"""`mzpolicy test`: run golden case files against the policy (OpenFisca's
`openfisca test` shape), for policy officers: each failing case with what
was expected and what the policy decided, then a summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from . import options
from .errors import EXIT_ROW_ERRORS, BadInput, opa_failures
from .signals import ended_by_signals

WORDS = {
    "zh": {
        "summary": "{total} 个用例：{passed} 个通过，{failed} 个未通过",
        "expected": "应为",
        "actual": "实际",
        "bad_input": "记录有误",
    },
    "en": {
        "summary": "{total} cases: {passed} passed, {failed} failed",
        "expected": "expected",
        "actual": "actual",
        "bad_input": "the record is not valid",
    },
}


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@click.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@options.lang("Language of the summary.")
@click.option("-v", "--verbose", is_flag=True, help="Also list the cases that pass.")
@options.opa_url()
def test_command(paths: tuple[Path, ...], lang: str, verbose: bool, opa_url: str | None) -> None:
    """Run the golden cases in PATHS (YAML files, or folders of them).

    Each case (the format: python/mzpolicy/golden.py; name, as_of, record
    or record_file, expect, trail) is decided by the embedded OPA (or
    --opa-url) and compared: a failing case prints each expectation with the
    value the policy gave. Exit codes: 0 every case passes; 1 some fail; 2 a
    case file cannot be run (unreadable, or a case missing what it needs);
    3 OPA could not be reached.
    """
    from .. import golden
    from ..opa.client import connect
    from ..opa.server import embedded_unless
    from ..records import InputError

    W = WORDS[lang]
    try:
        cases = [case for path in golden.case_files(list(paths)) for case in golden.load_cases(path)]
        requests = [golden.request_of(case) for case in cases]
    except golden.CaseFileError as exc:
        raise BadInput(str(exc)) from None
    except InputError as exc:
        raise BadInput(exc.one_line()) from None
    failed = 0
    with (
        ended_by_signals(),
        opa_failures(),
        embedded_unless(opa_url) as server,
        connect(opa_url, token=options.opa_token(), server=server) as client,
    ):
        for case, request in zip(cases, requests, strict=True):
            found = golden.mismatches(client.decide(request), case.spec)
            if not found:
                if verbose:
                    click.echo(f"PASS  {case.id}")
                continue
            failed += 1
            click.echo(f"FAIL  {case.id}")
            for m in found:
                click.echo(f"      {m.what}: {W['expected']} {_shown(m.expected)}, {W['actual']} {_shown(m.actual)}")
    total = len(cases)
    click.echo(W["summary"].format(total=total, passed=total - failed, failed=failed))
    if failed:
        raise SystemExit(EXIT_ROW_ERRORS)
