"""Render a decision as text, markdown or JSON, in Chinese or English.

Presentation only: every fact and every sentence of the trail comes from the
decision OPA made, and every code is shown by its name in the bundle's
reference data (data.mz.reference, asked of the same OPA); this module
chooses labels, layout and the wording of the 下一步 / Next steps block.

Every output is text a UTF-8 stream can take: a name with a lone surrogate
(JSON's "\\udcff", which the record may hold) is shown as its escape.
"""

from __future__ import annotations

import json
from typing import Any

from ..records import visible
from .width import display_width

# The trail sections: only the entries the policy marks decided, or all of them.
TRAIL_CHOICES = ("decided", "all")

LABELS = {
    "zh": {
        "title": "梅州市城乡居民医保参保决定",
        "next": "下一步",
        "resident": "参保人",
        "year": "医保年度",
        "as_of": "判断日期",
        "eligible": "可否参保",
        "yes": "可以参保",
        "no": "不能参保",
        "categories": "参保对象类别",
        "enrollment": "参保地",
        "enrollment_value": "{region}（依据：{basis}）",
        "standard": "筹资标准",
        "standard_parts": "{total}（财政补助 {fiscal} + 个人缴费 {individual}）",
        "individual": "个人缴费标准",
        "assistance": "资助",
        "assistance_value": "{source}全额资助 {amount}",
        "individual_due": "个人应缴",
        "window": "集中缴费期",
        "status": "缴费状态",
        "amount_due": "当日可缴金额",
        "accepted": "记录中的缴费",
        "accepted_values": {True: "已被接受", False: "不被接受"},
        "benefit": "待遇享受期",
        "waiting": "待遇等待期",
        "channels": "缴费渠道",
        "refund": "可否退费",
        "trail": "依据",
        "trail_decided": "依据（决定结果的条目；全部条目：--trail all）",
        "none": "无",
        "yuan": "{} 元",
        "months": "{} 个月",
        "reading": "解读",
        "true": "是",
        "false": "否",
        "null": "—",
        "range": "{} 至 {}",
        "list": "、",
        "outcome": {"passed": "✓ 符合", "failed": "✗ 不符合", "not_applicable": "· 不适用"},
        "clause": "条款",
        "message": "说明",
    },
    "en": {
        "title": "Meizhou resident medical insurance decision",
        "next": "Next steps",
        "resident": "Resident",
        "year": "Policy year",
        "as_of": "As of",
        "eligible": "May enroll",
        "yes": "yes",
        "no": "no",
        "categories": "Categories",
        "enrollment": "Enrolls in",
        "enrollment_value": "{region} (basis: {basis})",
        "standard": "Standard",
        "standard_parts": "{total} (fiscal subsidy {fiscal} + individual {individual})",
        "individual": "Individual share",
        "assistance": "Subsidy",
        "assistance_value": "paid in full by {source}: {amount}",
        "individual_due": "Resident pays",
        "window": "Collection window",
        "status": "Payment status",
        "amount_due": "May pay today",
        "accepted": "Payment on record",
        "accepted_values": {True: "accepted", False: "not accepted"},
        "benefit": "Benefit period",
        "waiting": "Waiting period",
        "channels": "Channels",
        "refund": "Refundable",
        "trail": "Reasons",
        "trail_decided": "Reasons (the entries that decided; every entry: --trail all)",
        "none": "none",
        "yuan": "{} yuan",
        "months": "{} months",
        "reading": "reading",
        "true": "yes",
        "false": "no",
        "null": "-",
        "range": "{} to {}",
        "list": ", ",
        "outcome": {"passed": "✓ passed", "failed": "✗ failed", "not_applicable": "· n/a"},
        "clause": "clause",
        "message": "reason",
    },
}

