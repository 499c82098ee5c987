"""What the counter reads (issue 14 points 1-4, 10): names instead of codes,
the 下一步 / Next steps block first, the trail of what decided, errors in
the command's language with "did you mean", and `mzpolicy test` for the
golden files. Every decision comes from the session's real OPA."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, run_cli
from golden import GOLDEN, golden_cases, request_of
from mzpolicy import entrypoints, records
from mzpolicy.render import decision as render

CASES = golden_cases()
HUKOU_ADULT = "fixtures/records/hukou-adult.yaml"
INELIGIBLE = "fixtures/records/permit-holder-insured-at-origin.yaml"


@pytest.fixture(scope="session")
def reference(client) -> dict[str, Any]:
    return client.document(entrypoints.REFERENCE)


def _name_kinds(reference: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {kind: names for kind, names in reference.items() if isinstance(names, dict)}


def test_every_code_of_the_reference_data_has_a_chinese_and_an_english_name(reference):
    kinds = _name_kinds(reference)
    assert {"regions", "categories", "channels", "payment_statuses", "offices"} <= set(kinds)
    for kind, names in kinds.items():
        for code, name in names.items():
            # A comma in a YAML flow mapping once split "not covered, nothing to pay" into two keys.
            assert set(name) == {"zh", "en"}, (kind, code, name)
            assert all(isinstance(v, str) and v for v in name.values()), (kind, code, name)


def _codes(reference: dict[str, Any]) -> set[str]:
    return {code for names in _name_kinds(reference).values() for code in names}


def codes_shown(output: str, lang: str, reference: dict[str, Any]) -> list[str]:
    """The reference data's codes that appear in `output` as words. In English a
    code that is itself an English word of some name (school, death, open) is
    left out (case as written): it cannot be told from prose."""
    codes = _codes(reference)
    if lang == "en":
        names = " ".join(n["en"] for names in _name_kinds(reference).values() for n in names.values())
        words = set(re.findall(r"[A-Za-z]+", names))  # as written: Yueyibao is a name, yueyibao a code
        codes = {c for c in codes if re.search(r"[_0-9]", c) or c not in words}
    return sorted(c for c in codes if re.search(rf"(?<![A-Za-z0-9_]){re.escape(c)}(?![A-Za-z0-9_])", output))


def test_the_code_check_finds_a_code(reference):
    assert codes_shown("参保对象类别 hukou_resident，参保地 441402", "zh", reference) == ["441402", "hukou_resident"]
    assert codes_shown("Channels: yueyibao, through the school", "en", reference) == ["yueyibao"]
    assert codes_shown("粤医保、梅江区", "zh", reference) == []


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_no_code_in_text_or_markdown_of_any_golden_case(case, post_decision, reference):
    request = request_of(case)
    decision = post_decision(request)
    name = request["resident"].get("name")
    for lang in ("zh", "en"):
        for fmt in ("text", "markdown"):
            output = render.render(decision, fmt, lang, name, reference, trail="all")
            assert not codes_shown(output, lang, reference), (lang, fmt, codes_shown(output, lang, reference), output)


def eval_text(opa_url: str, *args: str) -> str:
    result = run_cli("eval", *args, "--opa-url", opa_url)
    assert result.returncode == 0, result.stderr
    return result.stdout


def eval_json(opa_url: str, *args: str) -> dict[str, Any]:
    return json.loads(eval_text(opa_url, *args, "--format", "json"))


def next_block(output: str) -> list[str]:
    """The lines of the first section after the title; it must be 下一步 / Next steps."""
    lines = output.splitlines()
    assert lines[2] in ("下一步:", "Next steps:"), output
    block = []
    for line in lines[3:]:
        if not line.strip():
            break
        block.append(line.removeprefix("  • "))
    return block


def test_the_no_code_check_holds_for_the_cli_output_of_the_three_residents(opa_url, reference):
    for record, as_of in ((HUKOU_ADULT, "2025-08-10"), (HUKOU_ADULT, "2025-05-10"), (INELIGIBLE, "2024-10-10")):
        for lang in ("zh", "en"):
            for fmt in ("text", "markdown"):
                output = eval_text(opa_url, record, "--as-of", as_of, "--lang", lang, "--format", fmt)
                assert not codes_shown(output, lang, reference), (record, as_of, lang, fmt, output)


def test_next_steps_for_a_hukou_adult_on_2025_08_10_say_1070_since_july_where_it_was_400(opa_url, reference):
    steps = eval_json(opa_url, HUKOU_ADULT, "--as-of", "2025-08-10")["next_steps"]
    # The notice (梅市医保〔2024〕3号 六(一)): 补缴 from 2025-07-01 is the whole standard, 1070, until 2025-09-30.
    assert (steps["amount_due"], steps["until"]) == (1070, "2025-09-30")
    assert steps["since"] == {"on": "2025-07-01", "amount_before": 400, "amount": 1070}
    block = next_block(eval_text(opa_url, HUKOU_ADULT, "--as-of", "2025-08-10"))
    assert "1070 元" in block[0] and "2025-09-30" in block[0] and "在补缴期内" in block[0], block
    assert block[1] == "2025-07-01 起应缴金额为 1070 元，此前为 400 元。", block
    channels = "、".join(reference["channels"][c]["zh"] for c in steps["channels"])
    assert f"缴费渠道：{channels}。" in block
    assert any("待遇等待期 3 个月" in line and steps["benefit_start"] in line for line in block), block
    assert block[-1] == f"办理或咨询：{reference['offices'][steps['office']]['zh']}。"


def test_next_steps_before_july_say_400_until_june_then_1070(opa_url):
    steps = eval_json(opa_url, HUKOU_ADULT, "--as-of", "2025-05-10")["next_steps"]
    assert (steps["amount_due"], steps["until"], steps["since"]) == (400, "2025-06-30", None)
    assert steps["ahead"] == [{"status": "late", "amount": 1070, "from": "2025-07-01", "until": "2025-09-30"}]
    block = next_block(eval_text(opa_url, HUKOU_ADULT, "--as-of", "2025-05-10"))
    assert block[0] == "现在应缴 400 元（在补缴期内），最迟 2025-06-30 缴清。", block
    assert block[1] == "2025-07-01 至 2025-09-30：应缴 1070 元（在补缴期内）。", block
    english = next_block(eval_text(opa_url, HUKOU_ADULT, "--as-of", "2025-05-10", "--lang", "en"))
    assert english[:2] == [
        "Pay 400 yuan now (in the late-payment period), by 2025-06-30 at the latest.",
        "2025-07-01 to 2025-09-30: 1070 yuan (in the late-payment period).",
    ]


def test_next_steps_of_an_ineligible_resident_name_the_county_office(opa_url, reference):
    decision = eval_json(opa_url, INELIGIBLE, "--as-of", "2024-10-10")
    assert decision["eligible"] is False and decision["next_steps"]["office"] == "441481"
    block = next_block(eval_text(opa_url, INELIGIBLE, "--as-of", "2024-10-10"))
    office = reference["offices"]["441481"]["zh"]
    assert office == "兴宁市医保经办机构"
    assert block == [f"本年度不属本市居民医保参保对象（原因见下方依据），请到{office}咨询。"]


def _trail_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"  [✓✗·] ", line)]


def test_the_trail_shows_what_decided_and_all_of_it_under_trail_all(opa_url):
    args = (HUKOU_ADULT, "--as-of", "2025-08-10")
    trail = eval_json(opa_url, *args)["trail"]
    decided = [e for e in trail if e["decided"]]
    assert 0 < len(decided) < len(trail)
    shown = _trail_lines(eval_text(opa_url, *args))
    assert len(shown) == len(decided)
    assert "不适用" not in "\n".join(shown)
    every = _trail_lines(eval_text(opa_url, *args, "--trail", "all"))
    assert len(every) == len(trail)
    # json carries the whole trail whatever --trail says.
    assert eval_json(opa_url, *args, "--trail", "decided")["trail"] == trail
    markdown = eval_text(opa_url, *args, "--format", "markdown")
    assert markdown.count("\n| ✓") + markdown.count("\n| ✗") + markdown.count("\n| ·") == len(decided)


def test_the_renderer_does_not_re_derive_decided(reference, post_decision):
    """Whatever the policy marks decided is what shows, even an entry that did not pass."""
    decision = post_decision(request_of(CASES[0][1]))
    for entry in decision["trail"]:
        entry["decided"] = entry["outcome"] == "not_applicable"
    shown = _trail_lines(render.text(decision, "zh", None, reference))
    assert shown and all("不适用" in line for line in shown)


def _write(tmp_path: Path, record: dict[str, Any], name: str = "record.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    return str(path)


def _adult(**changes: Any) -> dict[str, Any]:
    record = yaml.safe_load((ROOT / HUKOU_ADULT).read_text(encoding="utf-8"))
    record.update(changes)
    return record


def test_an_unknown_field_gets_did_you_mean_in_zh_and_en(tmp_path, opa_url):
    record = _adult()
    record["hukou_regoin"] = record.pop("hukou_region")
    path = _write(tmp_path, record)
    zh = run_cli("eval", path, "--as-of", "2024-10-10", "--opa-url", opa_url, "--lang", "zh")
    assert zh.returncode == 2 and not zh.stdout
    assert zh.stderr.startswith("错误：输入有误："), zh.stderr
    assert "resident.hukou_regoin: 不是已知的字段（是否想写 hukou_region？）" in zh.stderr
    en = run_cli("eval", path, "--as-of", "2024-10-10", "--opa-url", opa_url, "--lang", "en")
    assert en.returncode == 2
    assert "resident.hukou_regoin: is not a known field (did you mean hukou_region?)" in en.stderr


def test_every_resident_field_misspelt_is_suggested_from_the_schema():
    schema = json.loads((ROOT / "schemas" / "resident.schema.json").read_text(encoding="utf-8"))
    fields = sorted(schema["properties"])
    for name in fields:
        if len(name) < 5:
            continue
        typo = name[:2] + name[3:]  # a letter left out
        request = {"as_of": "2024-10-10", "resident": {typo: "x"}}
        (problem,) = [p for p in records.problems(request, fast=False) if p.field == f"resident.{typo}"]
        assert name in problem.worded("en"), (typo, problem)
    far = [p for p in records.problems({"resident": {"qqqqqq": 1}}, fast=False) if p.field == "resident.qqqqqq"]
    assert far[0].message == "is not a known field"


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (
            ["--as-of", "2025-02-30"],
            "错误：输入有误：--as-of: '2025-02-30' 不是 YYYY-MM-DD 形式的真实日期",
            "Error: invalid input: --as-of",
        ),
        (
            ["--as-of", "2025-10-10", "--year", "2027"],
            "错误：医保年度 2027 未载入",
            "Error: policy year 2027 is not loaded",
        ),
    ],
)
def test_input_and_year_errors_in_the_language_of_lang(args, zh, en, opa_url):
    for lang, expected in (("zh", zh), ("en", en)):
        # --lang after the option it words: eager, so it is known first.
        result = run_cli("eval", HUKOU_ADULT, *args, "--opa-url", opa_url, "--lang", lang)
        assert result.returncode == 2 and not result.stdout
        assert result.stderr.startswith(expected), result.stderr


def test_the_year_hint_in_zh_names_the_open_year(opa_url):
    result = run_cli("eval", HUKOU_ADULT, "--as-of", "2025-10-10", "--year", "2026", "--opa-url", opa_url)
    assert result.returncode == 2
    assert "2025-10-10 仍在医保年度 2025 的补缴期或中途参保期内，请用 --year 2025" in result.stderr, result.stderr


def test_opa_errors_in_zh():
    result = run_cli("eval", HUKOU_ADULT, "--as-of", "2024-10-10", "--opa-url", "http://127.0.0.1:1")
    assert result.returncode == 3 and not result.stdout
    assert result.stderr.startswith("错误：无法连接 OPA（http://127.0.0.1:1）"), result.stderr
    english = run_cli("eval", HUKOU_ADULT, "--as-of", "2024-10-10", "--opa-url", "http://127.0.0.1:1", "--lang", "en")
    assert english.stderr.startswith("Error: OPA at http://127.0.0.1:1 could not be reached"), english.stderr


def test_every_validation_problem_the_package_words_has_both_languages():
    from mzpolicy.wording import LANGS, WORDS

    for key, words in WORDS.items():
        assert set(words) == set(LANGS), key
        assert set(re.findall(r"{(\w+)}", words["zh"])) == set(re.findall(r"{(\w+)}", words["en"])), key


# --- mzpolicy test -------------------------------------------------------------------------------


def test_mzpolicy_test_passes_the_golden_cases(opa_url):
    result = run_cli("test", str(GOLDEN / "2025"), "--opa-url", opa_url, "--lang", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    count = sum(1 for _, c in CASES if c.file.parent.name == "2025")
    assert result.stdout.strip().splitlines()[-1] == f"{count} cases: {count} passed, 0 failed"


def test_mzpolicy_test_prints_expected_and_actual_of_a_failing_case(tmp_path, opa_url):
    cases = {
        "cases": [
            {
                "name": "hukou adult pays 400 in the window",
                "as_of": "2024-10-10",
                "record_file": "records/hukou-adult.yaml",
                "expect": {"contribution.individual_due": 400},
            },
            {
                "name": "a wrong expectation",
                "as_of": "2024-10-10",
                "record": _adult(),
                "expect": {"contribution.individual_due": 300, "payment.status": "open"},
                "trail": [{"rule": "hukou_resident", "outcome": "failed"}],
            },
        ]
    }
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "hukou-adult.yaml").write_text((ROOT / HUKOU_ADULT).read_text(encoding="utf-8"))
    (tmp_path / "golden").mkdir()
    path = _write(tmp_path / "golden", cases, "cases.yaml")
    result = run_cli("test", str(tmp_path / "golden"), "--opa-url", opa_url, "--lang", "en", "-v")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert f"PASS  {path}::hukou adult pays 400 in the window" in lines
    assert f"FAIL  {path}::a wrong expectation" in lines
    assert "      contribution.individual_due: expected 300, actual 400" in lines
    assert '      trail.hukou_resident.outcome: expected "failed", actual "passed"' in lines
    assert not any("payment.status" in line for line in lines), "a met expectation is not printed"
    assert lines[-1] == "2 cases: 1 passed, 1 failed"
    zh = run_cli("test", path, "--opa-url", opa_url)
    assert zh.returncode == 1 and zh.stdout.splitlines()[-1] == "2 个用例：1 个通过，1 个未通过"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("cases: [", "is not YAML or JSON"),
        ("other: 1\n", "holds no `cases:` list"),
        ("cases:\n  - name: x\n    record: {}\n", "cases[0] has no `as_of`"),
        ("cases:\n  - name: x\n    as_of: 2024-10-10\n", "needs exactly one of `record` and `record_file`"),
        ("cases:\n  - {name: x, as_of: 2024-10-10, record_file: records/none.yaml}\n", "is under no folder"),
        ("cases:\n  - {name: x, as_of: 2024-10-10, record: {}, expect: [1]}\n", "`expect` is not a mapping"),
    ],
)
def test_mzpolicy_test_refuses_a_bad_case_file_with_exit_2(tmp_path, content, problem, opa_url):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    result = run_cli("test", str(path), "--opa-url", opa_url, "--lang", "en")
    assert result.returncode == 2 and not result.stdout, result.stdout
    assert problem in result.stderr, result.stderr


def test_mzpolicy_test_with_the_embedded_opa(tmp_path):
    path = _write(
        tmp_path,
        {"cases": [{"name": "x", "as_of": "2024-10-10", "record": _adult(), "expect": {"eligible": True}}]},
        "one.yaml",
    )
    result = run_cli("test", path, "--lang", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "1 cases: 1 passed, 0 failed"


def _case(name_part: str) -> Any:
    (case,) = [c for _, c in CASES if name_part in c.name]
    return case


def test_next_steps_say_where_to_apply_for_a_refund_and_when_none_is_due(post_decision, reference):
    refundable = post_decision(request_of(_case("joining 职工医保 before 1 January after paying is refundable")))
    assert refundable["next_steps"]["refund"] is True and refundable["eligible"] is False
    office = reference["offices"][refundable["next_steps"]["office"]]["zh"]
    assert render.next_steps(refundable, "zh", reference)[-1] == f"可申请退费，请到{office}办理。"
    refused = post_decision(request_of(_case("death after the benefit period began is not refunded")))
    assert refused["next_steps"]["refund"] is False
    assert "所缴费用不符合退费条件。" in render.next_steps(refused, "zh", reference)
