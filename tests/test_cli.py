"""The CLI's contract (CONTRACT §4) as a process: exit codes and streams.

0 a decision (eligible or not); 2 bad input, one stderr line naming the field
and the problem, nothing on stdout; 3 OPA unreachable. The session's OPA is
used through --opa-url, except where the embedded default is the point.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from conftest import CLI, ROOT
from conftest import run_cli as _run_cli
from mzpolicy.records import MAX_DOCUMENT_BYTES, check_digit

AS_OF = "2024-10-10"  # in the 2025 collection window


def id_number(region: str = "441402", birth: str = "19900101", sequence: str = "123") -> str:
    first17 = region + birth + sequence
    return first17 + check_digit(first17)


ADULT = {
    "name": "张三",
    "id_type": "resident_id",
    "id_number": id_number(),
    "hukou_region": "441402",
    "residence_region": "441402",
    "enrolled_years": [2023, 2024],
}


def write(tmp_path: Path, content: str | dict | list, name: str = "record.yaml") -> str:
    path = tmp_path / name
    text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The CLI in English unless --lang says otherwise: the messages checked
    here are the English ones (the Chinese, from the same table: test_counter.py)."""
    return _run_cli(*args, stdin=stdin, env={"MZPOLICY_LANG": "en", **(env or {})})


def with_(**changes: object) -> dict:
    return {**ADULT, **changes}


