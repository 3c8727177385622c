"""The agreement PDF: rendered with WeasyPrint from the plan, in the language it was accepted in.

Everything printed comes from the plan and its acceptance snapshot (never a new calculation).
The font configuration and the stylesheet are parsed once per process and reused, which is
most of the cost of a render.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from cases.core import terms_from_json
from cases.disclosure import accrual_sentence
from cases.policy.rules import current_policy, plan_policy
from plans.calculator import build_schedule
from plans.models import RepaymentPlan

#: A Latin font first and the CJK font as fallback: Chinese text falls through to Noto CJK,
#: while digits and Latin letters stay in the small DejaVu subset (the PDF stays small).
STYLESHEET = """
@page {
  size: A4;
  margin: 20mm 18mm 22mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #444; }
  @bottom-left { content: string(reference); font-size: 8pt; color: #444; }
}
html { font-family: "DejaVu Sans", "Noto Sans CJK SC", sans-serif; font-size: 9.5pt;
       line-height: 1.45; color: #111; }
h1 { font-size: 15pt; margin: 0 0 2mm; string-set: reference attr(data-reference); }
h2 { font-size: 11pt; margin: 6mm 0 2mm; border-bottom: 0.5pt solid #999; padding-bottom: 1mm; }
table { width: 100%; border-collapse: collapse; }
th, td { padding: 1mm 1.5mm; border-bottom: 0.3pt solid #ccc; text-align: left; }
td.n, th.n { text-align: right; white-space: nowrap; }
tr.nothing td { color: #444; background: #f3f3f3; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
dl.figures { display: grid; grid-template-columns: 60% 40%; margin: 0; }
dl.figures dt, dl.figures dd { margin: 0; padding: 0.6mm 0; border-bottom: 0.3pt solid #eee; }
dl.figures dd { text-align: right; }
.qr { float: right; width: 28mm; margin-left: 4mm; }
.small { font-size: 8pt; color: #333; }
pre.disclosure { white-space: pre-wrap; font-family: inherit; font-size: 8pt; }
.signature { border: 0.5pt solid #999; padding: 3mm; margin-top: 4mm; }
"""


@cache
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@cache
def _stylesheet() -> CSS:
    return CSS(string=STYLESHEET, font_config=_fonts())


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    sha256: str


def verification_url(plan: RepaymentPlan) -> str:
    return f"{settings.SITE_URL}{reverse('plans:verify')}?reference={plan.reference}"


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, border=0)


def agreement_context(plan: RepaymentPlan, signature: dict[str, Any] | None) -> dict[str, Any]:
    acceptance = plan.acceptance
    account = plan.account
    instalments = list(plan.instalments.all())
    url = verification_url(plan)
    return {
        "plan": plan,
        "account": account,
        "case": plan.case,
        "acceptance": acceptance,
        "balances": acceptance.balances,
        "figures": plan.figures,
        "terms": plan.terms,
        "instalments": instalments,
        "payments": sum(1 for i in instalments if i.amount),
        "nothing_due": sum(1 for i in instalments if not i.amount),
        "currency": plan.currency,
        "bank_name": settings.BANK_NAME,
        "helpline": settings.BANK_HELPLINE,
        "tolerance_days": current_policy().broken_plan_tolerance_days,
        "verification_url": url,
        "qr_svg": _qr_svg(url),
        "signature": signature,
        # Words only: whether interest and fees accrue follows from the terms; every amount
        # printed comes from the snapshot.
        "accrual": accrual_sentence(
            build_schedule(terms_from_json(plan.terms), plan_policy()), plan.currency
        ),
    }


def render_agreement(plan: RepaymentPlan, *, signature: dict[str, Any] | None = None) -> Rendered:
    """The agreement as a PDF, in the plan's language; with the signature record once signed."""
    with translation.override(plan.language):
        html = render_to_string("plans/agreement.html", agreement_context(plan, signature))
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[_stylesheet()],
        font_config=_fonts(),
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
    )
    assert pdf is not None  # noqa: S101 - write_pdf without a target returns the bytes
    return Rendered(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest())
