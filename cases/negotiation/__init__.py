"""The collections team's work on a case and the negotiation with the cardholder.

`services` (the team's use cases), `answers` (the cardholder's), `contacts` (the contact log and
its rules), `selectors` (queue, approvals), `sla`, `tasks`; the staff pages in `views` and
`review`. Imports `models`, `core`, `policy.rules`, the shared `conversation`, `documents`,
`selectors` and `planning`, and `plans.calculator`; never another feature's views or forms.

The use cases are re-exported here, so that other features call `negotiation.offer_accept`.
"""

from cases.negotiation.answers import (
    case_appeal,
    case_reply,
    offer_accept,
    offer_counter,
    offer_decline,
)
from cases.negotiation.contacts import ContactRulesWarning, contact_record, contact_rule_warnings
from cases.negotiation.services import (
    case_assign,
    case_claim,
    case_close,
    case_decline,
    case_record_statement,
    case_request_info,
    document_review,
    offer_approve,
    offer_propose,
    offer_recall,
    offer_reject,
    offer_withdraw,
    offers_expire_due,
)

__all__ = [
    "ContactRulesWarning",
    "case_appeal",
    "case_assign",
    "case_claim",
    "case_close",
    "case_decline",
    "case_record_statement",
    "case_reply",
    "case_request_info",
    "contact_record",
    "contact_rule_warnings",
    "document_review",
    "offer_accept",
    "offer_approve",
    "offer_counter",
    "offer_decline",
    "offer_propose",
    "offer_recall",
    "offer_reject",
    "offer_withdraw",
    "offers_expire_due",
]
