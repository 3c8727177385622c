# Amounts in the Chinese interface are grouped by thousands, as banks print them (12,345.67).
from django.conf.locale.zh_Hans.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
