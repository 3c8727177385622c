"""The bank's negotiation policy and authority limits: `rules` reads them for every feature
(current policy, authority for a role, risk bands, limits an offer exceeds); `services`,
`forms`, `views` and `urls` are the administrators' pages, where a change needs a second
administrator.

Imports `models`, `accounts` and `plans.calculator`; never another feature's views or forms.
"""
