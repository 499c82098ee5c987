"""A seeded synthetic roster of Meizhou residents for the benchmark.

    python bench/gen_roster.py N [--seed S] [--out FILE] [--format jsonl|csv] [--bad-rate R]

The mix is meant to look like a county's 居民医保 roster during the 2025
collection window (as_of 2024-11-20): mostly hukou residents of the eight
counties in proportion to their population, with students, 居住证 holders,
a few HMT residents and foreigners, the 医疗救助 and county-subsidy identities
at roughly the rates the lists have, payments in and outside the window, some
employee-insured or enrolled-elsewhere people, life events, and a small share
of rows that repeat an earlier person's ID number (重复参保). Every ID number
is a valid GB 11643 number (mzpolicy.records.check_digit). `--bad-rate` mixes
in unparseable and schema-invalid rows.

The same seed and N always give the same file, byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections.abc import Iterator
from typing import Any

from mzpolicy.records import check_digit

AS_OF = "2024-11-20"

# Permanent population, 2020 census, in ten thousands (rounded).
COUNTIES = {
    "441402": 42,  # 梅江区
    "441403": 56,  # 梅县区
    "441422": 37,  # 大埔县
    "441423": 48,  # 丰顺县
    "441424": 105,  # 五华县
    "441426": 23,  # 平远县
    "441427": 20,  # 蕉岭县
    "441481": 96,  # 兴宁市
}
# Old numbers keep old prefixes: 441421 was 梅县 before 2013.
OLD_PREFIXES = {"441403": "441421"}
OUTSIDE = ["440100", "440300", "445200", "441300", "360700", "350800", "430100"]
HMT = {"810000": "Hong Kong", "820000": "Macao", "830000": "Taiwan"}

# (identity, share of residents); a person may hold more than one.
IDENTITIES = [
    ("subsistence_allowance", 0.030),
    ("marginal_subsistence", 0.010),
    ("extreme_poverty", 0.004),
    ("orphan", 0.0005),
    ("de_facto_unsupported_child", 0.0005),
    ("rural_poverty_risk", 0.010),
    ("stable_poverty_exit", 0.020),
    ("severe_disability", 0.015),
    ("entitled_group", 0.005),
]
TWO_DAUGHTER_FAMILIES = 0.003
LEVELS = [("primary", 0.45), ("secondary", 0.35), ("vocational", 0.08), ("higher_education", 0.07), ("preschool", 0.05)]


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.used: set[str] = set()
        self.people: list[str] = []  # a reservoir of earlier ID numbers, for duplicates
        self.counties = list(COUNTIES)
        self.county_weights = list(COUNTIES.values())

    def id_number(self, prefix: str, birth: str) -> str:
        while True:
            first17 = prefix + birth.replace("-", "") + f"{self.rng.randrange(1000):03d}"
            if first17 not in self.used:
                self.used.add(first17)
                return first17 + check_digit(first17)

    def birth(self, low: int, high: int) -> str:
        year = self.rng.randint(2024 - high, 2024 - low)
        month = self.rng.randint(1, 10 if year == 2024 else 12)  # born before as_of
        day = self.rng.randint(1, 28)
        return f"{year:04d}-{month:02d}-{day:02d}"

    def county(self) -> str:
        return self.rng.choices(self.counties, weights=self.county_weights)[0]

    def record(self) -> dict[str, Any]:
        rng = self.rng
        kind = _pick(
            rng,
            [("hukou", 0.86), ("student", 0.07), ("permit", 0.05), ("hmt", 0.004), ("foreign", 0.001)],
        )
        county = self.county()
        r: dict[str, Any] = {"name": f"居民{rng.randrange(10**6):06d}"}
        if kind == "hmt":
            prefix = rng.choice(list(HMT))
            birth = self.birth(18, 70)
            r.update(id_type="hmt_residence_permit", id_number=self.id_number(prefix, birth))
            r.update(residence_region=county, employed=rng.random() < 0.3)
        elif kind == "foreign":
            birth = self.birth(18, 70)
            r.update(id_type="foreign_permanent_residence", id_number=self.id_number("9" + "36" + "440", birth)[:18])
            r.update(residence_region=county, employed=rng.random() < 0.3)
        else:
            if kind in ("permit", "student") and rng.random() < (0.9 if kind == "permit" else 0.3):
                hukou = rng.choice(OUTSIDE)
            else:
                hukou = county
            birth = self.birth(6, 22) if kind == "student" else self.birth(0, 95)
            prefix = OLD_PREFIXES.get(hukou, hukou) if birth < "2013-01-01" and rng.random() < 0.5 else hukou
            r.update(id_type="resident_id", id_number=self.id_number(prefix, birth), hukou_region=hukou)
            r["residence_region"] = county
            if kind == "permit":
                r["residence_permit_region"] = county
            if kind == "student":
                level = _pick(rng, LEVELS)
                r["student"] = {"level": level, "school_region": county}
                if level != "preschool":
                    r["student"]["full_time"] = True
                if hukou not in COUNTIES and rng.random() < 0.5:
                    r["student"]["migrant_worker_child"] = True
            if hukou in COUNTIES and rng.random() < 0.3:
                r["rural"] = True
        self.add_identities(r, birth)
        self.add_circumstances(r)
        self.add_payment(r)
        return r

    def add_identities(self, r: dict[str, Any], birth: str) -> None:
        rng = self.rng
        ids = [i for i, share in IDENTITIES if rng.random() < share]
        if rng.random() < TWO_DAUGHTER_FAMILIES:
            ids.append("two_daughter_girl" if birth >= "2006-01-01" else "two_daughter_parent")
        if ids:
            r["identities"] = sorted(set(ids))
            if rng.random() < 0.02:
                r["identity_region"] = rng.choice(OUTSIDE)

    def add_circumstances(self, r: dict[str, Any]) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.04:
            r["employee_insurance"] = True
        elif roll < 0.05:
            r["resident_insurance_elsewhere"] = True
        if rng.random() < 0.85:
            r["enrolled_years"] = [y for y in (2022, 2023, 2024) if rng.random() < 0.93]
        if rng.random() < 0.02:
            event = rng.choice(["death", "hukou_moved_in", "employee_insurance_started", "duplicate_enrollment"])
            r.setdefault("events", {})[event] = f"2024-{rng.randint(9, 11):02d}-{rng.randint(1, 19):02d}"
        if rng.random() < 0.05:
            r["relative_employee_account"] = True

    def add_payment(self, r: dict[str, Any]) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            r["payment"] = {"date": f"2024-{rng.randint(9, 11):02d}-{rng.randint(15 if roll < 0.1 else 1, 19):02d}"}
            r["payment"]["amount"] = 400 if rng.random() < 0.97 else rng.choice([200, 380, 1070])
        elif roll < 0.56:
            r["payment"] = {"date": "2024-09-01", "amount": 400}  # before the window: not accepted

    def rows(self, n: int, bad_rate: float = 0.0) -> Iterator[dict[str, Any] | str]:
        rng = self.rng
        for _ in range(n):
            if bad_rate and rng.random() < bad_rate:
                yield self.bad_row()
                continue
            if self.people and rng.random() < 0.002:
                r = self.record()
                r["id_number"] = rng.choice(self.people)  # the same person twice
                r["id_type"] = "resident_id"
                r.pop("birth_date", None)
                yield r
                continue
            r = self.record()
            if len(self.people) < 10_000:
                self.people.append(r["id_number"])
            elif rng.random() < 0.01:
                self.people[rng.randrange(10_000)] = r["id_number"]
            yield r

    def bad_row(self) -> dict[str, Any] | str:
        r = self.record()
        kind = self.rng.randrange(4)
        if kind == 0:
            return '{"name": "broken", "id_type": "resident_id"'  # unparseable
        if kind == 1:
            n = r["id_number"]
            r["id_number"] = n[:17] + ("0" if n[17] != "0" else "1")  # wrong check digit
        elif kind == 2:
            r["nmae"] = r.pop("name")  # a misspelt field
        else:
            r["hukou_region"] = "441421"  # a Meizhou code no longer current
        return r


def write(rows: Iterator[dict[str, Any] | str], out: Any, fmt: str) -> None:
    if fmt == "jsonl":
        for r in rows:
            out.write((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n")
        return
    from mzpolicy.roster.io import CSV_COLUMNS, record_to_csv_row

    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow(['{"broken'] if isinstance(r, str) else record_to_csv_row(r))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--out", default="-")
    ap.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    ap.add_argument("--bad-rate", type=float, default=0.0)
    args = ap.parse_args(argv)
    gen = Generator(args.seed)
    if args.out == "-":
        write(gen.rows(args.n, args.bad_rate), sys.stdout, args.format)
    else:
        with open(args.out, "w", encoding="utf-8", newline="") as f:
            write(gen.rows(args.n, args.bad_rate), f, args.format)


if __name__ == "__main__":
    main()