# The 下一步 / Next steps sentences, worded here from decision.next_steps' facts.
NEXT = {
    "zh": {
        "pay_until": "现在应缴 {amount}（{status}），最迟 {until} 缴清。",
        "pay": "现在应缴 {amount}（{status}）。",
        "pay_nothing": "个人无需缴费（{status}），个人缴费由他人全额资助。",
        "paid": "记录中的缴费已被接受，本年度无需再缴。",
        "since": "{on} 起应缴金额为 {amount}，此前为 {before}。",
        "ahead": "{range}：应缴 {amount}（{status}）。",
        "ahead_open": "{start} 起：应缴 {amount}（{status}）。",
        "ahead_nothing": "{range}：个人无需缴费（{status}）。",
        "opens": "集中缴费期 {opens} 开始，届时可缴 {amount}。",
        "cannot_pay": "本年度已不能缴费（{status}）。",
        "channels": "缴费渠道：{channels}。",
        "benefit_wait": "待遇等待期 {months}，待遇自 {start} 起享受，至 {end} 止。",
        "benefit": "待遇享受期：{start} 至 {end}。",
        "refund_yes": "可申请退费，请到{office}办理。",
        "refund_no": "所缴费用不符合退费条件。",
        "office": "办理或咨询：{office}。",
        "ineligible": "本年度不属本市居民医保参保对象（原因见下方依据），请到{office}咨询。",
    },
    "en": {
        "pay_until": "Pay {amount} now ({status}), by {until} at the latest.",
        "pay": "Pay {amount} now ({status}).",
        "pay_nothing": "Nothing to pay ({status}): the individual share is paid in full by others.",
        "paid": "The payment on record is accepted; nothing more to pay this year.",
        "since": "The amount is {amount} since {on}; before, it was {before}.",
        "ahead": "{range}: {amount} ({status}).",
        "ahead_open": "From {start}: {amount} ({status}).",
        "ahead_nothing": "{range}: nothing to pay ({status}).",
        "opens": "The collection window opens on {opens}; {amount} can be paid then.",
        "cannot_pay": "Nothing can be paid any more this year ({status}).",
        "channels": "Channels: {channels}.",
        "benefit_wait": "A waiting period of {months}: benefits from {start} to {end}.",
        "benefit": "Benefit period: {start} to {end}.",
        "refund_yes": "A refund may be applied for at {office}.",
        "refund_no": "The payment does not qualify for a refund.",
        "office": "To enroll or ask: {office}.",
        "ineligible": "Not covered by Meizhou resident insurance this year (the reasons below); ask at {office}.",
    },
}


class Names:
    """The name of every code the decision holds, from data.mz.reference, in one language."""

    def __init__(self, reference: dict[str, Any], lang: str):
        self.reference = reference
        self.lang = lang

    def of(self, kind: str, code: Any) -> str:
        entry = (self.reference.get(kind) or {}).get(code)
        return entry[self.lang] if isinstance(entry, dict) and self.lang in entry else str(code)

    def all(self, kind: str, codes: list[Any]) -> str:
        return LABELS[self.lang]["list"].join(self.of(kind, c) for c in codes) or LABELS[self.lang]["none"]


def _value(value: Any, labels: dict[str, Any]) -> str:
    if value is None:
        return labels["null"]
    if isinstance(value, bool):
        return labels["true" if value else "false"]
    return str(value)


def _money(value: Any, labels: dict[str, Any]) -> str:
    return labels["null"] if value is None else labels["yuan"].format(value)


