"""Outreach: the reminders the service sends by itself, and the contact rules every contact keeps.

- `rules`: quiet hours, the cardholder's own contact hours and the contact caps, read by the
  staff's contact log (`cases.negotiation.contacts`) and by the reminders alike;
- `channels`: email through Django's mail backend, SMS through a pluggable backend
  (`settings.SMS_BACKEND`: console, file or in-memory here; a provider's in production);
- `texts`: what each reminder says, as English source text translated for its reader;
- `services`: queueing reminders under a unique key (a scan run twice sends nothing twice),
  delivering them within the rules, the scanners each feature registers, and the opt-out;
- `views`: the opt-out link that every email and text message carries; `tasks`: Celery beat.

Used by the negotiation (offers about to expire, overdue decisions) and by `plans`
(instalments, signatures, arrangements), which register their scanners in their app config.
It imports `cases.models`, `cases.core` and `accounts` services, nothing from other features.
"""
