from django.db import migrations, models


def backfill_sent_at(apps, schema_editor):
    """An offer was sent when its `offer_sent` event was written; offers without one (rejected
    by a supervisor, or withdrawn while waiting for approval) were never sent."""
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Offer = apps.get_model("cases", "Offer")
    for event in CaseEvent.objects.filter(kind="offer_sent").iterator():
        offer_id = (event.payload or {}).get("offer")
        if offer_id:
            Offer.objects.filter(pk=offer_id, sent_at__isnull=True).update(
                sent_at=event.occurred_at
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_admin_can_view"),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill_sent_at, migrations.RunPython.noop),
    ]
