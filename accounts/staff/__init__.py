"""Staff logins: administrators invite new staff, change their role, deactivate and reactivate
them; the invited person sets their password from an emailed single-use link, then sets up their
authenticator app at first sign-in (`accounts.middleware.StaffMFARequiredMiddleware`).

Used by administrators (`Perm.MANAGE_USERS`) and, for the invitation link alone, by the invited
person before they have a password. Imports `accounts.models`, `accounts.services` and
`accounts.roles` only; every change leaves an `AuditEvent`.
"""
