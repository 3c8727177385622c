"""Linking a login to card accounts: the cardholder proves they hold the card; failed attempts
are limited per login, per client address and per card; staff release a locked card.

Imports `models`, `core` and `accounts`; never another feature's views or forms.
"""
