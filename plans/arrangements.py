"""Telling the core system what was agreed, and tracking that it applied it.

Relief "agreed but not applied" is the most common complaint against hardship programmes: the
bank's core system applies the arrangement, so we say exactly what to apply (the instalments,
the rate during the plan, the waivers to post, the re-ageing), once, and track its
acknowledgement. Formats: docs/arrangements.md.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cases.core import record_event
from plans.models import AckStatus, Arrangement, ArrangementKind, RepaymentPlan

#: Staff are shown arrangements the core system has not acknowledged after this long.
ACK_EXPECTED_WITHIN = timedelta(days=1)

CSV_COLUMNS = (
    "arrangement_id",
    "kind",
    "account_reference",
    "plan_reference",
    "plan_type",
    "currency",
    "plan_apr",
    "interest_waived",
    "fees_waived",
    "forgiven_on_completion",
    "first_due_date",
    "last_due_date",
    "instalments",
    "reset_days_past_due",
)


def _payload(plan: RepaymentPlan, kind: str) -> dict[str, object]:
    terms = plan.terms
    payload: dict[str, object] = {
        "arrangement": kind,
        "account_reference": plan.account.bank_reference,
        "plan_reference": plan.reference,
        "case_reference": plan.case.reference,
        "currency": plan.currency,
    }
    if kind == ArrangementKind.START:
        payload.update(
            plan_type=plan.plan_type,
            plan_apr=str(terms.get("apr") or "0"),
            interest_waived=str(plan.interest_waived),
            fees_waived=str(plan.fees_waived),
            forgiven_on_completion=str(plan.forgiven),
            # While the plan is kept the account is treated as up to date (re-aged).
            reset_days_past_due=True,
            instalments=[
                {"number": i.number, "due_date": i.due_date.isoformat(), "amount": str(i.amount)}
                for i in plan.instalments.order_by("number")
            ],
        )
    else:
        payload.update(outcome=plan.status)
    return payload


def arrangement_record(*, plan: RepaymentPlan, kind: str) -> Arrangement:
    """Queue what the core system must apply (once per plan and kind)."""
    arrangement, created = Arrangement.objects.get_or_create(
        plan=plan, kind=kind, defaults={"payload": _payload(plan, kind)}
    )
    if created:
        record_event(
            plan.case,
            actor=None,
            kind="arrangement_queued",
            payload={"arrangement": arrangement.pk, "kind": kind},
            visible=False,
        )
    return arrangement


@dataclass(frozen=True)
class Export:
    batch: str
    count: int
    csv_path: Path
    json_path: Path


def arrangements_export(*, folder: Path) -> Export:
    """Write every arrangement not yet exported to one CSV and one JSON file, and mark them
    exported, in one transaction: each goes out exactly once."""
    now = timezone.now()
    batch = f"{now:%Y%m%dT%H%M%S%f}"
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / f"arrangements-{batch}.csv"
    json_path = folder / f"arrangements-{batch}.json"
    with transaction.atomic():
        pending = list(
            Arrangement.objects.select_for_update().filter(exported_at__isnull=True).order_by("id")
        )
        records = [{"arrangement_id": a.pk, **a.payload} for a in pending]
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for arrangement, record in zip(pending, records, strict=True):
                instalments = record.get("instalments") or []
                writer.writerow(
                    {
                        **{k: v for k, v in record.items() if k in CSV_COLUMNS},
                        "kind": arrangement.kind,
                        "first_due_date": instalments[0]["due_date"] if instalments else "",
                        "last_due_date": instalments[-1]["due_date"] if instalments else "",
                        "instalments": ";".join(
                            f"{i['due_date']}={i['amount']}" for i in instalments
                        ),
                    }
                )
        json_path.write_text(
            json.dumps({"batch": batch, "arrangements": records}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        Arrangement.objects.filter(pk__in=[a.pk for a in pending]).update(
            exported_at=now, export_batch=batch
        )
    return Export(batch, len(pending), csv_path, json_path)


@dataclass(frozen=True)
class Ack:
    arrangement_id: int
    status: str
    applied_on: date | None
    note: str


def acks_import(acks: list[Ack]) -> int:
    """Record the core system's acknowledgements (all or nothing); returns how many changed."""
    changed = 0
    with transaction.atomic():
        for ack in acks:
            arrangement = (
                Arrangement.objects.select_for_update()
                .select_related("plan__case")
                .filter(pk=ack.arrangement_id, exported_at__isnull=False)
                .first()
            )
            if arrangement is None:
                raise ValueError(f"arrangement {ack.arrangement_id} was never exported")
            if arrangement.ack_status == ack.status and arrangement.applied_on == ack.applied_on:
                continue
            arrangement.ack_status = ack.status
            arrangement.applied_on = ack.applied_on
            arrangement.ack_note = ack.note[:500]
            arrangement.acknowledged_at = timezone.now()
            arrangement.save()
            record_event(
                arrangement.plan.case,
                actor=None,
                kind="arrangement_applied"
                if ack.status == AckStatus.APPLIED
                else "arrangement_rejected",
                payload={"arrangement": arrangement.pk, "note": ack.note[:200]},
                visible=ack.status == AckStatus.APPLIED,
            )
            changed += 1
    return changed


def unacknowledged(*, now: datetime | None = None) -> QuerySet[Arrangement]:
    """Arrangements exported more than a day ago that the core system has not applied."""
    now = now or timezone.now()
    return (
        Arrangement.objects.select_related("plan__case", "plan__account")
        .filter(exported_at__lt=now - ACK_EXPECTED_WITHIN)
        .exclude(ack_status=AckStatus.APPLIED)
        .order_by("exported_at")
    )
