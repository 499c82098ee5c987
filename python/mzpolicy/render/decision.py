"""Render a decision as text, markdown or JSON, in Chinese or English.

Presentation only: every fact and every sentence of the trail comes from the
decision OPA made; this module chooses labels and layout.

Every output is text a UTF-8 stream can take: a name with a lone surrogate
(JSON's "\\udcff", which the record may hold) is shown as its escape.
"""

from __future__ import annotations

import json
from typing import Any

from ..records import visible
from .width import display_width

LABELS = {
    "zh": {
        "title": "梅州市城乡居民医保参保决定",
        "resident": "参保人",
        "year": "医保年度",
        "as_of": "判断日期",
        "document": "依据文件",
        "eligible": "可否参保",
        "yes": "可以参保",
        "no": "不能参保",
        "categories": "参保对象类别",
        "enrollment": "参保地",
        "standard": "筹资标准",
        "individual": "个人缴费标准",
        "assistance": "资助",
        "individual_due": "个人应缴",
        "window": "集中缴费期",
        "status": "缴费状态",
        "amount_due": "当日可缴金额",
        "accepted": "记录中的缴费",
        "benefit": "待遇享受期",
        "waiting": "待遇等待期",
        "channels": "缴费渠道",
        "refund": "可否退费",
        "trail": "依据",
        "none": "无",
        "yuan": "元",
        "months": "个月",
        "reading": "解读",
        "true": "是",
        "false": "否",
        "null": "—",
        "outcome": {"passed": "✓ 符合", "failed": "✗ 不符合", "not_applicable": "· 不适用"},
        "full": "{}全额资助",
        "error": "错误",
    },
    "en": {
        "title": "Meizhou resident medical insurance decision",
        "resident": "Resident",
        "year": "Policy year",
        "as_of": "As of",
        "document": "Document",
        "eligible": "May enroll",
        "yes": "yes",
        "no": "no",
        "categories": "Categories",
        "enrollment": "Enrolls in",
        "standard": "Standard",
        "individual": "Individual share",
        "assistance": "Subsidy",
        "individual_due": "Resident pays",
        "window": "Collection window",
        "status": "Payment status",
        "amount_due": "May pay today",
        "accepted": "Payment on record",
        "benefit": "Benefit period",
        "waiting": "Waiting period",
        "channels": "Channels",
        "refund": "Refundable",
        "trail": "Reasons",
        "none": "none",
        "yuan": "yuan",
        "months": "months",
        "reading": "reading",
        "true": "yes",
        "false": "no",
        "null": "-",
        "outcome": {"passed": "✓ passed", "failed": "✗ failed", "not_applicable": "· n/a"},
        "full": "{} (full)",
        "error": "error",
    },
}


def _value(value: Any, labels: dict[str, Any]) -> str:
    if value is None:
        return labels["null"]
    if isinstance(value, bool):
        return labels["true" if value else "false"]
    return str(value)


def _money(value: Any, labels: dict[str, Any]) -> str:
    return labels["null"] if value is None else f"{value} {labels['yuan']}"


def _name(reference: dict[str, Any] | None, kind: str, code: str, lang: str) -> str:
    """A code's name in data.mz.reference (the bundle's), or the code itself."""
    entry = ((reference or {}).get(kind) or {}).get(code)
    return entry[lang] if isinstance(entry, dict) and lang in entry else code


