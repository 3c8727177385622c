from cases.corebanking.command import ImportCommand
from cases.corebanking.imports import parse_transactions, transactions_import


class Command(ImportCommand):
    help = (
        "Add posted card transactions from the core system's CSV (docs/import-format.md). "
        "Their accounts must be imported first. A file with any bad row imports nothing."
    )
    kind = "transactions"
    parse = staticmethod(parse_transactions)
    write = staticmethod(transactions_import)
