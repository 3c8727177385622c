"""The opt-out link each reminder by email or text message carries. Public: whoever holds the
link (signed for one person and one channel) may stop that channel; opening it changes nothing,
the button on the page does."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from cases.outreach.services import OPT_OUT_FIELDS, opt_out, opt_out_read


@require_http_methods(["GET", "POST"])
def reminders_stop(request: HttpRequest, token: str) -> HttpResponse:
    found = opt_out_read(token)
    if found is None:
        raise Http404
    user, channel = found
    stopped = not getattr(user.profile, OPT_OUT_FIELDS[channel])
    if request.method == "POST" and not stopped:
        opt_out(user=user, channel=channel)
        stopped = True
    return render(
        request,
        "cases/outreach/stop.html",
        {"channel": channel, "stopped": stopped, "done": request.method == "POST"},
    )
