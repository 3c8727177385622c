"""The demo bank's people and their habits: the demo card accounts and their arrears stories,
the shops and bills they spend on, and how spending changes as money gets tight. Used by
`cases.corebanking.demo_bank`, which simulates a year of each account from them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cases.models import (
    Category,
    Product,
)

DEMO_CARDHOLDER_EMAIL = "cardholder@demo.example"
ACCOUNT_PREFIX = "DEMO-ACC-"
ENROLMENT_CARD_LAST4 = "8841"
LI_WEI_BIRTH_DATE = date(1988, 5, 17)
LI_WEI_ID_LAST4 = "0423"

APR = Decimal("18.25")  # 0.05% a day, the usual rate on Chinese credit cards
DAILY_RATE = Decimal("0.0005")
PENALTY_DAILY_RATE = Decimal("0.00025")  # on top of interest once a payment is missed
LATE_FEE_SHARE = Decimal("0.05")  # late-payment charge: 5% of the unpaid minimum
CASH_FEE_SHARE = Decimal("0.01")  # cash-advance fee: 1%, at least 10 yuan
MINIMUM_SHARE = Decimal("0.10")  # minimum payment: 10% of principal plus interest and fees
STATEMENT_DAYS_BEFORE_DUE = 20
SUSPENDED_AFTER_DAYS = 35  # the bank stops new spending once this far behind
CHARGED_OFF_AFTER_DAYS = 180


@dataclass(frozen=True)
class DemoAccount:
    number: int
    holder_name: str
    product: Product
    days_past_due: int
    credit_limit: int
    card_last4: str
    pays_in_full: bool = False
    #: Days of cutting back before the first missed payment (or before today, if none).
    struggling_days: int = 90
    belongs_to_li_wei: bool = False
    linked: bool = False

    @property
    def reference(self) -> str:
        return f"{ACCOUNT_PREFIX}{self.number:04d}"


_P, _B = Product.PERSONAL, Product.SMALL_BUSINESS
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    # The demo cardholder's two enrolled cards, and a third one the demo enrols live.
    DemoAccount(1, "Li Wei", _P, 45, 30_000, "3307", belongs_to_li_wei=True, linked=True),
    DemoAccount(2, "Li Wei", _B, 95, 80_000, "5126", belongs_to_li_wei=True, linked=True),
    DemoAccount(3, "Li Wei", _P, 9, 20_000, ENROLMENT_CARD_LAST4, belongs_to_li_wei=True),
    # Other, fictional holders: at least one account in every arrears bucket.
    DemoAccount(4, "Zhao Lei", _P, 0, 50_000, "2290", pays_in_full=True, struggling_days=0),
    DemoAccount(5, "Sun Li", _B, 0, 150_000, "6718", struggling_days=0),
    DemoAccount(6, "Zhou Qiang", _P, 0, 12_000, "4053", struggling_days=60),
    DemoAccount(7, "Wu Hong", _P, 5, 20_000, "9136"),
    DemoAccount(8, "Xu Ming", _B, 21, 100_000, "1874"),
    DemoAccount(9, "Hu Jun", _P, 33, 15_000, "5521"),
    DemoAccount(10, "Guo Ying", _B, 52, 60_000, "0386"),
    DemoAccount(11, "He Ping", _P, 64, 25_000, "7702"),
    DemoAccount(12, "Gao Yan", _B, 81, 120_000, "3468"),
    DemoAccount(13, "Lin Tao", _P, 128, 40_000, "8195"),
    DemoAccount(14, "Luo Na", _P, 160, 10_000, "2647"),
    DemoAccount(15, "Zheng Hui", _P, 212, 18_000, "6009"),
    DemoAccount(16, "Liang Bo", _B, 245, 200_000, "1532"),
    DemoAccount(17, "Song Jia", _P, 0, 70_000, "4480", pays_in_full=True, struggling_days=0),
    DemoAccount(18, "Tang Xin", _B, 3, 35_000, "7261"),
)


# --- Spending habits -------------------------------------------------------------------------


@dataclass(frozen=True)
class Merchant:
    name: str
    low: int  # yuan
    high: int


@dataclass(frozen=True)
class Habit:
    category: Category
    tenths_per_month: int  # 80 = about 8 times a month
    merchants: tuple[Merchant, ...]
    essential: bool = False  # essentials are the last thing people cut


@dataclass(frozen=True)
class Bill:
    category: Category
    merchant: Merchant
    essential: bool = True


M = Merchant
GROCERIES = Habit(
    Category.GROCERIES,
    80,
    (
        M("Hema Fresh (盒马鲜生)", 60, 420),
        M("Yonghui Superstores (永辉超市)", 50, 380),
        M("RT-Mart (大润发)", 80, 460),
        M("Dingdong Maicai (叮咚买菜)", 40, 220),
    ),
    essential=True,
)
DINING = Habit(
    Category.DINING,
    150,
    (
        M("Meituan Waimai (美团外卖)", 25, 95),
        M("Luckin Coffee (瑞幸咖啡)", 12, 45),
        M("Haidilao Hot Pot (海底捞)", 180, 520),
        M("Xiabu Xiabu (呷哺呷哺)", 60, 160),
        M("Ele.me (饿了么)", 25, 90),
    ),
)
TRANSPORT = Habit(
    Category.TRANSPORT,
    80,
    (
        M("DiDi Chuxing (滴滴出行)", 14, 85),
        M("Metro card top-up (地铁充值)", 50, 100),
        M("Sinopec fuel (中国石化)", 220, 480),
    ),
    essential=True,
)
SHOPPING = Habit(
    Category.SHOPPING,
    70,
    (
        M("JD.com (京东)", 60, 900),
        M("Taobao (淘宝)", 30, 420),
        M("Tmall (天猫)", 50, 700),
        M("Uniqlo (优衣库)", 79, 500),
    ),
)
ENTERTAINMENT = Habit(
    Category.ENTERTAINMENT,
    15,
    (
        M("Wanda Cinemas (万达影城)", 45, 160),
        M("Damai concert tickets (大麦)", 180, 680),
        M("Party World KTV (钱柜KTV)", 120, 460),
    ),
)
HEALTH = Habit(Category.HEALTH, 8, (M("Dashenlin Pharmacy (大参林)", 30, 420),), essential=True)
TRAVEL = Habit(Category.TRAVEL, 3, (M("Trip.com (携程)", 600, 3800),))
SUPPLIES = Habit(
    Category.BUSINESS,
    70,
    (
        M("1688.com wholesale (1688批发)", 800, 9000),
        M("SF Express (顺丰速运)", 20, 380),
        M("Deli office supplies (得力办公)", 60, 900),
        M("JD Enterprise purchasing (京东企业购)", 300, 4800),
    ),
)
CASH = Habit(Category.CASH, 2, (M("ATM cash withdrawal (ATM取现)", 500, 3000),))

PERSONAL_HABITS = (GROCERIES, DINING, TRANSPORT, SHOPPING, ENTERTAINMENT, HEALTH, TRAVEL)
BUSINESS_HABITS = (SUPPLIES, DINING, TRANSPORT, GROCERIES, SHOPPING)
PERSONAL_BILLS = (
    Bill(Category.UTILITIES, M("State Grid electricity (国家电网)", 120, 380)),
    Bill(Category.UTILITIES, M("China Mobile (中国移动)", 88, 158)),
    Bill(Category.UTILITIES, M("Piped gas (燃气费)", 40, 160)),
    Bill(Category.ENTERTAINMENT, M("iQIYI VIP membership (爱奇艺)", 25, 25), essential=False),
)
BUSINESS_BILLS = (
    Bill(Category.UTILITIES, M("China Telecom business broadband (中国电信)", 199, 199)),
    Bill(Category.UTILITIES, M("State Grid electricity, shop (国家电网)", 600, 2400)),
    Bill(Category.BUSINESS, M("Alibaba Cloud (阿里云)", 300, 1600)),
)


class Phase(enum.Enum):
    HEALTHY = "healthy"
    STRUGGLING = "struggling"
    IN_ARREARS = "in arrears"
    SUSPENDED = "suspended"
    CHARGED_OFF = "charged off"


# How often each kind of spending happens, in percent of its healthy rate.
ESSENTIAL_RATE = {Phase.HEALTHY: 100, Phase.STRUGGLING: 85, Phase.IN_ARREARS: 60}
DISCRETIONARY_RATE = {Phase.HEALTHY: 100, Phase.STRUGGLING: 20, Phase.IN_ARREARS: 10}
BUSINESS_RATE = {Phase.HEALTHY: 100, Phase.STRUGGLING: 55, Phase.IN_ARREARS: 30}
CASH_RATE = {Phase.HEALTHY: 100, Phase.STRUGGLING: 1500, Phase.IN_ARREARS: 1200}


# --- Simulation ------------------------------------------------------------------------------