def summary_rows(decision: dict[str, Any], lang: str, reference: dict[str, Any]) -> list[tuple[str, str]]:
    """The headline facts of a decision as (label, value) rows, every code by its name."""
    L, n = LABELS[lang], Names(reference, lang)
    c, p, b = decision["contribution"], decision["payment"], decision["benefit"]
    assistance = c.get("assistance")
    enrollment = decision.get("enrollment") or {}
    rows = [
        (L["year"], f"{decision['policy_year']} ({decision['document']})"),
        (L["as_of"], decision.get("as_of", "")),
        (L["eligible"], L["yes"] if decision["eligible"] else L["no"]),
        (L["categories"], n.all("categories", decision["categories"])),
    ]
    if enrollment.get("region"):
        region, basis = n.of("regions", enrollment["region"]), n.of("enrollment_bases", enrollment["via"])
        rows.append((L["enrollment"], L["enrollment_value"].format(region=region, basis=basis)))
    standard = _money(c["total"], L)
    if c["total"] is not None:
        standard = L["standard_parts"].format(
            total=standard, fiscal=_money(c["fiscal_subsidy"], L), individual=_money(c["individual"], L)
        )
    if assistance:
        source = n.of("assistance_sources", assistance["source"])
        subsidy = L["assistance_value"].format(source=source, amount=_money(assistance["amount"], L))
    else:
        subsidy = L["none"]
    rows += [
        (L["standard"], standard),
        (L["individual"], _money(c["individual"], L)),
        (L["assistance"], subsidy),
        (L["individual_due"], _money(c["individual_due"], L)),
        (L["window"], L["range"].format(p["window"]["start"], p["window"]["end"])),
        (L["status"], n.of("payment_statuses", p["status"])),
        (L["amount_due"], _money(p["amount_due"], L)),
    ]
    if p.get("accepted") is not None:
        rows.append((L["accepted"], L["accepted_values"][bool(p["accepted"])]))
    benefit = L["range"].format(b["start"], b["end"]) if b.get("start") else L["null"]
    rows += [
        (L["benefit"], benefit),
        (L["waiting"], L["months"].format(b["waiting_months"])),
        (L["channels"], n.all("channels", decision["channels"])),
    ]
    if decision.get("refund", {}).get("eligible") is not None:
        rows.append((L["refund"], _value(decision["refund"]["eligible"], L)))
    return rows


def next_steps(decision: dict[str, Any], lang: str, reference: dict[str, Any]) -> list[str]:
    """The 下一步 / Next steps sentences, worded from decision.next_steps."""
    L, W, n = LABELS[lang], NEXT[lang], Names(reference, lang)
    s = decision["next_steps"]
    office = n.of("offices", s["office"])
    status = n.of("payment_statuses", s["status"])
    if not s["eligible"]:
        return [W["ineligible"].format(office=office), *_refund(s, W, office)]
    out = []
    amount = s["amount_due"]
    if s["paid"]:
        out.append(W["paid"])
    elif s["opens"]:
        out.append(W["opens"].format(opens=s["opens"], amount=_money(_first_amount(s), L)))
    elif amount == 0:
        out.append(W["pay_nothing"].format(status=status))
    elif amount is not None:
        key = "pay_until" if s["until"] else "pay"
        out.append(W[key].format(amount=_money(amount, L), status=status, until=s["until"]))
    else:
        out.append(W["cannot_pay"].format(status=status))
    if not s["paid"]:
        since = s.get("since")
        if since and amount is not None:
            out.append(
                W["since"].format(
                    on=since["on"], amount=_money(since["amount"], L), before=_money(since["amount_before"], L)
                )
            )
        for period in s["ahead"]:
            words = {"amount": _money(period["amount"], L), "status": n.of("payment_statuses", period["status"])}
            if period["amount"] == 0 and period["until"]:
                out.append(W["ahead_nothing"].format(range=L["range"].format(period["from"], period["until"]), **words))
            elif period["until"]:
                out.append(W["ahead"].format(range=L["range"].format(period["from"], period["until"]), **words))
            else:
                out.append(W["ahead_open"].format(start=period["from"], **words))
        if s["channels"] and (amount or s["opens"] or s["ahead"]):
            out.append(W["channels"].format(channels=n.all("channels", s["channels"])))
    if s["benefit_start"]:
        if s["waiting_months"]:
            months = L["months"].format(s["waiting_months"])
            out.append(W["benefit_wait"].format(months=months, start=s["benefit_start"], end=s["benefit_end"]))
        else:
            out.append(W["benefit"].format(start=s["benefit_start"], end=s["benefit_end"]))
    out += _refund(s, W, office)
    if s["refund"] is not True:
        out.append(W["office"].format(office=office))
    return out


