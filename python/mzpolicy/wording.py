"""The one wording table of what the package tells a person went wrong, in
Chinese and English (issue 14 point 4): the validation problems, the year
errors and OPA's failures. Each message has a key; a Problem, a year error
or an OPAError carries its key and facts, and is worded in the language of
the command (--lang) when it is shown. English is also the message a
roster's error row and a log keep.

No imports: records, opa and cli all word through this module.
"""

from __future__ import annotations

from typing import Any

WORDS: dict[str, dict[str, str]] = {
    # The frame of an exit-2 line, and of a list of problems.
    "invalid_input": {"en": "invalid input: {problems}", "zh": "输入有误：{problems}"},
    "and_more": {"en": "{first} (and {more} more: {rest})", "zh": "{first}（另有 {more} 处：{rest}）"},
    "error_prefix": {"en": "Error: {message}", "zh": "错误：{message}"},
    "and_then": {"en": "{message}. {then}", "zh": "{message}。{then}"},
    # Validation problems, after the field path.
    "unknown_field": {"en": "is not a known field", "zh": "不是已知的字段"},
    "unknown_field_suggest": {
        "en": "is not a known field (did you mean {suggestions}?)",
        "zh": "不是已知的字段（是否想写 {suggestions}？）",
    },
    "required": {"en": "is required", "zh": "必须填写"},
    "not_one_of": {"en": "{value} is not one of {allowed}", "zh": "{value} 不是可选值之一：{allowed}"},
    "pattern": {"en": "{value} is not valid: {description}", "zh": "{value} 格式不对：{description}"},
    "type": {"en": "{value} is not of type {type}", "zh": "{value} 的类型不对，应为{type}"},
    # A roster run that did not finish (issue 13 point 4, issue 14 point 8).
    "output_not_written_whole": {
        "en": "the output is incomplete: {out} was not written (a workbook is written whole);"
        " run the same command again",
        "zh": "输出不完整：{out} 未写出（工作簿只能整份写出）；请重新运行同一命令",
    },
    "output_no_row": {
        "en": "the output is incomplete: no row was written{where}; run the same command again{flag}",
        "zh": "输出不完整：未写出任何一行{where}；请重新运行同一命令{flag}",
    },
    "output_partial": {
        "en": "the output is incomplete: {total} rows (rows {first}-{last}) written to {partial}; {out} was not"
        " written. To resume, run the same command with --resume (continues {partial}), or with --start-row {next}",
        "zh": "输出不完整：已写出 {total} 行（第 {first}-{last} 行）到 {partial}，{out} 未写出。续跑：同一命令加"
        " --resume（接着写 {partial}），或加 --start-row {next}",
    },
    "output_written_to": {
        "en": "the output is incomplete: {total} rows (rows {first}-{last}) written to {where}. To resume, run the"
        " same command with --start-row {next} and add its rows to what was written",
        "zh": "输出不完整：已写出 {total} 行（第 {first}-{last} 行）到 {where}。续跑：同一命令加 --start-row {next}，"
        "再把写出的行接在已写出的行之后",
    },
    "stopped_by": {"en": "stopped by {signal}", "zh": "已被 {signal} 中止"},
    # mzpolicy batch's closing summary (roster.tally), zh by default as eval.
    "summary_rows": {
        "en": "rows {rows}: decisions {decided} (eligible {eligible}, ineligible {ineligible}), errors {errors}",
        "zh": "共 {rows} 行：作出决定 {decided} 行（属参保对象 {eligible}，不属参保对象 {ineligible}），"
        "错误 {errors} 行",
    },
    "summary_individual_due": {
        "en": "individual share due for the year (individual_due, eligible rows): {amount}",
        "zh": "本年度个人应缴合计（individual_due，参保对象）：{amount}",
    },
    "summary_amount_due": {
        "en": "payable on as_of (payment.amount_due): {amount}",
        "zh": "当日可缴合计（payment.amount_due）：{amount}",
    },
    "summary_accepted": {
        "en": "payments on record accepted: {count}, {amount}",
        "zh": "记录中确认的缴费：{count} 笔，{amount}",
    },
    "summary_assistance": {
        "en": "full subsidy by source (contribution.assistance): {parts}",
        "zh": "政府全额资助（contribution.assistance）：{parts}",
    },
    "summary_assistance_part": {"en": "{source} {count} persons {amount}", "zh": "{source} {count} 人 {amount}"},
    "summary_none": {"en": "none", "zh": "无"},
    "summary_errors_by_kind": {"en": "errors by kind: {counts}", "zh": "错误类别：{counts}"},
    "summary_errors_by_field": {"en": "errors by field: {counts}", "zh": "错误字段：{counts}"},
    "summary_count": {"en": "{what} {n}", "zh": "{what} {n} 行"},
    "summary_list": {"en": ", ", "zh": "，"},
    "summary_parts": {"en": "; ", "zh": "；"},
    "summary_speed": {
        "en": "{rows} rows in {seconds} s ({rate} rows/s)",
        "zh": "{rows} 行用时 {seconds} 秒（每秒 {rate} 行）",
    },
    "yuan": {"en": "{amount} yuan", "zh": "{amount} 元"},
    "minimum": {"en": "{value} is less than the minimum of {limit}", "zh": "{value} 小于最小值 {limit}"},
    "maximum": {"en": "{value} is greater than the maximum of {limit}", "zh": "{value} 大于最大值 {limit}"},
    "too_long": {"en": "{value} is too long (at most {limit} characters)", "zh": "{value} 太长（最多 {limit} 个字符）"},
    "too_short": {
        "en": "{value} is too short (at least {limit} characters)",
        "zh": "{value} 太短（至少 {limit} 个字符）",
    },
    "not_a_date": {"en": "{value} is not a real date", "zh": "{value} 不是真实的日期"},
    "not_unique": {"en": "{value} has repeated items", "zh": "{value} 有重复的项"},
    "too_few_items": {"en": "{value} has fewer than {limit} items", "zh": "{value} 少于 {limit} 项"},
    "too_many_items": {"en": "has {count} items, at most {limit}", "zh": "有 {count} 项，最多 {limit} 项"},
    "too_many_keys": {"en": "has {count} keys, at most {limit}", "zh": "有 {count} 个键，最多 {limit} 个"},
    "check_digit": {
        "en": "check digit is {digit}, GB 11643 gives {expected} for the first 17 characters",
        "zh": "校验码为 {digit}，按 GB 11643 前 17 位应为 {expected}",
    },
    "id_birth_date": {
        "en": "positions 7-14 ({digits}) are not a real birth date",
        "zh": "第 7-14 位（{digits}）不是真实的出生日期",
    },
    "birth_disagrees": {
        "en": "{birth} disagrees with the ID number, which gives {derived}",
        "zh": "{birth} 与证件号码不符，证件号码中的出生日期为 {derived}",
    },
    "born_after_as_of": {"en": "{birth} is after as_of {as_of}", "zh": "{birth} 晚于判断日期 {as_of}"},
    "not_finite": {"en": "{amount} is not a finite number", "zh": "{amount} 不是有限的数"},
    "two_decimals": {"en": "{amount} yuan has more than two decimals", "zh": "{amount} 元超过两位小数"},
    # The file a record is read from.
    "file_empty": {"en": "{source} is empty", "zh": "{source} 是空的"},
    "file_unreadable": {"en": "cannot read {path}: {reason}", "zh": "无法读取 {path}：{reason}"},
    "file_not_utf8": {"en": "{source} is not UTF-8 text", "zh": "{source} 不是 UTF-8 文本"},
    "file_too_large": {
        "en": "{source} is larger than {limit}, more than a record can be",
        "zh": "{source} 超过 {limit}，不可能是一条记录",
    },
    "file_not_yaml": {
        "en": "{source} is not YAML or JSON{at}: {problem}",
        "zh": "{source} 不是 YAML 或 JSON{at}：{problem}",
    },
    "file_at": {"en": " at line {line}, column {column}", "zh": "（第 {line} 行第 {column} 列）"},
    "file_nests": {"en": "{source} nests too deeply", "zh": "{source} 嵌套过深"},
    "file_refers_to_itself": {
        "en": "the document refers to itself (a YAML alias inside its anchor)",
        "zh": "文档引用了自身（YAML 别名在其锚点之内）",
    },
    "file_grows": {
        "en": "{source} grows past {limit} values and characters once its aliases are expanded",
        "zh": "{source} 展开别名后超过 {limit} 个值和字符",
    },
    "not_a_mapping": {
        "en": "expected a mapping (a resident record), got {kind}",
        "zh": "应为映射（一条参保人记录），实际为 {kind}",
    },
    "as_of": {
        "en": "invalid input: --as-of: {value} is not a real date in YYYY-MM-DD form",
        "zh": "输入有误：--as-of: {value} 不是 YYYY-MM-DD 形式的真实日期",
    },
    # Policy years.
    "year_not_loaded": {
        "en": "policy year {year} is not loaded; loaded years: {loaded}",
        "zh": "医保年度 {year} 未载入；已载入的年度：{loaded}",
    },
    "year_still_open": {
        "en": "{as_of} still lies in the late-payment or mid-year period of policy year {open}; ask for it with"
        " --year {open} (policy_year)",
        "zh": "{as_of} 仍在医保年度 {open} 的补缴期或中途参保期内，请用 --year {open}（policy_year）查询",
    },
    "year_incomplete": {
        "en": "policy year {year} is loaded but its table is incomplete: {problems}",
        "zh": "医保年度 {year} 已载入，但其参数表不完整：{problems}",
    },
    "unknown_policy_error": {
        "en": "the policy answered with an unknown error: {error}",
        "zh": "政策返回了未知的错误：{error}",
    },
    # OPA, or the way to it.
    "opa_refused": {"en": "OPA at {url} refused {what}: {detail}", "zh": "OPA（{url}）拒绝了{what}：{detail}"},
    "opa_unreachable": {"en": "OPA at {url} could not be reached: {kind}", "zh": "无法连接 OPA（{url}）：{kind}"},
    "opa_not_json": {
        "en": "OPA at {url} answered something that is not JSON",
        "zh": "OPA（{url}）的回答不是 JSON",
    },
    "opa_missing": {"en": "OPA at {url} has no {path}{why}", "zh": "OPA（{url}）没有 {path}{why}"},
    "opa_answered": {"en": "OPA at {url} answered {problem}", "zh": "OPA（{url}）的回答不对：{problem}"},
}

