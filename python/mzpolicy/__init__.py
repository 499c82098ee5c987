"""mzpolicy: Meizhou resident medical insurance rules, decided by OPA."""

__version__ = "0.1.0"
