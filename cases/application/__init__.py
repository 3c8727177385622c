"""The hardship application wizard: drafts saved at every step, the income and expenditure
statement, evidence, the plan asked for, and submission.

Used by the cardholder's pages (and by staff opening a case for a caller). Imports `models`,
`core`, the shared `documents`, `selectors` and `planning`, and `plans.calculator`; never another
feature's views or forms.
"""
