"""The decided rows' Spark schema: the headline fields typed, the decision or error as JSON."""

from __future__ import annotations

from typing import Any

from .worker import FIELDS

AMOUNT = "decimal(12,2)"

# name -> Spark SQL type, in worker.FIELDS order. Amounts of the decision are
# decimals (yuan, two decimals); the record's payment is kept as written
# (payment_date, payment_amount: strings), since an error row's may be anything.
TYPES = {
    "row": "bigint",
    "key": "string",
    "id_number": "string",
    "name": "string",
    "policy_year": "int",
    "document": "string",
    "as_of": "string",
    "eligible": "boolean",
    "categories": "array<string>",
    "enrollment_region": "string",
    "enrollment_via": "string",
    "individual": AMOUNT,
    "assistance_source": "string",
    "assistance_amount": AMOUNT,
    "individual_due": AMOUNT,
    "payment_status": "string",
    "amount_due": AMOUNT,
    "payment_accepted": "boolean",
    "payment_date": "string",
    "payment_amount": "string",
    "benefit_start": "date",
    "benefit_end": "date",
    "waiting_months": "int",
    "refund_eligible": "boolean",
    "duplicate_flag": "string",
    "error_field": "string",
    "error_code": "string",
    "decision": "string",
    "error": "string",
    "ledger": "string",
    "line": "string",
}
assert list(TYPES) == FIELDS, "schema.TYPES and worker.FIELDS name the same columns in the same order"


def _type(kind: str) -> Any:
    from pyspark.sql import types as T

    if kind.startswith("array<"):
        return T.ArrayType(_type(kind[6:-1]))
    if kind.startswith("decimal("):
        precision, scale = (int(x) for x in kind[8:-1].split(","))
        return T.DecimalType(precision, scale)
    simple = {
        "bigint": T.LongType,
        "int": T.IntegerType,
        "string": T.StringType,
        "boolean": T.BooleanType,
        "date": T.DateType,
    }
    return simple[kind]()


def struct() -> Any:
    from pyspark.sql.types import StructField, StructType

    return StructType([StructField(name, _type(kind), nullable=name != "row") for name, kind in TYPES.items()])
