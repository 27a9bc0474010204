"""A synthetic province: a service catalogue the project generates from a fixed seed.

The interview behind ``bpr`` speaks of some 600 services across dozens of agencies, most of
them never inventoried. :func:`build_province` writes a smaller province of the same shape:
Iranian agencies (civil registration, police, municipality, tax, social security, land
registry, judiciary, health, education, agriculture, roads, water, electricity, gas, post)
with realistic Persian and English service names; an identity card for every service (some
fields deliberately unknown); a step table for a third of them, with paper inquiries the
citizen carries between agencies, front-office steps and in-person payments; and generated
event logs for a few. Two things are planted and kept as ground truth
(:class:`ProvinceTruth`): **parallel work** (the same service offered by several agencies
or service points, with names written differently: Persian or Arabic letters, half-spaces,
other English wording) and **shared inquiry dependencies** (many services needing the same
clearance from the same agency).

Every number comes from :class:`random.Random` seeded with ``seed``: the same seed gives the
same cards, steps and logs.

Examples
--------
>>> p = build_province(seed=0)
>>> len(p.catalog) >= 120, len(p.catalog.agencies) >= 12
(True, True)
>>> sum(s.process is not None for s in p.catalog.services) * 3 >= len(p.catalog)
True
>>> sorted(p.truth.duplicates[0]) == sorted(build_province(seed=0).truth.duplicates[0])
True
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Mapping, Sequence
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from bpr.catalog import Catalog, Service, ServiceCard
from bpr.model import GatewayKind, ServiceProcess, Step, Xor

if TYPE_CHECKING:
    from bpr.log import EventLog

__all__ = ["AGENCIES", "INQUIRIES", "Province", "ProvinceTruth", "build_province", "province"]

#: The agencies of the province: key -> (English name, Persian name).
AGENCIES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "CR": ("Civil Registration Organization", "سازمان ثبت احوال"),
        "NAJA": ("Police (NAJA)", "فرماندهی انتظامی (فراجا)"),
        "TRF": ("Traffic Police", "پلیس راهور"),
        "P10": ("Police+10 e-service offices", "دفاتر خدمات الکترونیک انتظامی پلیس +۱۰"),
        "MUN": ("Municipality", "شهرداری"),
        "TAX": ("Tax Administration", "اداره کل امور مالیاتی"),
        "SSO": ("Social Security Organization", "سازمان تامین اجتماعی"),
        "LAND": ("Deeds and Land Registry", "اداره ثبت اسناد و املاک"),
        "JUD": ("Judiciary", "دادگستری"),
        "HLT": ("University of Medical Sciences", "دانشگاه علوم پزشکی"),
        "EDU": ("Education Department", "اداره کل آموزش و پرورش"),
        "AGR": ("Agriculture Jihad", "سازمان جهاد کشاورزی"),
        "ROAD": ("Roads and Urban Development", "اداره کل راه و شهرسازی"),
        "WAT": ("Water and Wastewater Company", "شرکت آب و فاضلاب"),
        "ELEC": ("Electricity Distribution Company", "شرکت توزیع نیروی برق"),
        "GAS": ("Gas Company", "شرکت گاز استان"),
        "POST": ("Iran Post", "شرکت ملی پست"),
    }
)

#: The inquiries many services share: key -> (provider agency key, document, Persian name).
INQUIRIES: Mapping[str, tuple[str, str, str]] = MappingProxyType(
    {
        "record": ("JUD", "no-criminal-record certificate", "گواهی عدم سوء پیشینه"),
        "tax": ("TAX", "tax clearance", "مفاصاحساب مالیاتی"),
        "insurance": ("SSO", "insurance clearance", "مفاصاحساب بیمه"),
        "deed": ("LAND", "ownership deed inquiry", "استعلام سند مالکیت"),
        "municipal": ("MUN", "municipal clearance", "مفاصاحساب شهرداری"),
        "military": ("NAJA", "military service status", "استعلام وضعیت نظام وظیفه"),
        "health": ("HLT", "health certificate", "گواهی سلامت"),
        "address": ("POST", "postal code certificate", "گواهی کد پستی"),
    }
)
# How often each inquiry is asked for: a few clearances are needed by many services.
_INQUIRY_WEIGHTS = {
    "record": 6,
    "tax": 6,
    "insurance": 4,
    "deed": 3,
    "municipal": 3,
    "military": 2,
    "health": 1,
    "address": 1,
}
# The inquiries that make sense for each agency's services (a birth registration needs no
# tax clearance; a building permit may need the deed, the tax and the insurance clearance).
_PLAUSIBLE: Mapping[str, tuple[str, ...]] = {
    "CR": ("address", "military"),
    "NAJA": ("record", "address", "military"),
    "TRF": ("record", "tax", "municipal", "insurance", "address"),
    "P10": ("record", "military", "address"),
    "MUN": ("deed", "tax", "insurance", "record", "address"),
    "TAX": ("deed", "insurance", "municipal", "address"),
    "SSO": ("tax", "record", "health", "address"),
    "LAND": ("tax", "municipal", "record", "insurance", "address"),
    "JUD": ("deed", "tax", "address", "military"),
    "HLT": ("record", "insurance", "tax", "address"),
    "EDU": ("record", "health", "address"),
    "AGR": ("deed", "tax", "insurance", "record"),
    "ROAD": ("deed", "record", "tax", "insurance", "municipal"),
    "WAT": ("deed", "municipal", "address"),
    "ELEC": ("deed", "municipal", "address"),
    "GAS": ("deed", "municipal", "address"),
    "POST": ("record", "military"),
}

# The services each agency offers: (English title, Persian title, output document).
_SERVICES: Mapping[str, Sequence[tuple[str, str, str]]] = {
    "CR": (
        ("Birth registration", "ثبت ولادت", "birth certificate"),
        ("Death registration", "ثبت وفات", "death certificate"),
        ("Replacement of a lost birth certificate", "صدور المثنی شناسنامه", "birth certificate"),
        ("Smart national ID card issuance", "صدور کارت ملی هوشمند", "national ID card"),
        ("Name change", "تغییر نام", "amended birth certificate"),
        (
            "Marriage registration in the birth certificate",
            "ثبت ازدواج در شناسنامه",
            "amended birth certificate",
        ),
        ("Correction of date of birth", "اصلاح تاریخ تولد", "amended birth certificate"),
        ("Family record certificate", "گواهی انحصار خانواده", "family record"),
    ),
    "NAJA": (
        ("Passport issuance", "صدور گذرنامه", "passport"),
        ("Exit permit", "صدور مجوز خروج از کشور", "exit permit"),
        ("Weapon licence", "صدور پروانه حمل سلاح", "weapon licence"),
        ("Exemption from military service", "صدور کارت معافیت", "exemption card"),
        ("Security clearance for employment", "گواهی صلاحیت امنیتی استخدام", "security clearance"),
        ("Guard services licence", "پروانه خدمات حفاظتی", "guard licence"),
        ("Lost documents report", "گزارش مفقودی مدارک", "loss report"),
    ),
    "TRF": (
        ("Driving licence issuance", "صدور گواهینامه رانندگی", "driving licence"),
        ("Driving licence renewal", "تمدید گواهینامه رانندگی", "driving licence"),
        ("Vehicle ownership transfer", "نقل و انتقال مالکیت خودرو", "vehicle card"),
        ("Number plate replacement", "تعویض پلاک خودرو", "number plate"),
        ("Traffic fine objection", "اعتراض به جریمه رانندگی", "objection ruling"),
        ("Accident report", "گزارش تصادف", "accident report"),
        ("Vehicle technical inspection", "معاینه فنی خودرو", "inspection certificate"),
        ("Taxi driver permit", "پروانه تاکسیرانی", "taxi permit"),
    ),
    "MUN": (
        ("Building permit", "صدور پروانه ساختمان", "building permit"),
        ("Completion certificate", "صدور پایان کار ساختمان", "completion certificate"),
        ("Business licence from the municipality", "مجوز کسب شهرداری", "business licence"),
        ("Property tax payment", "پرداخت عوارض نوسازی", "toll receipt"),
        ("Tree cutting permit", "مجوز قطع درخت", "tree permit"),
        ("Burial permit", "مجوز دفن", "burial permit"),
        ("Excavation permit", "مجوز حفاری معابر", "excavation permit"),
        ("Change of land use", "تغییر کاربری زمین", "land use ruling"),
        ("Advertising billboard permit", "مجوز نصب تابلو", "billboard permit"),
    ),
    "TAX": (
        ("Income tax return filing", "تسلیم اظهارنامه مالیات بر درآمد", "tax receipt"),
        ("VAT registration", "ثبت نام مالیات بر ارزش افزوده", "VAT certificate"),
        ("Inheritance tax certificate", "گواهی مالیات بر ارث", "inheritance tax certificate"),
        (
            "Property transfer tax certificate",
            "گواهی مالیات نقل و انتقال املاک",
            "transfer tax certificate",
        ),
        ("Tax objection", "رسیدگی به اعتراض مالیاتی", "objection ruling"),
        ("Economic code issuance", "صدور کد اقتصادی", "economic code"),
        ("Rental income exemption", "معافیت مالیات اجاره", "exemption letter"),
        ("Tax payment by instalments", "تقسیط بدهی مالیاتی", "instalment agreement"),
    ),
    "SSO": (
        ("Insurance record certificate", "گواهی سابقه بیمه", "insurance record"),
        ("Retirement pension application", "درخواست مستمری بازنشستگی", "pension decree"),
        ("Unemployment benefit", "مقرری بیمه بیکاری", "benefit decree"),
        ("Employer registration", "ثبت نام کارفرما", "employer code"),
        ("Self-employed insurance contract", "انعقاد قرارداد بیمه خویش فرما", "insurance contract"),
        ("Disability pension", "مستمری از کارافتادگی", "pension decree"),
        ("Maternity allowance", "کمک هزینه بارداری", "allowance decree"),
        ("Workshop debt instalments", "تقسیط بدهی کارگاه", "instalment agreement"),
    ),
    "LAND": (
        ("Single-page deed issuance", "صدور سند تک برگ", "ownership deed"),
        ("Deed replacement", "صدور سند المثنی", "ownership deed"),
        ("Company registration", "ثبت شرکت", "company certificate"),
        ("Registration of a mortgage", "ثبت رهن", "mortgage record"),
        ("Property separation", "تفکیک ملک", "separation record"),
        ("Trademark registration", "ثبت علامت تجاری", "trademark certificate"),
        ("Release of mortgage", "فک رهن", "release record"),
        ("Apartment ownership deed", "صدور سند آپارتمان", "ownership deed"),
    ),
    "JUD": (
        (
            "No-criminal-record certificate",
            "صدور گواهی عدم سوء پیشینه",
            "no-criminal-record certificate",
        ),
        ("Inheritance certificate", "گواهی حصر وراثت", "inheritance certificate"),
        ("Filing a lawsuit", "ثبت دادخواست", "case number"),
        ("Guardianship order", "صدور حکم قیمومت", "guardianship order"),
        ("Probate of a will", "تنفیذ وصیت نامه", "probate order"),
        ("Bail deposit", "تودیع وثیقه", "bail receipt"),
        ("Dispute resolution council petition", "ثبت درخواست در شورای حل اختلاف", "council ruling"),
    ),
    "HLT": (
        ("Health card for food workers", "صدور کارت بهداشت", "health card"),
        ("Medical practice licence", "پروانه مطب", "practice licence"),
        ("Pharmacy establishment licence", "پروانه تاسیس داروخانه", "pharmacy licence"),
        ("Pre-marriage health screening", "آزمایش قبل از ازدواج", "screening certificate"),
        ("Food production licence", "پروانه ساخت مواد غذایی", "production licence"),
        ("Vaccination certificate", "گواهی واکسیناسیون", "vaccination card"),
        ("Medical commission for disability", "کمیسیون پزشکی از کارافتادگی", "commission ruling"),
    ),
    "EDU": (
        ("School enrolment", "ثبت نام دانش آموز", "enrolment record"),
        ("Certificate of diploma", "صدور گواهی دیپلم", "diploma"),
        ("Transcript verification", "تایید ریز نمرات", "verified transcript"),
        ("Non-public school licence", "مجوز تاسیس مدرسه غیردولتی", "school licence"),
        ("Transfer of a student", "انتقال دانش آموز", "transfer letter"),
        ("Teacher qualification certificate", "گواهی صلاحیت معلمی", "qualification certificate"),
        (
            "Equivalence of foreign studies",
            "ارزشیابی مدارک تحصیلی خارجی",
            "equivalence certificate",
        ),
    ),
    "AGR": (
        ("Agricultural land use permit", "مجوز تغییر کاربری اراضی کشاورزی", "land use permit"),
        ("Farmer card", "صدور کارت کشاورز", "farmer card"),
        ("Livestock farm licence", "پروانه دامداری", "farm licence"),
        ("Well drilling support letter", "معرفی نامه حفر چاه", "support letter"),
        ("Greenhouse construction permit", "مجوز احداث گلخانه", "greenhouse permit"),
        ("Crop insurance", "بیمه محصولات کشاورزی", "insurance policy"),
        ("Fertiliser quota", "سهمیه کود شیمیایی", "quota voucher"),
    ),
    "ROAD": (
        ("Housing scheme registration", "ثبت نام طرح مسکن", "housing file"),
        ("Engineering licence", "پروانه اشتغال مهندسی", "engineering licence"),
        ("Road access permit", "مجوز دسترسی به جاده", "access permit"),
        ("Urban land allocation", "واگذاری زمین شهری", "allocation letter"),
        ("Transport company licence", "پروانه شرکت حمل و نقل", "transport licence"),
        ("Heavy vehicle driver card", "کارت هوشمند راننده", "driver card"),
        ("Roadside service permit", "مجوز مجتمع خدماتی رفاهی بین راهی", "roadside permit"),
    ),
    "WAT": (
        ("Water connection", "واگذاری انشعاب آب", "water connection contract"),
        ("Sewer connection", "واگذاری انشعاب فاضلاب", "sewer connection contract"),
        ("Water meter replacement", "تعویض کنتور آب", "meter record"),
        ("Water bill objection", "اعتراض به قبض آب", "objection ruling"),
        ("Change of water subscription name", "تغییر نام مشترک آب", "subscription record"),
        ("Temporary water supply", "انشعاب موقت آب", "temporary supply contract"),
        ("Water and sewer clearance", "مفاصاحساب آب و فاضلاب", "water clearance"),
    ),
    "ELEC": (
        ("Electricity connection", "واگذاری انشعاب برق", "electricity contract"),
        ("Electricity meter relocation", "جابجایی کنتور برق", "meter record"),
        ("Increase of electric capacity", "افزایش قدرت انشعاب برق", "capacity contract"),
        ("Electricity bill objection", "اعتراض به قبض برق", "objection ruling"),
        ("Agricultural well electrification", "برق دار کردن چاه کشاورزی", "well contract"),
        ("Change of electricity subscription name", "تغییر نام مشترک برق", "subscription record"),
        ("Electricity clearance", "مفاصاحساب برق", "electricity clearance"),
    ),
    "GAS": (
        ("Gas connection", "واگذاری انشعاب گاز", "gas contract"),
        ("Gas piping inspection", "بازرسی لوله کشی گاز", "inspection certificate"),
        ("Gas meter relocation", "جابجایی کنتور گاز", "meter record"),
        ("Gas bill objection", "اعتراض به قبض گاز", "objection ruling"),
        ("Industrial gas supply", "گازرسانی صنعتی", "industrial gas contract"),
        ("Gas clearance", "مفاصاحساب گاز", "gas clearance"),
    ),
    "POST": (
        ("Postal code certificate", "صدور گواهی کد پستی", "postal code certificate"),
        ("Registered mail delivery", "ارسال مرسوله سفارشی", "delivery receipt"),
        ("PO box rental", "اجاره صندوق پستی", "PO box contract"),
        ("Parcel customs clearance", "ترخیص مرسوله پستی", "clearance receipt"),
        ("Pension payment at post offices", "پرداخت مستمری در دفاتر پست", "payment receipt"),
        ("Philatelic services", "خدمات تمبر", "stamp order"),
    ),
}

# Parallel work: a service offered again by another agency or service point, its names
# written otherwise (Arabic yeh/kaf, half-space or joined words, other English wording).
# (agency key of the original, its English title) -> the copies: (agency key, English, Persian).
_PARALLEL: Mapping[tuple[str, str], Sequence[tuple[str, str, str]]] = {
    ("JUD", "No-criminal-record certificate"): (
        ("P10", "No-criminal-record certificate", "صدور گواهي عدم سوءپيشينه"),
        ("POST", "No criminal record certificate", "صدور گواهی عدم\u200cسوء\u200cپیشینه"),
    ),
    ("TRF", "Driving licence renewal"): (
        ("P10", "Renewal of driving licence", "تمديد گواهينامه رانندگي"),
    ),
    ("NAJA", "Passport issuance"): (("P10", "Issuance of passport", "صدور گذرنامه"),),
    ("SSO", "Insurance record certificate"): (
        ("POST", "Certificate of insurance record", "گواهي سابقه بيمه"),
    ),
    ("CR", "Smart national ID card issuance"): (
        ("POST", "Issuance of smart national ID card", "صدور کارت\u200cملی هوشمند"),
    ),
    ("TAX", "Economic code issuance"): (("LAND", "Issuance of economic code", "صدور كد اقتصادي"),),
    ("WAT", "Water meter replacement"): (("MUN", "Replacement of water meter", ""),),
    ("HLT", "Health card for food workers"): (
        ("MUN", "Health card for food workers", "صدور کارت  بهداشت"),
    ),
}

_LIFE_EVENTS = {
    "CR": "birth and family",
    "NAJA": "travel and security",
    "TRF": "owning a vehicle",
    "P10": "travel and security",
    "MUN": "housing",
    "TAX": "running a business",
    "SSO": "work and retirement",
    "LAND": "housing",
    "JUD": "justice",
    "HLT": "health",
    "EDU": "education",
    "AGR": "farming",
    "ROAD": "housing",
    "WAT": "housing",
    "ELEC": "housing",
    "GAS": "housing",
    "POST": "everyday services",
}
_START = _dt.datetime(2025, 3, 22, 8, 0)  # 1 Farvardin 1404, the start of the Iranian year
_LOG_SERVICES = 5
_LOG_CASES = 300


@attrs.frozen
class ProvinceTruth:
    """What the generator planted, for tests and docs to hold the analyses against.

    Attributes
    ----------
    duplicates : tuple of frozenset of str
        The planted parallel work: each set the ids of services that are one service
        offered by several agencies or service points.
    inquiries : Mapping[str, frozenset[tuple[str, str]]]
        Service id -> the agency-to-agency inquiries it needs, as (asking agency,
        providing agency) English names; from its steps when it has a process, else its card.
    movable : Mapping[str, frozenset[str]]
        Service id -> the ids of its front-office steps a counter office could take (services
        with a process only).
    logs : tuple of str
        The ids of the services with an event log.
    """

    duplicates: tuple[frozenset[str], ...]
    inquiries: Mapping[str, frozenset[tuple[str, str]]]
    movable: Mapping[str, frozenset[str]]
    logs: tuple[str, ...]


@attrs.frozen
class Province:
    """A generated province: its catalogue and the ground truth of what was planted in it."""

    catalog: Catalog
    truth: ProvinceTruth
    seed: int


def province(seed: int = 0) -> Catalog:
    """The synthetic province's catalogue (:func:`build_province` without the ground truth).

    >>> province().service("S001").card.agency
    'Civil Registration Organization'
    """
    return build_province(seed).catalog


def build_province(seed: int = 0) -> Province:
    """Generate the synthetic province.

    Parameters
    ----------
    seed
        Seeds every random choice (frequencies, unknown fields, inquiries, step tables, logs):
        the same seed gives an identical province.

    Returns
    -------
    Province
        The catalogue and the ground truth.

    Examples
    --------
    >>> p = build_province(seed=3)
    >>> ids = sorted(p.truth.inquiries)
    >>> p.catalog.service(ids[0]).card.depends_on is not None or ids[0] in p.truth.movable
    True
    """
    return _Builder(random.Random(seed)).build(seed)


class _Builder:
    """Makes the services one by one from one random stream (their order fixes the stream)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.inquiries: dict[str, frozenset[tuple[str, str]]] = {}
        self.movable: dict[str, frozenset[str]] = {}

    def build(self, seed: int) -> Province:
        entries = [(agency, *service) for agency, rows in _SERVICES.items() for service in rows]
        services, duplicates = [], []
        number = 0
        for agency, title, title_fa, output in entries:
            number += 1
            original = f"S{number:03d}"
            services.append(self.service(original, agency, title, title_fa, output))
            group = {original}
            for copy_agency, copy_title, copy_fa in _PARALLEL.get((agency, title), ()):
                number += 1
                copy_id = f"S{number:03d}"
                group.add(copy_id)
                services.append(self.service(copy_id, copy_agency, copy_title, copy_fa, output))
            if len(group) > 1:
                duplicates.append(frozenset(group))
        # Logs for a few services, two of them with a choice of how to pay.
        choice = [s.id for s in services if s.process is not None and s.process.gateways]
        plain = [s.id for s in services if s.process is not None and not s.process.gateways]
        step = max(1, len(plain) // (_LOG_SERVICES - 2))
        logged = sorted([*choice[:2], *plain[::step][: _LOG_SERVICES - len(choice[:2])]])
        services = [
            attrs.evolve(s, log=self.log(s.process)) if s.id in logged else s for s in services
        ]
        truth = ProvinceTruth(
            duplicates=tuple(duplicates),
            inquiries=MappingProxyType(self.inquiries),
            movable=MappingProxyType(self.movable),
            logs=tuple(logged),
        )
        return Province(Catalog(services, source=f"synthetic province (seed {seed})"), truth, seed)

    # -- one service ---------------------------------------------------------------------

    def service(self, sid: str, agency: str, title: str, title_fa: str, output: str) -> Service:
        rng = self.rng
        needs = self.needs(agency)
        # A step table for every third service, and a few more.
        has_process = int(sid[1:]) % 3 == 1 or rng.random() < 0.1
        process = self.process(sid, agency, title, needs, output) if has_process else None
        card = self.card(sid, agency, title, title_fa, needs, process)
        asker = AGENCIES[agency][0]
        links = frozenset((asker, AGENCIES[INQUIRIES[n][0]][0]) for n in needs)
        if process is not None or card.depends_on is not None:
            self.inquiries[sid] = links
        return Service(sid, card=card, process=process, process_from="steps" if process else None)

    def needs(self, agency: str) -> list[str]:
        """The shared inquiries a service needs (plausible for its agency, never its own)."""
        rng = self.rng
        keys = [k for k in _PLAUSIBLE[agency] if INQUIRIES[k][0] != agency]
        weights = [_INQUIRY_WEIGHTS[k] for k in keys]
        count = min(len(keys), rng.choices((0, 1, 2, 3), weights=(3, 4, 3, 1))[0])
        chosen: list[str] = []
        while len(chosen) < count:
            key = rng.choices(keys, weights=weights)[0]
            if key not in chosen:
                chosen.append(key)
        return sorted(chosen)

    def card(
        self,
        sid: str,
        agency: str,
        title: str,
        title_fa: str,
        needs: Sequence[str],
        process: ServiceProcess | None,
    ) -> ServiceCard:
        rng = self.rng
        english, persian = AGENCIES[agency]

        def maybe(value: Any, unknown: float = 0.1) -> Any:
            return None if rng.random() < unknown else value

        if process is not None:
            visits = float(sum(bool(s.citizen_present) for s in process.steps))
        else:
            visits = float(rng.choice((0, 1, 1, 2, 2, 3, 4)))
        documents = ("national ID card", *(INQUIRIES[n][1] for n in needs))
        electronic = visits == 0
        channels = ("web", "mobile") if electronic else ("in_person",)
        if agency == "P10" or (not electronic and rng.random() < 0.2):
            channels = (*channels, "counter_office")
        return ServiceCard(
            sid,
            title,
            title_fa=title_fa or None,
            agency=english,
            process_title=maybe(f"{title} ({persian})", 0.3),
            type=maybe(rng.choice(("G2C", "G2C", "G2C", "G2B"))),
            recipients=maybe(rng.choice(("citizens", "businesses", "citizens and businesses"))),
            level=maybe(rng.choice(("national", "provincial", "provincial", "city", "rural"))),
            life_event=maybe(_LIFE_EVENTS[agency]),
            trigger=maybe("the citizen's request", 0.3),
            documents=maybe(documents),
            frequency=maybe(float(round(rng.lognormvariate(7.5, 1.2))), 0.12),
            visits=maybe(visits, 0.08),
            cost=maybe(float(rng.choice((0, 150_000, 500_000, 1_200_000, 3_000_000)))),
            currency="IRR",
            time_days=maybe(float(rng.choice((1, 3, 7, 10, 15, 30, 45)))),
            channels=maybe(channels),
            informing=maybe(True, 0.15),
            request=maybe(electronic, 0.15),
            production=maybe(electronic and not needs, 0.15),
            depends_on=maybe(tuple(AGENCIES[INQUIRIES[n][0]][0] for n in needs), 0.15),
            registered=maybe(_dt.date(2023, 1, 1) + timedelta(days=rng.randrange(900)), 0.2),
        )

    # -- the step table --------------------------------------------------------------------

    def process(
        self, sid: str, agency: str, title: str, needs: Sequence[str], output: str
    ) -> ServiceProcess:
        """A sequential as-is process: the citizen fetches each clearance on paper from its
        agency, hands them in at the front office, pays in person (or, at some agencies, online
        instead), the back office reviews, and the front office issues the output (in
        person, sometimes fixed by law)."""
        rng = self.rng
        name = AGENCIES[agency][0]
        steps: list[Step] = []
        for n in needs:
            provider, document, document_fa = INQUIRIES[n]
            steps.append(
                Step(
                    f"{sid}-{n}",
                    f"Obtain the {document} from {AGENCIES[provider][0]}",
                    name_fa=f"دریافت {document_fa} از {AGENCIES[provider][1]}",
                    kind="inquiry",
                    actor="citizen",
                    agency=AGENCIES[provider][0],
                    channel="in_person",
                    citizen_present=True,
                    mandatory=True,
                    documents_in=(),
                    documents_out=(document,),
                    duration=timedelta(days=rng.choice((1, 2, 3, 5))),
                )
            )
        carried = tuple(INQUIRIES[n][1] for n in needs)
        # Some submissions leave who takes them unknown: nobody said in the inventory session.
        submit_actor = None if rng.random() < 0.15 else "front_office"
        steps.append(
            Step(
                f"{sid}-submit",
                "Submit the application with the documents",
                name_fa="تحویل درخواست و مدارک",
                kind="submit",
                actor=submit_actor,
                agency=name,
                channel="in_person",
                citizen_present=True,
                mandatory=True,
                documents_in=("national ID card", *carried),
                documents_out=("application",),
                duration=timedelta(minutes=rng.choice((15, 20, 30))),
            )
        )
        bank = Step(
            f"{sid}-pay",
            "Pay the fee at the bank",
            name_fa="پرداخت هزینه در بانک",
            kind="pay",
            actor="citizen",
            agency=name,
            channel="in_person",
            citizen_present=True,
            documents_in=(),
            documents_out=("receipt",),
            duration=timedelta(minutes=rng.choice((10, 20, 40))),
        )
        blocks: list[Any] = [*steps]
        if rng.random() < 0.4:
            # Some agencies already take the fee online too: an exclusive choice.
            online = attrs.evolve(
                bank,
                id=f"{sid}-pay-online",
                name="Pay the fee online",
                name_fa="پرداخت الکترونیکی هزینه",
                channel="web",
                citizen_present=False,
                duration=timedelta(minutes=5),
            )
            share = rng.choice((0.3, 0.5, 0.7))
            blocks.append(Xor(online, bank, probabilities=[share, 1 - share]))
        else:
            blocks.append(bank)
        steps = []
        steps.append(
            Step(
                f"{sid}-review",
                "Review the application",
                name_fa="بررسی درخواست",
                kind="verify",
                actor="back_office",
                agency=name,
                channel="internal",
                citizen_present=False,
                documents_in=("application", "receipt"),
                documents_out=("reviewed file",),
                duration=timedelta(hours=rng.choice((1, 2, 4))),
            )
        )
        fixed = rng.random() < 0.3
        steps.append(
            Step(
                f"{sid}-issue",
                f"Issue the {output}",
                name_fa="صدور و تحویل",
                kind="issue",
                actor="front_office",
                agency=name,
                channel="in_person",
                citizen_present=True,
                mandatory=True,
                fixed_channel=fixed,
                legal_basis="signed in the presence of the agency's officer" if fixed else None,
                documents_in=("reviewed file",),
                documents_out=(output,),
                duration=timedelta(minutes=rng.choice((10, 15, 30))),
            )
        )
        movable = {f"{sid}-submit"} if submit_actor else set()
        if not fixed:
            movable.add(f"{sid}-issue")
        self.movable[sid] = frozenset(movable)
        return ServiceProcess.from_blocks(title, *blocks, *steps)

    # -- the event log ---------------------------------------------------------------------

    def log(self, process: ServiceProcess | None) -> EventLog:
        """A log of :data:`_LOG_CASES` cases running ``process``'s steps in order, with
        exponential waits and working times around each step's duration."""
        import pandas as pd

        from bpr.log import read_log

        assert process is not None  # only services with a process get a log
        rng = self.rng
        rows = []
        arrival = _START
        for case in range(_LOG_CASES):
            arrival += timedelta(minutes=rng.expovariate(1 / 240))
            clock = arrival
            for step in self.path(process):
                mean = step.duration.total_seconds() if step.duration else 600.0
                clock += timedelta(seconds=rng.expovariate(1 / 3600))
                start = clock
                clock += timedelta(seconds=rng.expovariate(1 / mean))
                rows.append((f"c{case:04d}", step.name, start, clock))
        frame = pd.DataFrame(rows, columns=["case", "activity", "start", "timestamp"])
        frame["start"] = frame["start"].dt.round("s")
        frame["timestamp"] = frame["timestamp"].dt.round("s")
        return read_log(frame)

    def path(self, process: ServiceProcess) -> list[Step]:
        """The steps of one case: from the start, an exclusive split takes a branch with its
        flow's probability (the generated processes have no parallel blocks or loops)."""
        steps = []
        (node,) = (e.id for e in process.starts)
        while successors := process.successors(node):
            current = process.node(node)
            if getattr(current, "kind", None) is GatewayKind.EXCLUSIVE and len(successors) > 1:
                weights = [process.flow(node, t).probability or 0.0 for t in successors]
                node = self.rng.choices(successors, weights=weights)[0]
            else:
                (node,) = successors
            if isinstance(process.node(node), Step):
                steps.append(process.node(node))
        return steps
