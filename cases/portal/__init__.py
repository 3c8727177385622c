"""The cardholder's portal: their dashboard, their accounts, and the case page from which they
answer offers, write to the team and withdraw.

Its views call the services of `application` and `negotiation` (the cardholder's answers); it
imports `models`, `core` and the shared `selectors`, never another feature's views or forms.
"""
