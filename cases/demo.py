"""Where `seed_demo` finds the demo data of `cases` (see `accounts.demo`); it lives with the
core-system data it imitates, in `cases.corebanking`: the card accounts (`demo_bank`), then the
hardship cases on them (`demo_cases`); then the automatic decisions (`cases.decisions.demo`)."""

from cases.corebanking.demo_bank import seed_card_accounts
from cases.corebanking.demo_cases import seed_demo_cases
from cases.decisions.demo import seed_demo_decisions

__all__ = ["seed_card_accounts", "seed_demo_cases", "seed_demo_decisions"]