def eval_(opa_url: str, record: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return run_cli("eval", record, "--opa-url", opa_url, *args, stdin=stdin)


def assert_refused(result: subprocess.CompletedProcess, field: str, *words: str) -> str:
    """Exit 2, nothing on stdout, one stderr line naming the field and the problem."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert f"{field}:" in line, line
    for word in words:
        assert word in line, line
    return line


@pytest.fixture(scope="module")
def loaded_years(client) -> list[int]:
    years = client.loaded_years()
    assert years, "the session's OPA has no policy year loaded"
    return years


# -- 0: a decision -------------------------------------------------------------------------------------------------


def test_eligible_resident_exits_0(tmp_path, opa_url):
    result = eval_(opa_url, write(tmp_path, ADULT), "--as-of", AS_OF, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout)["eligible"] is True


def test_ineligible_resident_exits_0(tmp_path, opa_url):
    record = with_(employee_insurance=True)  # covered by 职工医保 on as_of
    result = eval_(opa_url, write(tmp_path, record), "--as-of", AS_OF, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    decision = json.loads(result.stdout)
    assert decision["eligible"] is False
    assert decision["payment"]["status"] == "not_applicable"


# -- 2: bad input, one line naming the field ------------------------------------------------------------------------


def test_wrong_check_digit(tmp_path, opa_url):
    good = id_number()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    result = eval_(opa_url, write(tmp_path, with_(id_number=wrong)), "--as-of", AS_OF)
    assert_refused(result, "resident.id_number", "check digit", good[17])


@pytest.mark.parametrize(
    "line",
    ["birth_date: 2025-02-30", 'birth_date: "2025-02-30"'],
    ids=["unquoted", "quoted"],
)
def test_impossible_birth_date(tmp_path, opa_url, line):
    # Unquoted, YAML would read 2025-02-30 as a timestamp and fail to build it.
    text = f'id_type: hmt_travel_permit\nid_number: "H12345678"\n{line}\n'
    result = eval_(opa_url, write(tmp_path, text), "--as-of", "2025-10-10")
    assert_refused(result, "resident.birth_date", "2025-02-30")


def test_impossible_event_date(tmp_path, opa_url):
    text = yaml.safe_dump(ADULT, allow_unicode=True) + "events:\n  death: 2025-02-30\n"
    result = eval_(opa_url, write(tmp_path, text), "--as-of", AS_OF)
    assert_refused(result, "resident.events.death", "2025-02-30")


def test_impossible_birth_date_in_id_number(tmp_path, opa_url):
    result = eval_(opa_url, write(tmp_path, with_(id_number=id_number(birth="19901301"))), "--as-of", AS_OF)
    assert_refused(result, "resident.id_number", "19901301")


def test_birth_date_disagrees_with_id_number(tmp_path, opa_url):
    result = eval_(opa_url, write(tmp_path, with_(birth_date="1990-01-02")), "--as-of", AS_OF)
    assert_refused(result, "resident.birth_date", "1990-01-02", "1990-01-01")


def test_unknown_identity_code(tmp_path, opa_url):
    result = eval_(opa_url, write(tmp_path, with_(identities=["orphan", "orphn"])), "--as-of", AS_OF)
    assert_refused(result, "resident.identities[1]", "orphn")


@pytest.mark.parametrize("code", ["44140", "4414020", "44140a", "441402\n"])
def test_region_code_not_six_digits(tmp_path, opa_url, code):
    result = eval_(opa_url, write(tmp_path, with_(hukou_region=code)), "--as-of", AS_OF)
    assert_refused(result, "resident.hukou_region", "6-digit")


def test_region_code_as_a_number(tmp_path, opa_url):
    text = yaml.safe_dump(ADULT, allow_unicode=True).replace("hukou_region: '441402'", "hukou_region: 441402")
    assert "hukou_region: 441402\n" in text
    result = eval_(opa_url, write(tmp_path, text), "--as-of", AS_OF)
    assert_refused(result, "resident.hukou_region", "string")


@pytest.mark.parametrize("field", ["hukou_region", "residence_region", "residence_permit_region", "identity_region"])
def test_retired_meizhou_code(tmp_path, opa_url, field):
    # 441421 梅县 became 441403 梅县区: a code of Meizhou must be a current one.
    result = eval_(opa_url, write(tmp_path, with_(**{field: "441421"})), "--as-of", AS_OF)
    assert_refused(result, f"resident.{field}", "441421")


def test_retired_code_in_the_id_number_is_fine(tmp_path, opa_url):
    # The number's region prefix is not compared with anything (CONTRACT §2).
    result = eval_(opa_url, write(tmp_path, with_(id_number=id_number(region="441421"))), "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr


def test_wrong_type(tmp_path, opa_url):
    result = eval_(opa_url, write(tmp_path, with_(employed="yes")), "--as-of", AS_OF)
    assert_refused(result, "resident.employed", "'yes'", "boolean")


def test_misspelt_event_is_an_unknown_key(tmp_path, opa_url):
    result = eval_(opa_url, write(tmp_path, with_(events={"deth": "2025-03-01"})), "--as-of", AS_OF)
    assert_refused(result, "resident.events.deth", "not a known field")


def test_misspelt_field_is_an_unknown_key(tmp_path, opa_url):
    result = eval_(opa_url, write(tmp_path, with_(hukou_regoin="441402")), "--as-of", AS_OF)
    assert_refused(result, "resident.hukou_regoin", "not a known field")


def test_json_number_in_exponent_form_is_a_number(tmp_path, opa_url):
    # Valid JSON (4e2 is 400): PyYAML alone would read it as the string '4e2'.
    record = with_(payment={"date": "2024-10-01", "amount": 1})
    text = json.dumps(record, ensure_ascii=False).replace('"amount": 1', '"amount": 4e2')
    result = eval_(opa_url, write(tmp_path, text, "record.json"), "--as-of", AS_OF, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["payment"]["accepted"] is True


@pytest.mark.parametrize("text", ["", "\n\n  \n"], ids=["empty", "blank"])
def test_empty_file(tmp_path, opa_url, text):
    result = eval_(opa_url, write(tmp_path, text), "--as-of", AS_OF)
    assert_refused(result, "(file)", "empty")


def test_empty_stdin(opa_url):
    result = eval_(opa_url, "-", "--as-of", AS_OF, stdin="")
    assert_refused(result, "(file)", "standard input", "empty")


@pytest.mark.parametrize(
    "text",
    ["id_type: [resident_id\n: : x\n", '{"id_type": "resident_id",', "a: b\n c: d\n\t- e\n", "key: !!int abc\n"],
    ids=["yaml-syntax", "json-truncated", "bad-indent", "bad-tag"],
)
def test_file_that_is_not_yaml(tmp_path, opa_url, text):
    result = eval_(opa_url, write(tmp_path, text), "--as-of", AS_OF)
    assert_refused(result, "(file)", "not YAML")


def test_file_that_is_not_utf8(tmp_path, opa_url):
    path = tmp_path / "record.yaml"
    path.write_bytes(b"name: \xff\xfe\n")
    result = eval_(opa_url, str(path), "--as-of", AS_OF)
    assert_refused(result, "(file)", "UTF-8")


def test_file_that_refers_to_itself(tmp_path, opa_url):
    result = eval_(opa_url, write(tmp_path, "id_type: resident_id\nname: &a [*a]\n"), "--as-of", AS_OF)
    assert_refused(result, "(file)", "refers to itself")


def test_missing_file(tmp_path, opa_url):
    result = eval_(opa_url, str(tmp_path / "absent.yaml"), "--as-of", AS_OF)
    assert_refused(result, "(file)", "cannot read", "absent.yaml")


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a string\n", "42\n"], ids=["list", "string", "number"])
def test_yaml_that_is_not_a_mapping(tmp_path, opa_url, text):
    result = eval_(opa_url, write(tmp_path, text), "--as-of", AS_OF)
    assert_refused(result, "(file)", "expected a mapping")


def test_line_breaks_in_values_stay_on_one_line(tmp_path, opa_url):
    record = with_(birth_date="1990-01-02\nsecond line", id_number=id_number())
    line = assert_refused(eval_(opa_url, write(tmp_path, record), "--as-of", AS_OF), "resident.birth_date")
    assert "second line" in line


def test_policy_year_not_loaded(tmp_path, opa_url, loaded_years):
    year = next(y for y in range(2024, 2100) if y not in loaded_years)
    result = eval_(opa_url, write(tmp_path, ADULT), "--as-of", AS_OF, "--year", str(year))
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert f"policy year {year} is not loaded" in lines[0]
    assert "loaded years: " + ", ".join(map(str, loaded_years)) in lines[0]
    assert "--year" not in lines[0]  # 2024-10-10 is in no loaded year's 补缴 or mid-year period


def test_year_from_as_of_not_loaded_suggests_the_open_year(tmp_path, opa_url, loaded_years):
    # September 2025: 2026's collection has begun, 2025's last 补缴 month (六(一)) runs on.
    if 2026 in loaded_years or 2025 not in loaded_years:
        pytest.skip(f"needs 2025 loaded and 2026 not: loaded {loaded_years}")
    path = write(tmp_path, ADULT)
    result = eval_(opa_url, path, "--as-of", "2025-09-10")
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "policy year 2026 is not loaded" in lines[0]
    assert "loaded years: " + ", ".join(map(str, loaded_years)) in lines[0]
    assert "--year 2025" in lines[0]
    # ...and the suggestion works.
    followed = eval_(opa_url, path, "--as-of", "2025-09-10", "--year", "2025", "--format", "json")
    assert followed.returncode == 0, followed.stderr
    assert json.loads(followed.stdout)["payment"]["status"] == "late"


def test_year_from_as_of_not_loaded_without_an_open_year(tmp_path, opa_url, loaded_years):
    if any(y >= 2029 for y in loaded_years):
        pytest.skip(f"a year near 2030 is loaded: {loaded_years}")
    result = eval_(opa_url, write(tmp_path, ADULT), "--as-of", "2030-03-01")
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "policy year 2030 is not loaded" in result.stderr
    assert "--year" not in result.stderr


@pytest.mark.parametrize("value", ["2025-13-01", "2025-02-30", "tomorrow", "2025-W01-1", "20250101  ", "2025-1-1"])
def test_bad_as_of_flag(tmp_path, opa_url, value):
    result = eval_(opa_url, write(tmp_path, ADULT), "--as-of", value)
    assert_refused(result, "--as-of", repr(value))


def test_bad_as_of_in_the_request_file(tmp_path, opa_url):
    request = {"as_of": "2025-02-30", "resident": ADULT}
    result = eval_(opa_url, write(tmp_path, request))
    assert_refused(result, "as_of", "2025-02-30")


def test_unknown_key_in_the_request_file(tmp_path, opa_url):
    request = {"as_of": AS_OF, "policy_yaer": 2025, "resident": ADULT}
    result = eval_(opa_url, write(tmp_path, request))
    # Not a request (an unknown key beside resident): read as a record, whose keys are then unknown.
    assert_refused(result, "resident.policy_yaer", "not a known field")


# -- 3: OPA unreachable --------------------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_opa_unreachable_exits_3(tmp_path):
    port = _closed_port()
    result = run_cli("eval", write(tmp_path, ADULT), "--as-of", AS_OF, "--opa-url", f"http://127.0.0.1:{port}")
    assert result.returncode == 3, (result.returncode, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert f"127.0.0.1:{port}" in result.stderr
    assert "could not be reached" in result.stderr


def test_bad_input_is_refused_before_opa_is_asked(tmp_path):
    # Exit 2, not 3: the record is wrong whatever the server.
    port = _closed_port()
    result = run_cli("eval", write(tmp_path, with_(employed="yes")), "--opa-url", f"http://127.0.0.1:{port}")
    assert_refused(result, "resident.employed")


# -- output --------------------------------------------------------------------------------------------------------


def test_format_json_prints_exactly_the_decision(tmp_path, opa_url, post_decision):
    result = eval_(opa_url, write(tmp_path, ADULT), "--as-of", AS_OF, "--format", "json", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    decision = json.loads(result.stdout)  # the whole of stdout is one JSON document
    assert decision == post_decision({"as_of": AS_OF, "resident": ADULT})
    for field in ("policy_year", "document", "eligible", "categories", "contribution", "payment", "benefit", "trail"):
        assert field in decision


def test_lang_en_text(tmp_path, opa_url):
    en = eval_(opa_url, write(tmp_path, ADULT), "--as-of", AS_OF, "--lang", "en")
    zh = eval_(opa_url, write(tmp_path, ADULT), "--as-of", AS_OF, "--lang", "zh")
    assert en.returncode == 0 and zh.returncode == 0, (en.stderr, zh.stderr)
    assert "May enroll" in en.stdout and "可否参保" not in en.stdout
    assert "可否参保" in zh.stdout
    assert "张三" in en.stdout  # the name is shown as written


def test_stdin(opa_url):
    text = yaml.safe_dump(ADULT, allow_unicode=True)
    result = eval_(opa_url, "-", "--as-of", AS_OF, "--format", "json", stdin=text)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["as_of"] == AS_OF


def test_whole_request_file(tmp_path, opa_url):
    path = write(tmp_path, {"as_of": AS_OF, "policy_year": 2025, "resident": ADULT}, "request.yaml")
    result = eval_(opa_url, path, "--format", "json")
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert (decision["as_of"], decision["policy_year"]) == (AS_OF, 2025)


def test_flags_override_the_request_file(tmp_path, opa_url, loaded_years):
    unloaded = next(y for y in range(2024, 2100) if y not in loaded_years)
    path = write(tmp_path, {"as_of": "2030-01-01", "policy_year": unloaded, "resident": ADULT}, "request.yaml")
    result = eval_(opa_url, path, "--as-of", "2025-03-01", "--year", "2025", "--format", "json")
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert (decision["as_of"], decision["policy_year"]) == ("2025-03-01", 2025)
    assert decision["payment"]["status"] == "late"


def test_environment_variable_loses_to_the_flag(tmp_path, opa_url):
    result = run_cli(
        "eval",
        write(tmp_path, ADULT),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        env={"MZPOLICY_OPA_URL": "http://127.0.0.1:1", "MZPOLICY_FORMAT": "text"},
    )
    assert result.returncode == 3  # the environment's URL is used without the flag
    result = run_cli(
        "eval",
        write(tmp_path, ADULT),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--opa-url",
        opa_url,
        env={"MZPOLICY_OPA_URL": "http://127.0.0.1:1", "MZPOLICY_FORMAT": "text"},
    )
    assert result.returncode == 0, result.stderr
    json.loads(result.stdout)


# -- the embedded default ------------------------------------------------------------------------------------------


def _running(marker: str) -> list[int]:
    """PIDs whose command line contains marker (Linux /proc; zombies have none)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline:
                pids.append(int(entry.name))
    return pids


@pytest.fixture
def marked_opa(tmp_path) -> str:
    """The pinned OPA under a path of this test's own, so that its processes
    are told apart from every other OPA on the machine (other sessions run too)."""
    if not Path("/proc/self/cmdline").exists():
        pytest.skip("needs /proc to list processes")
    marker = tmp_path / f"opa-{uuid.uuid4().hex}" / "opa"
    marker.parent.mkdir()
    marker.symlink_to(ROOT / "opa" / "bin" / "opa")
    return str(marker)


def test_embedded_default_decides_and_leaves_no_opa_behind(tmp_path, marked_opa, post_decision):
    assert _running(marked_opa) == []
    result = run_cli(
        "eval", write(tmp_path, ADULT), "--as-of", AS_OF, "--format", "json", env={"MZPOLICY_OPA_BIN": marked_opa}
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == post_decision({"as_of": AS_OF, "resident": ADULT})
    assert _running(marked_opa) == []


def test_embedded_default_stops_opa_on_bad_input(tmp_path, marked_opa):
    result = run_cli("eval", write(tmp_path, with_(employed="yes")), env={"MZPOLICY_OPA_BIN": marked_opa})
    assert_refused(result, "resident.employed")
    assert _running(marked_opa) == []


def test_embedded_default_without_opa_binary_exits_3(tmp_path):
    result = run_cli("eval", write(tmp_path, ADULT), env={"MZPOLICY_OPA_BIN": str(tmp_path / "no-opa")})
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "no-opa" in result.stderr


def test_ctrl_c_during_embedded_eval_stops_opa(tmp_path, marked_opa):
    path = write(tmp_path, ADULT)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MZPOLICY_")}
    env["MZPOLICY_OPA_BIN"] = marked_opa
    interrupted = 0
    for _ in range(10):  # a race (SIGINT inside Popen) once lost OPA about one time in fifteen
        proc = subprocess.Popen(
            [*CLI, "eval", path, "--as-of", AS_OF], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 20
        while not _running(marked_opa) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # what Ctrl-C sends to the foreground process
        try:
            out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        assert b"Traceback" not in err, err.decode()
        if proc.returncode != 0:
            interrupted += 1
            assert out == b""
        assert _running(marked_opa) == [], "OPA outlived the interrupted CLI"
    if not interrupted:
        pytest.skip("the CLI finished before SIGINT arrived every time; nothing was interrupted")


# -- signals: the embedded OPA never outlives the CLI (issue 13, point 5) -------------------------------------------


def _state(pid: int) -> str | None:
    """The process state letter (R, S, Z...) of pid, or None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def _gone(pid: int, within: float = 10.0) -> bool:
    """pid has exited (or is a zombie nobody has reaped yet) within the time."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if _state(pid) in (None, "Z", "X"):
            return True
        time.sleep(0.02)
    return False


def _waiting_eval(marked_opa: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, int]:
    """`mzpolicy eval -` waiting on a standard input that stays open, and the
    pid of its embedded OPA (started before standard input is read)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MZPOLICY_")}
    full_env.update(env or {}, MZPOLICY_OPA_BIN=marked_opa)
    proc = subprocess.Popen(
        [*CLI, "eval", "-", "--as-of", AS_OF, "--format", "json"],
        cwd=ROOT,
        env=full_env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        children = [pid for pid in _running(marked_opa) if _parent(pid) == proc.pid]
        if children:
            return proc, children[0]
        time.sleep(0.01)
    proc.kill()
    _, err = proc.communicate()
    raise AssertionError(f"no embedded OPA appeared: exit {proc.returncode}, {err.decode()}")


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _opa_url(opa_pid: int) -> str:
    command = Path(f"/proc/{opa_pid}/cmdline").read_bytes().decode().split("\0")
    return "http://" + command[command.index("--addr") + 1]


def _healthy_within(url: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/health", timeout=0.5) as response:
            if response.status == 200:
                return
        time.sleep(0.02)
    raise AssertionError(f"{url} never answered /health")


@pytest.mark.parametrize(
    ("signum", "exit_code"),
    [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGKILL, -signal.SIGKILL)],
    ids=["SIGTERM", "SIGINT", "SIGKILL"],
)
def test_a_signal_to_eval_waiting_on_stdin_leaves_no_opa_behind(marked_opa, signum, exit_code):
    proc, opa = _waiting_eval(marked_opa)
    try:
        _healthy_within(_opa_url(opa))
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == exit_code, err.decode()
    assert out == b""
    assert b"Traceback" not in err and b"Aborted" not in err, err.decode()
    assert _gone(opa), f"OPA {opa} outlived the CLI ({signal.Signals(signum).name})"


def test_the_embedded_opa_refuses_queries_and_reads_without_the_run_s_token(marked_opa):
    proc, opa = _waiting_eval(marked_opa, env={"MZPOLICY_OPA_TOKEN": "the-caller-s-own-token"})
    try:
        url = _opa_url(opa)
        _healthy_within(url)
        query = requests.get(f"{url}/v1/query", params={"q": "opa.runtime().env"}, timeout=5)
        assert query.status_code == 401 and "MZPOLICY" not in query.text
        for headers in ({}, {"Authorization": "Bearer the-caller-s-own-token"}):
            request = {"as_of": AS_OF, "resident": ADULT}
            read = requests.post(f"{url}/v1/data/mz/medins/decision", json={"input": request}, headers=headers)
            assert read.status_code == 401, (headers, read.status_code)
        environ = Path(f"/proc/{opa}/environ").read_bytes()
        assert b"the-caller-s-own-token" not in environ
        # The CLI's own client has the run's token: the record gets its decision.
        out, err = proc.communicate(yaml.safe_dump(ADULT, allow_unicode=True).encode(), timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err.decode()
    assert json.loads(out)["eligible"] is True
    assert _gone(opa)


def test_diff_with_the_embedded_opa(tmp_path, marked_opa):
    result = run_cli(
        "diff", write(tmp_path, ADULT), "--years", "2023,2025", "--as-of", AS_OF, "--format", "json",
        env={"MZPOLICY_OPA_BIN": marked_opa},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert set(json.loads(result.stdout)["decisions"]) == {"2023", "2025"}
    assert _running(marked_opa) == []


def test_report_with_the_embedded_opa(marked_opa):
    result = run_cli(
        "report", "progress", str(ROOT / "fixtures" / "rosters" / "county-sample.jsonl"), "--as-of", AS_OF,
        env={"MZPOLICY_OPA_BIN": marked_opa},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr  # the sample's two error rows (issue 14 point 6)
    assert result.stdout
    assert _running(marked_opa) == []


# -- hostile input: bounded time and memory, one short line (issue 13, point 9) -------------------------------------

# Should a cap fail, the CLI must not take the machine with it.
MEMORY_LIMIT = 3 << 30
TOO_LARGE = f"larger than {MAX_DOCUMENT_BYTES >> 10} KiB"


def _run_capped(*args: str, stdin: Any = None, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MZPOLICY_")}
    env["MZPOLICY_LANG"] = "en"  # the English messages are checked here
    started = time.monotonic()
    result = subprocess.run(
        [*CLI, *args],
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        env=env,
        cwd=ROOT,
        timeout=timeout,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT)),
    )
    return result, time.monotonic() - started


def _assert_short_refusal(result: subprocess.CompletedProcess, field: str, *words: str) -> str:
    line = assert_refused(result, field, *words)
    assert len(line) < 1500, f"{len(line)} characters: {line[:300]}..."
    return line


def test_dev_zero_is_refused_at_once(opa_url):
    result, seconds = _run_capped("eval", "/dev/zero", "--as-of", AS_OF, "--opa-url", opa_url)
    _assert_short_refusal(result, "(file)", "/dev/zero", TOO_LARGE)
    assert seconds < 15


def test_dev_zero_on_stdin_is_refused_at_once(opa_url):
    with open("/dev/zero", "rb") as zero:
        result, seconds = _run_capped("eval", "-", "--as-of", AS_OF, "--opa-url", opa_url, stdin=zero)
    _assert_short_refusal(result, "(file)", "standard input", TOO_LARGE)
    assert seconds < 15


def test_a_file_over_the_cap_is_refused_whatever_it_holds(tmp_path, opa_url):
    path = write(tmp_path, yaml.safe_dump(ADULT, allow_unicode=True) + "#" * MAX_DOCUMENT_BYTES)
    _assert_short_refusal(eval_(opa_url, path, "--as-of", AS_OF), "(file)", TOO_LARGE)


def test_a_file_at_the_cap_is_read(tmp_path, opa_url):
    text = json.dumps(ADULT, ensure_ascii=False)
    path = tmp_path / "record.json"
    path.write_bytes(text.encode("utf-8") + b" " * (MAX_DOCUMENT_BYTES - len(text.encode("utf-8"))))
    assert path.stat().st_size == MAX_DOCUMENT_BYTES
    result = eval_(opa_url, str(path), "--as-of", AS_OF, "--format", "json")
    assert result.returncode == 0, result.stderr[:500]


def _alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["id_type: resident_id", f'id_number: "{id_number()}"', 'a0: &a0 "lol"']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path, opa_url):
    result, seconds = _run_capped("eval", write(tmp_path, _alias_bomb()), "--as-of", AS_OF, "--opa-url", opa_url)
    _assert_short_refusal(result, "(file)", "aliases")
    assert seconds < 15


def test_a_few_aliases_are_fine(tmp_path, opa_url):
    text = "id_type: resident_id\n" + f'id_number: "{id_number()}"\n' + "hukou_region: &here '441402'\n"
    text += "residence_region: *here\nenrolled_years: &years [2023, 2024]\nrepaired_years: *years\n"
    result = eval_(opa_url, write(tmp_path, text), "--as-of", AS_OF, "--format", "json")
    assert result.returncode == 0, result.stderr


def test_a_large_document_without_aliases_is_not_taken_for_a_bomb(tmp_path, opa_url):
    # Near the size cap, built of the smallest nodes YAML has (a key with no value in a flow mapping):
    # its expanded size must stay under the alias limit, and the error is about the field: its keys
    # are over the schema's bound (records.bound_problems, as lib/bounds.rego).
    keys = ", ".join(f"k{i}" for i in range(MAX_DOCUMENT_BYTES // 5))
    text = yaml.safe_dump(ADULT, allow_unicode=True) + "events: {" + keys[: MAX_DOCUMENT_BYTES - 2000] + "}\n"
    assert len(text.encode()) < MAX_DOCUMENT_BYTES
    line = _assert_short_refusal(eval_(opa_url, write(tmp_path, text), "--as-of", AS_OF), "resident.events")
    assert "aliases" not in line and "keys, at most" in line


def test_a_name_of_50_megabytes_gets_one_short_line(tmp_path, opa_url):
    path = tmp_path / "record.yaml"
    with path.open("w", encoding="utf-8") as f:
        f.write(yaml.safe_dump(ADULT, allow_unicode=True).replace("name: 张三\n", ""))
        f.write('name: "' + "名" * ((50 << 20) // 3) + '"\n')
    result, seconds = _run_capped("eval", str(path), "--as-of", AS_OF, "--opa-url", opa_url)
    _assert_short_refusal(result, "(file)", TOO_LARGE)
    assert seconds < 15


@pytest.mark.parametrize("size", [1_000, 80_000])
def test_a_long_name_is_quoted_short(tmp_path, opa_url, size):
    line = _assert_short_refusal(
        eval_(opa_url, write(tmp_path, with_(name="名" * size)), "--as-of", AS_OF), "resident.name", "is too long"
    )
    assert "名名名..." in line  # reprlib's cut


def test_a_long_misspelt_key_is_quoted_short(tmp_path, opa_url):
    line = _assert_short_refusal(
        eval_(opa_url, write(tmp_path, with_(**{"k" * 200_000: 1})), "--as-of", AS_OF), "kkkkk…", "not a known"
    )
    assert len(line) < 300


def test_many_problems_are_counted_not_listed(tmp_path, opa_url):
    # 50 unknown keys stay under the resident's maxProperties, so each is a problem of its own.
    record = with_(**{f"unknown_{i:02}": i for i in range(50)})
    result = eval_(opa_url, write(tmp_path, record, "record.json"), "--as-of", AS_OF)
    assert "and 49 more" in _assert_short_refusal(result, "resident.unknown_00")


def test_a_record_over_its_key_bound_is_refused_by_the_count_alone(tmp_path, opa_url):
    """The schema's maxProperties comes first, as in the Rego (lib/bounds.rego):
    8,000 unknown keys are one problem, not 8,000."""
    record = with_(**{f"unknown_{i}": i for i in range(8_000)})
    result = eval_(opa_url, write(tmp_path, record, "record.json"), "--as-of", AS_OF)
    line = _assert_short_refusal(result, "resident", "keys, at most")
    assert "unknown_0" not in line


def test_a_long_as_of_flag_is_quoted_short(tmp_path, opa_url):
    line = _assert_short_refusal(eval_(opa_url, write(tmp_path, ADULT), "--as-of", "9" * 100_000), "--as-of")
    assert len(line) < 300


# -- lone surrogates (issue 13, point 10) ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_name_with_a_lone_surrogate_is_shown_escaped(tmp_path, opa_url, fmt, lang):
    # JSON may write a lone surrogate ("\udcff"); no UTF-8 stream can take it as it is.
    text = json.dumps(with_(name="张\udcff三"), ensure_ascii=True)
    assert "\\udcff" in text
    path = write(tmp_path, text, "record.json")
    result = subprocess.run(
        [*CLI, "eval", path, "--as-of", AS_OF, "--format", fmt, "--lang", lang, "--opa-url", opa_url],
        capture_output=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("MZPOLICY_")},
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stderr == b""
    out = result.stdout.decode("utf-8")  # strict: the output is UTF-8
    if fmt == "json":
        assert json.loads(out)["eligible"] is True
    else:
        assert "张\\udcff三" in out


def test_a_lone_surrogate_in_a_refused_value_is_shown_escaped(tmp_path, opa_url):
    text = json.dumps(with_(name="\udcff" * 200), ensure_ascii=True)
    result = eval_(opa_url, write(tmp_path, text, "record.json"), "--as-of", AS_OF)
    assert "\\udcff" in _assert_short_refusal(result, "resident.name")


def test_the_renderers_take_a_lone_surrogate(post_decision):
    from mzpolicy import render

    decision = post_decision({"as_of": AS_OF, "resident": ADULT})
    for fmt in ("text", "markdown", "json"):
        for lang in ("zh", "en"):
            out = render.render(decision, fmt, lang, "\udcff")
            out.encode("utf-8")
            assert fmt == "json" or "\\udcff" in out


# -- numbers as written (issue 13, point 12) ------------------------------------------------------------------------


def _with_amount(amount: str) -> str:
    record = json.dumps(with_(payment={"date": "2024-10-01", "amount": 999}), ensure_ascii=False)
    return record.replace('"amount": 999', f'"amount": {amount}')


@pytest.mark.parametrize("amount", ["1e-400", "400.0000000000000001", "0.001", "4.00001e2"])
def test_an_amount_with_more_than_two_decimals_as_written_is_refused(tmp_path, opa_url, amount):
    path = write(tmp_path, _with_amount(amount), "record.json")
    assert_refused(eval_(opa_url, path, "--as-of", AS_OF), "resident.payment.amount", amount, "more than two decimals")


@pytest.mark.parametrize("amount", ["400.0000000000000001", "1e-400"])
def test_a_yaml_amount_with_more_than_two_decimals_as_written_is_refused(tmp_path, opa_url, amount):
    text = yaml.safe_dump(ADULT, allow_unicode=True) + f"payment:\n  date: 2024-10-01\n  amount: {amount}\n"
    if "e" in amount:
        text = text.replace(amount, "0.0000000001")  # YAML 1.1 reads 1e-400 as a string
        amount = "0.0000000001"
    assert_refused(eval_(opa_url, write(tmp_path, text), "--as-of", AS_OF), "resident.payment.amount", amount)


@pytest.mark.parametrize("amount", ["400.00", "4e2", "400.000000000000000000"])
def test_an_amount_of_two_decimals_or_fewer_as_written_is_accepted(tmp_path, opa_url, amount):
    result = eval_(opa_url, write(tmp_path, _with_amount(amount), "record.json"), "--as-of", AS_OF, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["payment"]["accepted"] is True


def test_a_year_that_is_not_whole_as_written_is_refused(tmp_path, opa_url):
    text = json.dumps({"as_of": AS_OF, "policy_year": 2025, "resident": ADULT}, ensure_ascii=False)
    text = text.replace('"policy_year": 2025', '"policy_year": 2025.0000000000000001')
    assert_refused(eval_(opa_url, write(tmp_path, text, "request.json")), "policy_year", "integer")
