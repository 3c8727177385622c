"""The demo card accounts that `seed_demo` creates (cases/corebanking/demo_bank.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Max, Min, Sum
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cases.corebanking.demo_bank import (
    DEMO_CARDHOLDER_EMAIL,
    ENROLMENT_CARD_LAST4,
    LI_WEI_BIRTH_DATE,
    LI_WEI_ID_LAST4,
    demo_accounts_seed,
)
from cases.models import (
    AccountStatus,
    CardAccount,
    Category,
    DelinquencyBucket,
    Product,
    Transaction,
    TransactionKind,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_cardholder(db: None) -> User:
    return UserFactory.create(email=DEMO_CARDHOLDER_EMAIL, role=Role.CARDHOLDER)


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def seeded(demo_cardholder: User, today: date) -> list[str]:
    return demo_accounts_seed(today=today)


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, min(day.day, 28))


def snapshot() -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
    accounts = [
        {name: value for name, value in row.items() if name != "updated_at"}
        for row in CardAccount.objects.order_by("bank_reference").values()
    ]
    transactions = list(
        Transaction.objects.order_by("bank_reference").values_list(
            "bank_reference", "account__bank_reference", "posted_on", "kind", "amount"
        )
    )
    return accounts, transactions


def test_demo_accounts_cover_every_arrears_bucket_and_both_products(seeded: list[str]) -> None:
    accounts = list(CardAccount.objects.all())
    assert {a.delinquency_bucket for a in accounts} == set(DelinquencyBucket)
    assert {a.product for a in accounts} == set(Product)
    assert {a.status for a in accounts} >= {
        AccountStatus.CURRENT,
        AccountStatus.DELINQUENT,
        AccountStatus.CHARGED_OFF,
    }


def test_demo_accounts_have_realistic_chinese_card_terms(seeded: list[str]) -> None:
    for account in CardAccount.objects.all():
        assert account.currency == "CNY"
        assert Decimal(10_000) <= account.credit_limit <= Decimal(200_000)
        assert account.apr == Decimal("18.25")
        assert account.principal_balance <= account.credit_limit
        assert account.minimum_due <= (
            account.principal_balance
            + account.interest_balance
            + account.penalty_interest_balance
            + account.fees_balance
        )
        if account.days_past_due >= 30:
            # A month or more behind: interest, penalty interest and late charges have built up.
            assert account.interest_balance > 0
            assert account.penalty_interest_balance > 0
            assert account.fees_balance > 0
        if account.status == AccountStatus.CHARGED_OFF:
            assert account.days_past_due >= 180
            assert account.payment_due_date is None
        else:
            assert account.payment_due_date is not None
            assert account.payment_due_date > timezone.localdate()


def test_the_demo_cardholder_holds_a_personal_card_and_a_business_card_in_arrears(
    seeded: list[str], demo_cardholder: User
) -> None:
    linked = {a.product: a for a in CardAccount.objects.filter(holder=demo_cardholder)}

    assert set(linked) == {Product.PERSONAL, Product.SMALL_BUSINESS}
    assert 40 <= linked[Product.PERSONAL].days_past_due <= 50
    assert 90 <= linked[Product.SMALL_BUSINESS].days_past_due <= 100
    for account in linked.values():
        assert account.holder_name == "Li Wei"
        assert account.holder_birth_date == LI_WEI_BIRTH_DATE
        assert account.holder_id_last4 == LI_WEI_ID_LAST4


def test_the_enrolment_demo_card_matches_li_weis_identity_and_is_not_linked(
    seeded: list[str],
) -> None:
    card = CardAccount.objects.get(card_last4=ENROLMENT_CARD_LAST4)

    assert card.holder is None
    assert card.holder_birth_date == date(1988, 5, 17)
    assert card.holder_id_last4 == "0423"
    assert card.delinquency_bucket in (DelinquencyBucket.CURRENT, DelinquencyBucket.DPD_1_29)
    assert "Enrolment demo: card ending 8841, date of birth 1988-05-17, ID ending 0423" in (
        "\n".join(seeded)
    )


def test_only_li_weis_two_cards_are_linked_to_anyone(
    seeded: list[str], demo_cardholder: User
) -> None:
    linked = CardAccount.objects.filter(holder__isnull=False)
    assert linked.count() == 2
    assert set(linked.values_list("holder", flat=True)) == {demo_cardholder.pk}
    others = CardAccount.objects.exclude(holder_name="Li Wei")
    assert others.count() >= 12
    assert others.values("holder_name").distinct().count() == others.count()


def test_every_account_has_six_months_or_more_of_history_up_to_today(
    seeded: list[str], today: date
) -> None:
    for account in CardAccount.objects.all():
        span = account.transactions.aggregate(first=Min("posted_on"), last=Max("posted_on"))
        assert span["first"] <= months_before(today, 6), account.bank_reference
        assert span["last"] <= today
        if account.status != AccountStatus.CHARGED_OFF:
            assert span["last"] >= today - timedelta(days=35), account.bank_reference


def test_transactions_are_categorised_with_the_sign_their_kind_requires(
    seeded: list[str],
) -> None:
    transactions = Transaction.objects.all()
    assert transactions.count() > 2_000
    assert {t.category for t in transactions} >= {
        Category.GROCERIES,
        Category.DINING,
        Category.TRANSPORT,
        Category.UTILITIES,
        Category.SHOPPING,
        Category.ENTERTAINMENT,
        Category.BUSINESS,
        Category.CASH,
        Category.FEES,
        Category.PAYMENT,
    }
    for t in transactions:
        if t.kind in (TransactionKind.PAYMENT, TransactionKind.REFUND):
            assert t.amount < 0
        else:
            assert t.amount > 0
    personal_business_spend = transactions.filter(
        account__product=Product.PERSONAL, category=Category.BUSINESS
    )
    assert not personal_business_spend.exists()
    assert transactions.filter(
        account__product=Product.SMALL_BUSINESS, category=Category.BUSINESS
    ).exists()


def test_payments_stop_once_an_account_falls_behind(seeded: list[str], today: date) -> None:
    for account in CardAccount.objects.filter(days_past_due__gt=0):
        first_missed = today - timedelta(days=account.days_past_due)
        payments = account.transactions.filter(kind=TransactionKind.PAYMENT)
        assert payments.filter(posted_on__lt=first_missed).exists(), account.bank_reference
        assert not payments.filter(posted_on__gte=first_missed).exists(), account.bank_reference
        assert account.transactions.filter(
            kind=TransactionKind.FEE, posted_on__gt=first_missed, description__contains="Late"
        ).exists(), account.bank_reference


def test_the_demo_cardholders_history_shows_what_changed_before_the_arrears(
    seeded: list[str], demo_cardholder: User, today: date
) -> None:
    # The "what changed" view compares the months before the arrears with the months before.
    card = CardAccount.objects.get(holder=demo_cardholder, product=Product.PERSONAL)
    first_missed = today - timedelta(days=card.days_past_due)
    recent = (first_missed - timedelta(days=90), first_missed)
    earlier = (first_missed - timedelta(days=180), first_missed - timedelta(days=90))

    def spent(categories: list[str], period: tuple[date, date]) -> Decimal:
        total = card.transactions.filter(
            category__in=categories, posted_on__gte=period[0], posted_on__lt=period[1]
        ).aggregate(total=Sum("amount"))["total"]
        return total or Decimal(0)

    assert spent([Category.DINING, Category.SHOPPING], recent) < (
        spent([Category.DINING, Category.SHOPPING], earlier) / 2
    )
    assert spent([Category.CASH], recent) > spent([Category.CASH], earlier)
    assert -spent([Category.PAYMENT], recent) < -spent([Category.PAYMENT], earlier)


def test_seeding_twice_on_the_same_day_changes_nothing(
    seeded: list[str], demo_cardholder: User, today: date
) -> None:
    before = snapshot()
    demo_accounts_seed(today=today)
    assert snapshot() == before


def test_seeding_on_a_later_day_moves_the_history_along_without_duplicates(
    seeded: list[str], demo_cardholder: User, today: date
) -> None:
    tomorrow = today + timedelta(days=1)
    demo_accounts_seed(today=tomorrow)

    assert CardAccount.objects.filter(holder=demo_cardholder).count() == 2
    for account in CardAccount.objects.all():
        references = sorted(account.transactions.values_list("bank_reference", flat=True))
        # Numbered from 1 without gaps: nothing left over from the previous day's history.
        expected = [f"DEMO-TX-{account.bank_reference[-4:]}-{n:04d}" for n in range(1, 10_000)]
        assert references == expected[: len(references)]
        assert account.transactions.filter(posted_on__gt=tomorrow).count() == 0


def test_reseeding_leaves_a_card_the_cardholder_enrolled_linked(
    seeded: list[str], demo_cardholder: User, today: date
) -> None:
    CardAccount.objects.filter(card_last4=ENROLMENT_CARD_LAST4).update(holder=demo_cardholder)
    demo_accounts_seed(today=today)
    assert CardAccount.objects.filter(holder=demo_cardholder).count() == 3


def test_seed_demo_links_li_weis_cards_and_prints_the_enrolment_hint(
    capsys: pytest.CaptureFixture[str], settings: Any
) -> None:
    settings.DEBUG = True
    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "Enrolment demo: card ending 8841, date of birth 1988-05-17, ID ending 0423" in out
    cardholder = User.objects.get(email=DEMO_CARDHOLDER_EMAIL)
    assert CardAccount.objects.filter(holder=cardholder).count() == 2
