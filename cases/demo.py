"""Where `seed_demo` finds the demo data of `cases` (see `accounts.demo`); it lives with the
core-system data it imitates, in `cases.corebanking.demo_bank`."""

from cases.corebanking.demo_bank import seed_card_accounts

__all__ = ["seed_card_accounts"]