def _refund(steps: dict[str, Any], W: dict[str, str], office: str) -> list[str]:
    """A refund to apply for (and where), or that the payment is not refundable; nothing where no refund case arises."""
    if steps["refund"] is True:
        return [W["refund_yes"].format(office=office)]
    if steps["refund"] is False:
        return [W["refund_no"]]
    return []


def _first_amount(steps: dict[str, Any]) -> Any:
    """What can be paid when the window opens: the first payable period ahead."""
    return next((p["amount"] for p in steps["ahead"]), steps["amount_due"])


def _named_rows(
    decision: dict[str, Any], lang: str, name: str | None, reference: dict[str, Any]
) -> list[tuple[str, str]]:
    """The summary's rows, the resident's name first where the record gives one."""
    rows = summary_rows(decision, lang, reference)
    return [(LABELS[lang]["resident"], name), *rows] if name else rows


def _trail(decision: dict[str, Any], trail: str) -> list[dict[str, Any]]:
    entries = decision["trail"]
    return entries if trail == "all" else [e for e in entries if e.get("decided")]


def text(
    decision: dict[str, Any],
    lang: str = "zh",
    name: str | None = None,
    reference: dict[str, Any] | None = None,
    trail: str = "decided",
) -> str:
    L, reference = LABELS[lang], reference or {}
    rows = _named_rows(decision, lang, name, reference)
    width = max(display_width(label) for label, _ in rows)
    lines = [L["title"], "", f"{L['next']}:"]
    lines += [f"  • {sentence}" for sentence in next_steps(decision, lang, reference)]
    lines.append("")
    lines += [f"{label}{' ' * (width - display_width(label))}  {value}" for label, value in rows]
    lines += ["", f"{L['trail'] if trail == 'all' else L['trail_decided']}:"]
    for entry in _trail(decision, trail):
        reading = f"  [{L['reading']} {entry['reading']}]" if entry.get("reading") else ""
        lines.append(f"  {L['outcome'][entry['outcome']]}  {entry['clause']}{reading}")
        lines.append(f"      {entry['message'][lang]}")
    return visible("\n".join(lines) + "\n")


def markdown(
    decision: dict[str, Any],
    lang: str = "zh",
    name: str | None = None,
    reference: dict[str, Any] | None = None,
    trail: str = "decided",
) -> str:
    L, reference = LABELS[lang], reference or {}
    rows = _named_rows(decision, lang, name, reference)
    out = [f"# {L['title']}", "", f"## {L['next']}", ""]
    out += [f"- {_cell(sentence)}" for sentence in next_steps(decision, lang, reference)]
    out += ["", "| | |", "|---|---|"]
    out += [f"| {_cell(label)} | {_cell(value)} |" for label, value in rows]
    heading = L["trail"] if trail == "all" else L["trail_decided"]
    out += ["", f"## {heading}", "", f"| | {L['clause']} | {L['message']} |", "|---|---|---|"]
    for entry in _trail(decision, trail):
        message = entry["message"][lang]
        if entry.get("reading"):
            message += f" ({L['reading']} {entry['reading']})"
        out.append(f"| {L['outcome'][entry['outcome']]} | {_cell(entry['clause'])} | {_cell(message)} |")
    return visible("\n".join(out) + "\n")


def as_json(decision: dict[str, Any]) -> str:
    # Inside a JSON string, the escape visible() writes is the JSON escape of the same surrogate.
    return visible(json.dumps(decision, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def render(
    decision: dict[str, Any],
    fmt: str,
    lang: str,
    name: str | None = None,
    reference: dict[str, Any] | None = None,
    trail: str = "decided",
) -> str:
    """The decision in `fmt`; json is the whole decision (its whole trail) whatever `trail` says."""
    if fmt == "json":
        return as_json(decision)
    if fmt == "markdown":
        return markdown(decision, lang, name, reference, trail)
    return text(decision, lang, name, reference, trail)


def _cell(value: str) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")