def _names(reference: dict[str, Any] | None, kind: str, codes: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(_name(reference, kind, code, lang) for code in codes)


def summary_rows(decision: dict[str, Any], lang: str, reference: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """The headline facts of a decision as (label, value) rows; codes named
    from `reference` (data.mz.reference), where given."""
    L = LABELS[lang]
    c, p, b = decision["contribution"], decision["payment"], decision["benefit"]
    assistance = c.get("assistance")
    enrollment = decision.get("enrollment") or {}
    rows = [
        (L["year"], f"{decision['policy_year']} ({decision['document']})"),
        (L["as_of"], decision.get("as_of", "")),
        (L["eligible"], L["yes"] if decision["eligible"] else L["no"]),
        (L["categories"], _names(reference, "categories", decision["categories"], lang) or L["none"]),
    ]
    if enrollment.get("region"):
        code = enrollment["region"]
        region = " ".join(dict.fromkeys([code, _name(reference, "regions", code, lang)]))  # the code, its name if known
        rows.append((L["enrollment"], f"{region} ({_name(reference, 'enrollment_bases', enrollment['via'], lang)})"))
    standard = _money(c["total"], L)
    if c["total"] is not None:
        standard += f" = {c['fiscal_subsidy']} + {c['individual']}"
    rows += [
        (L["standard"], standard),
        (L["individual"], _money(c["individual"], L)),
        (
            L["assistance"],
            L["full"].format(_name(reference, "assistance_sources", assistance["source"], lang))
            + f": {_money(assistance['amount'], L)}"
            if assistance
            else L["none"],
        ),
        (L["individual_due"], _money(c["individual_due"], L)),
        (L["window"], f"{p['window']['start']} – {p['window']['end']}"),
        (L["status"], _name(reference, "payment_statuses", p["status"], lang)),
        (L["amount_due"], _money(p["amount_due"], L)),
    ]
    if p.get("accepted") is not None:
        rows.append((L["accepted"], _value(p["accepted"], L)))
    benefit = f"{b['start']} – {b['end']}" if b.get("start") else L["null"]
    rows += [
        (L["benefit"], benefit),
        (L["waiting"], f"{b['waiting_months']} {L['months']}"),
        (L["channels"], _names(reference, "channels", decision["channels"], lang) or L["none"]),
    ]
    if decision.get("refund", {}).get("eligible") is not None:
        rows.append((L["refund"], _value(decision["refund"]["eligible"], L)))
    return rows


def text(
    decision: dict[str, Any], lang: str = "zh", name: str | None = None, reference: dict[str, Any] | None = None
) -> str:
    L = LABELS[lang]
    rows = summary_rows(decision, lang, reference)
    if name:
        rows.insert(0, (L["resident"], name))
    width = max(display_width(label) for label, _ in rows)
    lines = [L["title"], ""]
    lines += [f"{label}{' ' * (width - display_width(label))}  {value}" for label, value in rows]
    lines += ["", f"{L['trail']}:"]
    for entry in decision["trail"]:
        reading = f"  [{L['reading']} {entry['reading']}]" if entry.get("reading") else ""
        lines.append(f"  {L['outcome'][entry['outcome']]}  {entry['clause']}{reading}")
        lines.append(f"      {entry['message'][lang]}")
    return visible("\n".join(lines) + "\n")


def markdown(
    decision: dict[str, Any], lang: str = "zh", name: str | None = None, reference: dict[str, Any] | None = None
) -> str:
    L = LABELS[lang]
    rows = summary_rows(decision, lang, reference)
    if name:
        rows.insert(0, (L["resident"], name))
    out = [f"# {L['title']}", "", "| | |", "|---|---|"]
    out += [f"| {_cell(label)} | {_cell(value)} |" for label, value in rows]
    out += ["", f"## {L['trail']}", "", "| | clause | rule | |", "|---|---|---|---|"]
    for entry in decision["trail"]:
        message = entry["message"][lang]
        if entry.get("reading"):
            message += f" ({L['reading']} {entry['reading']})"
        out.append(
            f"| {L['outcome'][entry['outcome']]} | {_cell(entry['clause'])} | `{entry['rule']}` | {_cell(message)} |"
        )
    return visible("\n".join(out) + "\n")


def as_json(decision: dict[str, Any]) -> str:
    # Inside a JSON string, the escape visible() writes is the JSON escape of the same surrogate.
    return visible(json.dumps(decision, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def render(
    decision: dict[str, Any], fmt: str, lang: str, name: str | None = None, reference: dict[str, Any] | None = None
) -> str:
    """The decision in `fmt`; text and markdown name codes from `reference`
    (data.mz.reference: payment statuses, subsidy sources), else show them."""
    if fmt == "json":
        return as_json(decision)
    if fmt == "markdown":
        return markdown(decision, lang, name, reference)
    return text(decision, lang, name, reference)


def _cell(value: str) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")
