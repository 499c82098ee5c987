"""Where this package asks the bundle, as paths under /v1/data.

The contract's entrypoints (CONTRACT §3: the decision and the loaded years)
and the documents the package reads to learn the policy's own facts (the rule
index built from the rules' METADATA, the names of codes, the years' tables)
are named here and nowhere else: no other module names a Rego package or a
rule's path, it reads rule ids and decision fields from these answers.
"""

from __future__ import annotations

DECISION = "mz/medins/decision"
LOADED_YEARS = "mz/medins/loaded_years"

# Many decisions per query (batch.rego): every request's whole decision, or the
# lean row a roster needs (headline fields, failed rule ids, the 免缴台账 facts).
BATCH_DECISIONS = "mz/medins/batch/decisions"
BATCH_ROWS = "mz/medins/batch/rows"

# The rule index (data.mz.index: every rule id with its title, templates and
# the parts of the decision its package explains), the names of codes
# (data.mz.reference), one year's resolved table (data.params["2025"]).
RULE_INDEX = "mz/index"
REFERENCE = "mz/reference"
YEARS = "params"

# The schemas as the Rego reads them (json.match_schema), and the resident
# schema's field shapes the validation's fast path reads (generated).
SCHEMAS = "mz/schemas"
FIELD_SHAPES = "mz/checks"

# The whole check of every loaded year's table (lib/years.rego).
YEAR_PROBLEMS = "mz/medins/lib/years/year_problems"

# Where the rules that publish ids live in the bundle (read by the year build).
RULES_DIRECTORY = ("mz", "medins", "rules")


def query(path: str) -> str:
    """The path as a Rego reference: mz/medins/decision -> data.mz.medins.decision."""
    return "data." + path.replace("/", ".")
