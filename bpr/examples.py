"""The bundled example service: transfer of a vehicle's ownership.

The service is written by the `bpr` project to look like the as-is procedure of a provincial
service in Iran, with the traits the interview complains about: the citizen visits five
offices, carries two paper clearances from other agencies (the municipality's toll clearance
and the tax office's transfer-tax clearance), pays a fee in person at a bank, waits for two
approvals in a row, hands a notarised deed back to the police office, and receives the new
card by registered post. Which steps the law makes mandatory is marked, and so is what must
stay in person (the technical inspection of the car and the signing of the deed before a
notary). It is the example that the demo, the docs and the notebooks use.

Examples
--------
>>> p = vehicle_transfer()
>>> len(p.steps), len({s.agency for s in p.steps})
(17, 7)
>>> p.step_by_name("پرداخت هزینه در بانک").kind
<StepKind.PAY: 'pay'>
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bpr.model import And, Loop, ServiceProcess, Step

if TYPE_CHECKING:
    from bpr.catalog import Catalog

__all__ = ["province", "vehicle_transfer"]

POLICE = "Traffic Police"
BANK = "Bank"
MUNICIPALITY = "Municipality"
TAX = "Tax Administration"
INSPECTION = "Technical Inspection Centre"
NOTARY = "Notary Office"
POST = "Iran Post"

_REGISTRATION_RULES = "Traffic Police vehicle registration regulations"


def _minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def _step(step_id: str, name: str, **fields: object) -> Step:
    """A step of the written procedure, every field stated: what the text does not name is
    known to be absent (no document, not required by law), not unknown."""
    known = {"mandatory": False, "documented": True, "documents_in": (), "documents_out": ()}
    return Step(step_id, name, **(known | fields))


def vehicle_transfer() -> ServiceProcess:
    """The as-is process of transferring a vehicle's ownership (17 steps, 7 agencies).

    Returns
    -------
    ServiceProcess
        A new, validated process; each call builds it afresh.
    """
    in_person = {"channel": "in_person", "citizen_present": True}
    back_office = {"actor": "back_office", "agency": POLICE, "channel": "internal"}
    steps = {
        "submit": _step(
            "s01",
            "Submit transfer request at the Police+10 office",
            name_fa="ثبت درخواست انتقال مالکیت در دفتر پلیس+۱۰",
            kind="submit",
            actor="front_office",
            agency=POLICE,
            **in_person,
            mandatory=True,
            legal_basis=_REGISTRATION_RULES,
            documents_in="national ID card; vehicle ownership card; vehicle title deed",
            documents_out="application tracking code",
            duration=_minutes(15),
        ),
        "pay": _step(
            "s02",
            "Pay the transfer fee at the bank",
            name_fa="پرداخت هزینه در بانک",
            kind="pay",
            actor="citizen",
            agency=BANK,
            **in_person,
            mandatory=True,
            legal_basis="Annual budget law: vehicle transfer fee",
            documents_in="application tracking code",
            documents_out="bank receipt",
            duration=_minutes(10),
        ),
        "toll": _step(
            "s03",
            "Obtain the municipal toll clearance",
            name_fa="دریافت مفاصاحساب عوارض از شهرداری",
            kind="inquiry",
            actor="front_office",
            agency=MUNICIPALITY,
            **in_person,
            mandatory=True,
            legal_basis="Municipal toll law: tolls settled before transfer",
            documents_in="vehicle ownership card",
            documents_out="municipal toll clearance",
            duration=_minutes(20),
        ),
        "tax": _step(
            "s04",
            "Obtain the transfer-tax clearance",
            name_fa="دریافت گواهی مالیات نقل و انتقال از اداره مالیات",
            kind="inquiry",
            actor="front_office",
            agency=TAX,
            **in_person,
            mandatory=True,
            legal_basis="Direct taxation act: transfer tax settled first",
            documents_in="vehicle ownership card",
            documents_out="transfer tax clearance",
            duration=_minutes(20),
        ),
        "inspect": _step(
            "s05",
            "Technical inspection of the vehicle",
            name_fa="معاینه فنی خودرو",
            kind="verify",
            actor="front_office",
            agency=INSPECTION,
            **in_person,
            mandatory=True,
            fixed_channel=True,
            legal_basis="Clean air act: technical inspection of the vehicle itself",
            documents_out="technical inspection certificate",
            duration=_minutes(30),
        ),
        "insurance": _step(
            "s06",
            "Inquire third-party insurance",
            name_fa="استعلام بیمه شخص ثالث",
            kind="inquiry",
            **back_office,
            mandatory=True,
            legal_basis=_REGISTRATION_RULES,
            documents_out="insurance record",
            duration=_minutes(5),
        ),
        "check": _step(
            "s07",
            "Check the documents",
            name_fa="بررسی مدارک",
            kind="verify",
            **back_office,
            rule_based=True,
            documents_in=(
                "bank receipt; municipal toll clearance; transfer tax clearance; "
                "technical inspection certificate; insurance record"
            ),
            duration=_minutes(15),
        ),
        "missing": _step(
            "s08",
            "Ask the citizen for missing documents",
            name_fa="درخواست تکمیل مدارک",
            kind="notify",
            actor="front_office",
            agency=POLICE,
            channel="mail",
            duration=_minutes(10),
        ),
        "review": _step(
            "s09",
            "Expert review of the file",
            name_fa="بررسی کارشناسی پرونده",
            kind="verify",
            **back_office,
            mandatory=True,
            legal_basis=_REGISTRATION_RULES,
            duration=_minutes(30),
        ),
        "approve_head": _step(
            "s10",
            "Approval by the head of the registration unit",
            name_fa="تایید رئیس واحد شماره‌گذاری",
            kind="approve",
            **back_office,
            mandatory=True,
            legal_basis=_REGISTRATION_RULES,
            duration=_minutes(10),
        ),
        "approve_deputy": _step(
            "s11",
            "Approval by the deputy head",
            name_fa="تایید معاون",
            kind="approve",
            **back_office,
            duration=_minutes(10),
        ),
        "sign": _step(
            "s12",
            "Sign the transfer deed at the notary office",
            name_fa="امضای سند انتقال در دفترخانه",
            kind="sign",
            actor="front_office",
            agency=NOTARY,
            **in_person,
            mandatory=True,
            fixed_channel=True,
            legal_basis="Registration of deeds act: transfer by official deed",
            documents_in="national ID card; vehicle title deed",
            documents_out="notarised transfer deed",
            duration=_minutes(40),
        ),
        "hand_in": _step(
            "s13",
            "Hand in the notarised deed at the Police+10 office",
            name_fa="تحویل سند محضری به دفتر پلیس+۱۰",
            kind="submit",
            actor="front_office",
            agency=POLICE,
            **in_person,
            documents_in="notarised transfer deed",
            documents_out="deed copy",
            duration=_minutes(10),
        ),
        "reenter": _step(
            "s14",
            "Re-enter the deed data into the registration system",
            name_fa="ورود مجدد اطلاعات سند در سامانه",
            kind="other",
            **back_office,
            documents_in="deed copy",
            duration=_minutes(15),
        ),
        "issue": _step(
            "s15",
            "Issue the new ownership card",
            name_fa="صدور کارت مالکیت جدید",
            kind="issue",
            **back_office,
            mandatory=True,
            legal_basis=_REGISTRATION_RULES,
            documents_out="new ownership card",
            duration=_minutes(10),
        ),
        "post": _step(
            "s16",
            "Send the card by registered post",
            name_fa="ارسال کارت با پست سفارشی",
            kind="transport",
            actor="external_agency",
            agency=POST,
            channel="mail",
            documents_in="new ownership card",
            duration=_minutes(5),
        ),
        "archive": _step(
            "s17",
            "Archive the paper file",
            name_fa="بایگانی پرونده",
            kind="archive",
            **back_office,
            duration=_minutes(10),
        ),
    }
    s = steps
    return ServiceProcess.from_blocks(
        "Vehicle ownership transfer",
        s["submit"],
        s["pay"],
        s["toll"],
        s["tax"],
        And(s["inspect"], s["insurance"]),
        Loop(s["check"], redo=s["missing"], probability=0.2),
        s["review"],
        s["approve_head"],
        s["approve_deputy"],
        s["sign"],
        s["hand_in"],
        s["reenter"],
        s["issue"],
        s["post"],
        s["archive"],
        description=(
            "انتقال مالکیت خودرو — as-is procedure of a provincial Police+10 office, written by "
            "the bpr project as a realistic example."
        ),
    )


def province(seed: int = 0) -> Catalog:
    """A synthetic province's service catalogue, generated from ``seed`` (the same seed gives
    the same catalogue): 126 services of 17 agencies with identity cards, step tables for a
    third of them, event logs for five, planted parallel work and shared inquiries (see
    :mod:`bpr._province`, whose ``build_province`` also returns the ground truth).

    >>> len(province()) >= 120
    True
    """
    from bpr._province import province as generate

    return generate(seed)
