"""Data from the bank's core system: the CSV formats and their import (`rows`, `imports`), and
the demo bank that fills a fresh installation (`demo_bank`).

Used by the management commands and `seed_demo`. Imports `models` only.
"""
