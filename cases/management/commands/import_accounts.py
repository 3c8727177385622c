from cases.corebanking.command import ImportCommand
from cases.corebanking.imports import accounts_import
from cases.corebanking.rows import parse_accounts


class Command(ImportCommand):
    help = (
        "Create or update card accounts from the core system's CSV (docs/import-format.md). "
        "A file with any bad row imports nothing."
    )
    kind = "accounts"
    parse = staticmethod(parse_accounts)
    write = staticmethod(accounts_import)
