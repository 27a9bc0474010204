"""The words that the report and the diagrams share, in English and in Persian.

A report is read by a director, not by the code: what the model stores as a code (a step kind,
an actor, a channel, a heuristic id, a field name) is shown as a word in the reader's language,
and numbers are written in Persian digits in a Persian page. A name from the data (an agency,
a document, a service) is shown in Persian where one is known: a step's own ``name_fa``, else
the glossary :data:`NAMES_FA` of names common in Iranian government services, else as written.

Examples
--------
>>> code_label("back_office", "en"), code_label("back_office", "fa")
('back office', 'کارشناسی')
>>> digits("12.5%", "fa")
'۱۲٫۵٪'
>>> name("Traffic Police", "fa"), name("Traffic Police", "en"), name("Acme Ltd", "fa")
('پلیس راهور', 'Traffic Police', 'Acme Ltd')
>>> field_label("citizen_present", "en")
'citizen presence'
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal

Lang = Literal["en", "fa"]

_PERSIAN_DIGITS = str.maketrans("0123456789.,%", "۰۱۲۳۴۵۶۷۸۹٫٬٪")

# Step kinds, actors, channels and patterns of waste: the value the model stores -> (English,
# Persian).
_CODES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        # step kinds
        "submit": ("submit", "ثبت درخواست"),
        "verify": ("verify", "بررسی"),
        "inquiry": ("inquiry", "استعلام"),
        "decide": ("decide", "تصمیم‌گیری"),
        "approve": ("approve", "تأیید"),
        "sign": ("sign", "امضا"),
        "pay": ("pay", "پرداخت"),
        "notify": ("notify", "اطلاع‌رسانی"),
        "issue": ("issue", "صدور"),
        "archive": ("archive", "بایگانی"),
        "transport": ("transport", "جابه‌جایی"),
        "wait": ("wait", "انتظار"),
        "other": ("other", "سایر"),
        # actors
        "citizen": ("citizen", "شهروند"),
        "front_office": ("front office", "پذیرش"),
        "back_office": ("back office", "کارشناسی"),
        "counter_office": ("counter office", "دفتر پیشخوان"),
        "system": ("system", "سامانه"),
        "external_agency": ("another agency", "دستگاه دیگر"),
        # channels (counter_office and system are shared with the actors)
        "in_person": ("in person", "حضوری"),
        "web": ("web", "وب"),
        "mobile": ("mobile", "تلفن همراه"),
        "ivr": ("IVR", "تلفن گویا"),
        "sms": ("SMS", "پیامک"),
        "mail": ("mail", "پست"),
        "internal": ("internal", "داخلی"),
        # patterns of waste the classifier reads in a label
        "copy": ("copying", "رونوشت‌برداری"),
        "re_entry": ("re-entry of data", "ورود دوباره داده"),
        "second_signature": ("a second signature", "امضای دوباره"),
        "paper_archive": ("a paper archive", "بایگانی کاغذی"),
    }
)

# The typed fields of a step, as an analyst names them.
_FIELDS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "kind": ("step kind", "نوع گام"),
        "actor": ("who does it", "انجام‌دهنده"),
        "agency": ("agency", "دستگاه"),
        "channel": ("channel", "مجرا"),
        "citizen_present": ("citizen presence", "حضور شهروند"),
        "mandatory": ("legal requirement", "الزام قانونی"),
        "documented": ("place in the written procedure", "جایگاه در روال مکتوب"),
        "documents_in": ("documents needed", "مدارک لازم"),
        "documents_out": ("documents produced", "مدارک صادرشده"),
        "fixed_channel": ("channel fixed by law", "مجرای تعیین‌شده در قانون"),
        "duration": ("duration", "مدت"),
        "rule_based": ("rule-based", "مبتنی بر قاعده"),
        "legal_basis": ("legal basis", "مبنای قانونی"),
        "waiting": ("waiting time in the log", "زمان انتظار در رویدادنگار"),
        "later_use": ("use of its outputs by later steps", "کاربرد خروجی‌ها در گام‌های بعد"),
        "waste": ("reading of its label as waste", "تشخیص کار زائد از برچسب"),
    }
)

_HEURISTICS_FA: Mapping[str, str] = MappingProxyType(
    {
        "e_inquiry": "استعلام الکترونیکی به‌جای کاغذ",
        "channel_shift": "انتقال به مجرای الکترونیکی",
        "counter_office": "واگذاری به دفتر پیشخوان",
        "single_window": "پنجره واحد",
        "eliminate": "حذف کار زائد",
        "compose": "ادغام کارها",
        "parallelize": "انجام هم‌زمان",
        "knockout_order": "ترتیب بررسی‌های ردکننده",
        "automate": "خودکارسازی",
    }
)

#: Persian names of agencies, documents and services common in Iranian government services
#: (the bundled example's among them), keyed by their English names.
NAMES_FA: Mapping[str, str] = MappingProxyType(
    {
        # services
        "Vehicle ownership transfer": "انتقال مالکیت خودرو",
        # agencies and offices
        "Traffic Police": "پلیس راهور",
        "Bank": "بانک",
        "Municipality": "شهرداری",
        "Tax Administration": "اداره امور مالیاتی",
        "Technical Inspection Centre": "مرکز معاینه فنی",
        "Notary Office": "دفتر اسناد رسمی",
        "Iran Post": "شرکت ملی پست",
        "Counter office": "دفتر پیشخوان دولت",
        "counter office": "دفتر پیشخوان دولت",
        "Land Registry": "اداره ثبت اسناد و املاک",
        "Registry": "اداره ثبت",
        "Insurance": "بیمه",
        "Civil Registration": "ثبت احوال",
        # documents
        "national ID card": "کارت ملی",
        "vehicle ownership card": "کارت مالکیت خودرو",
        "vehicle title deed": "سند خودرو",
        "application tracking code": "کد رهگیری درخواست",
        "bank receipt": "رسید بانکی",
        "municipal toll clearance": "مفاصاحساب عوارض شهرداری",
        "transfer tax clearance": "گواهی مالیات نقل و انتقال",
        "technical inspection certificate": "گواهی معاینه فنی",
        "insurance record": "سابقه بیمه",
        "notarised transfer deed": "سند انتقال محضری",
        "deed copy": "رونوشت سند",
        "new ownership card": "کارت مالکیت جدید",
        "document copies": "رونوشت مدارک",
    }
)


def digits(text: str, lang: Lang) -> str:
    """``text`` with Persian digits, decimal and thousands separators in a Persian page."""
    return text.translate(_PERSIAN_DIGITS) if lang == "fa" else text


def code_label(value: Any, lang: Lang) -> str:
    """The word for a step kind, an actor or a channel (an enum member or its value); any
    other text is returned as it is."""
    code = value.value if isinstance(value, enum.Enum) else str(value)
    words = _CODES.get(code)
    if words is None:
        return code
    return words[1] if lang == "fa" else words[0]


def field_label(field: str, lang: Lang) -> str:
    """How an analyst names a typed field of a step (``citizen_present``: citizen presence)."""
    words = _FIELDS.get(field, (field.replace("_", " "),) * 2)
    return words[1] if lang == "fa" else words[0]


def heuristic_name(heuristic: str, lang: Lang) -> str:
    """The name of a redesign heuristic of :data:`bpr.HEURISTICS` in ``lang``."""
    from bpr.heuristics import HEURISTICS

    if lang == "fa" and heuristic in _HEURISTICS_FA:
        return _HEURISTICS_FA[heuristic]
    found = HEURISTICS.get(heuristic)
    return heuristic if found is None else found.name


def name(text: str, lang: Lang, persian: str | None = None) -> str:
    """A name from the data as a page in ``lang`` shows it: in Persian, ``persian`` (a step's
    ``name_fa``) when given, else the glossary's, else ``text`` as written."""
    if lang != "fa":
        return text
    return persian or NAMES_FA.get(text, text)


def step_name(step: Any, lang: Lang) -> str:
    """A step's name in ``lang``: its ``name_fa`` in Persian when it has one."""
    return name(step.name, lang, getattr(step, "name_fa", None))


def persian_names(*processes: Any) -> dict[str, str]:
    """The Persian names that the steps of ``processes`` carry, by name (``None`` is skipped).

    >>> from bpr.model import ServiceProcess, Step
    >>> persian_names(ServiceProcess.from_blocks("P", Step("a", "Pay", name_fa="پرداخت")), None)
    {'Pay': 'پرداخت'}
    """
    return {s.name: s.name_fa for p in processes if p is not None for s in p.steps if s.name_fa}