# Words that fill a message's facts (what OPA refused, why a document is missing).
FACTS: dict[str, dict[str, str]] = {
    "the query": {"zh": "查询"},
    "the read": {"zh": "读取"},
    "the batch": {"zh": "批量查询"},
    " (policy not loaded?)": {"zh": "（政策未载入？）"},
    "integer": {"zh": "整数"},
    "string": {"zh": "字符串"},
    "number": {"zh": "数"},
    "boolean": {"zh": "布尔值"},
    "array": {"zh": "列表"},
    "object": {"zh": "映射"},
    "null": {"zh": "空值"},
}

LANGS = ("zh", "en")


def say(key: str, lang: str = "en", **facts: Any) -> str:
    """The message `key` in `lang` (English for a language the table lacks), its facts filled in."""
    words = WORDS[key]
    return words.get(lang, words["en"]).format(**{k: fact(v, lang) for k, v in facts.items()})


def fact(value: Any, lang: str) -> Any:
    """A fact in `lang`: a (key, facts) pair is a message of its own (where a
    YAML error is), a list is its items joined by "or", a word the table
    knows (a type name, what OPA refused) is worded; anything else as it is."""
    if isinstance(value, tuple) and len(value) == 2 and value[0] in WORDS:
        return say(value[0], lang, **value[1])
    if isinstance(value, list):
        return ("或" if lang == "zh" else " or ").join(str(fact(v, lang)) for v in value)
    if isinstance(value, str) and value in FACTS:
        return FACTS[value].get(lang, value)
    return value
