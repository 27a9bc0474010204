"""The one vocabulary of bpr in English and in Persian: the words of the report, the diagrams
and the messages, and how durations and numbers are written.

A report is read by a director, not by the code: what the model stores as a code (a step kind,
an actor, a channel, a heuristic id, a field name) is shown as a word in the reader's language,
and numbers are written in Persian digits in a Persian page. A name from the data (an agency,
a document, a service) is shown in Persian where one is known: a step's own ``name_fa``, else
the glossary :data:`NAMES_FA` of names common in Iranian government services, else as written.
A duration is written by :func:`duration` with the units of :data:`UNITS`, wherever it is
shown.

Texts of the report page are keyed by their English wording (:data:`FA` holds the Persian);
metrics have a label that names their statistic, and a definition; the assumptions the stages
write are recognised by :data:`ASSUMPTIONS` and written again for a reader in either language.

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
>>> from datetime import timedelta
>>> duration(timedelta(hours=36), "en"), duration(timedelta(hours=5), "fa")
('1.50 days', '۵٫۰۰ ساعت')
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
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

# Actors and channels as an English sentence of a rationale names them ("in the hands of the
# back office", "happens at a counter office").
_ACTOR_PHRASES: Mapping[str, str] = MappingProxyType(
    {
        "citizen": "the citizen",
        "front_office": "the front office",
        "back_office": "the back office",
        "counter_office": "a counter office",
        "system": "the system",
        "external_agency": "another agency",
    }
)
_CHANNEL_PHRASES: Mapping[str, str] = MappingProxyType(
    {
        "in_person": "in person",
        "counter_office": "at a counter office",
        "web": "on the web",
        "mobile": "on a mobile app",
        "ivr": "by telephone (IVR)",
        "sms": "by SMS",
        "mail": "by mail",
        "internal": "internally",
        "system": "by the system",
    }
)

# What a step of each kind becomes when the channel-shift heuristic moves it online.
_SHIFTS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "pay": ("e-payment", "پرداخت الکترونیکی"),
        "submit": ("online application", "درخواست برخط"),
        "notify": ("SMS / e-notification", "پیامک"),
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
        "Civil Registration Organization": "سازمان ثبت احوال",
        "Police (NAJA)": "فرماندهی انتظامی (فراجا)",
        "Police+10 e-service offices": "دفاتر خدمات الکترونیک انتظامی پلیس +۱۰",
        "Social Security Organization": "سازمان تامین اجتماعی",
        "Deeds and Land Registry": "اداره ثبت اسناد و املاک",
        "Judiciary": "دادگستری",
        "University of Medical Sciences": "دانشگاه علوم پزشکی",
        "Education Department": "اداره کل آموزش و پرورش",
        "Agriculture Jihad": "سازمان جهاد کشاورزی",
        "Roads and Urban Development": "اداره کل راه و شهرسازی",
        "Water and Wastewater Company": "شرکت آب و فاضلاب",
        "Electricity Distribution Company": "شرکت توزیع نیروی برق",
        "Gas Company": "شرکت گاز استان",
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


def listed(items: Iterable[str], lang: Lang, *, strong: bool = False) -> str:
    """Items in one line: Persian commas in Persian; in English commas, or semicolons
    (``strong``) between items that may hold commas themselves.

    >>> listed(["a", "b"], "en"), listed(["a", "b"], "en", strong=True), listed(["a", "b"], "fa")
    ('a, b', 'a; b', 'a، b')
    """
    separator = "، " if lang == "fa" else ("; " if strong else ", ")
    return separator.join(items)


def code_label(value: Any, lang: Lang) -> str:
    """The word for a step kind, an actor or a channel (an enum member or its value); any
    other text is returned as it is."""
    code = _code(value)
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


def actor_phrase(actor: Any) -> str:
    """Who does a step, as an English sentence says it (``a person`` when unknown).

    >>> actor_phrase("back_office"), actor_phrase(None)
    ('the back office', 'a person')
    """
    return _ACTOR_PHRASES.get(_code(actor), "a person")


def channel_phrase(channel: Any) -> str:
    """How a step is done on a known channel, as an English sentence says it (``on the
    web``)."""
    return _CHANNEL_PHRASES[_code(channel)]


def _code(value: Any) -> str:
    return value.value if isinstance(value, enum.Enum) else str(value)


def shift_name(kind: Any, lang: Lang) -> str | None:
    """What a step of ``kind`` (a step kind or its value) becomes online, or ``None`` for a
    kind the channel shift does not move.

    >>> shift_name("pay", "en"), shift_name("pay", "fa"), shift_name("sign", "en")
    ('e-payment', 'پرداخت الکترونیکی', None)
    """
    words = _SHIFTS.get(_code(kind))
    if words is None:
        return None
    return words[1] if lang == "fa" else words[0]


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


# -- durations -------------------------------------------------------------------------------

#: Units of time: code -> (seconds, English, Persian).
UNITS: Mapping[str, tuple[float, str, str]] = MappingProxyType(
    {
        "days": (86400.0, "days", "روز"),
        "h": (3600.0, "h", "ساعت"),
        "min": (60.0, "min", "دقیقه"),
        "s": (1.0, "s", "ثانیه"),
    }
)
#: What a page shows for an unknown figure.
DASH = "—"


def unit_label(unit: str, lang: Lang) -> str:
    """The word for a unit of :data:`UNITS` in ``lang``."""
    _, en, fa = UNITS[unit]
    return fa if lang == "fa" else en


def time_unit(values: Iterable[timedelta | float | None]) -> str:
    """The one unit for durations shown together: days when any reaches a day, else hours.

    >>> time_unit([timedelta(hours=3), None]), time_unit([timedelta(days=2)])
    ('h', 'days')
    """
    seconds = [abs(_seconds(v)) for v in values if v is not None]
    return "days" if seconds and max(seconds) >= UNITS["days"][0] else "h"


def in_unit(value: timedelta | None, unit: str) -> float:
    """A duration as a number of ``unit`` of :data:`UNITS` (a table's column); NaN when
    unknown.

    >>> in_unit(timedelta(hours=36), "days"), in_unit(None, "h")
    (1.5, nan)
    """
    return math.nan if value is None else value.total_seconds() / UNITS[unit][0]


def _seconds(value: timedelta | float) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def signed_digits(text: str, lang: Lang) -> str:
    """:func:`digits`, and in a Persian line a leading sign kept on the left of its number."""
    shown = digits(text, lang)
    if lang == "fa" and shown[:1] in ("-", "+"):
        # Isolated left to right, the sign stays on the left of its number in a Persian line.
        return f"\u2066{shown}\u2069"
    return shown


def duration(
    value: timedelta | float | None,
    lang: Lang = "en",
    *,
    unit: str | None = None,
    spec: str = ",.2f",
    signed: bool = False,
) -> str:
    """A duration (a timedelta, or seconds) in ``unit`` of :data:`UNITS`; without one, in days
    from one day up, else in hours (:func:`time_unit`). ``spec`` formats the number; ``signed``
    shows a ``+`` on a positive change. Unknown (``None``, NaN) is :data:`DASH`.

    >>> duration(timedelta(minutes=90), unit="min", spec=".0f")
    '90 min'
    >>> duration(-86400 * 2.5, "fa", spec=".3g"), duration(3600.0, signed=True)
    ('\u2066-۲٫۵\u2069 روز', '+1.00 h')
    >>> duration(None)
    '—'
    """
    if value is None:
        return DASH
    seconds = _seconds(value)
    if math.isnan(seconds):
        return DASH
    unit = unit or time_unit([seconds])
    amount = seconds / UNITS[unit][0]
    sign = "+" if signed and seconds > 0 else ""
    return f"{signed_digits(f'{sign}{amount:{spec}}', lang)} {unit_label(unit, lang)}"


def clock(value: timedelta) -> str:
    """A duration as a clock reads it, to the second under a day, to the minute beyond.

    >>> clock(timedelta(minutes=30)), clock(timedelta(days=1, hours=2, minutes=3))
    ('00:30:00', '1 d 02:03')
    >>> parse_clock(clock(timedelta(minutes=30))) == timedelta(minutes=30)
    True
    """
    seconds = value.total_seconds()
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(round(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{sign}{days} d {hours:02d}:{rest // 60:02d}"
    return f"{sign}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


_CLOCK = re.compile(r"^(?:(?P<days>\d+) d )?(?P<h>\d+):(?P<m>\d\d)(?::(?P<s>\d\d(?:\.\d+)?))?$")


def parse_clock(text: str) -> timedelta | None:
    """The duration :func:`clock` (or :class:`datetime.timedelta`'s ``H:MM:SS``) wrote, or
    ``None`` for any other text."""
    found = _CLOCK.match(text.strip())
    if found is None:
        return None
    return timedelta(
        days=int(found["days"] or 0),
        hours=int(found["h"]),
        minutes=int(found["m"]),
        seconds=float(found["s"] or 0),
    )


def spelled(value: timedelta, lang: Lang) -> str:
    """A duration in whole hours, minutes and seconds, each named (``1 h 30 min``).

    >>> spelled(timedelta(hours=1, minutes=30), "en"), spelled(timedelta(0), "fa")
    ('1 h 30 min', '۰ ثانیه')
    """
    rest = round(value.total_seconds())
    parts = []
    for unit in ("h", "min", "s"):
        count, rest = divmod(rest, int(UNITS[unit][0]))
        if count:
            parts.append(f"{count} {unit_label(unit, lang)}")
    return digits(" ".join(parts) or f"0 {unit_label('s', lang)}", lang)


# -- the diagrams ----------------------------------------------------------------------------

#: The words of the diagrams (:func:`bpr.render`), by key: (English, Persian).
DIAGRAM: Mapping[str, tuple[str, str]] = {
    "unknown": ("(unknown)", "(نامشخص)"),
    "legend": ("Legend", "راهنما"),
    "mandatory": ("§ mandatory", "§ الزامی"),
    "citizen_present": ("citizen present", "حضور شهروند"),
    "kind_unknown": ("kind unknown", "نوع نامشخص"),
    "connector": ("① continues at the circle with the same number", "① ادامه در دایره هم‌شماره"),
    "part": ("Part {}", "بخش {}"),
    "part_box": ("⊞ Part {} · {} steps", "⊞ بخش {} · {} مرحله"),
    "parts": (
        "⊞ a part drawn on its own below, between the circles of its letter",
        "⊞ بخشی که جداگانه در زیر آمده، میان دایره‌های هم‌حرف",
    ),
    "joins": ("• paths join", "• پیوستن مسیرها"),
    "no_lanes_agency": (
        "no lanes: no step has an agency",
        "بدون تفکیک سازمان‌ها: سازمان هیچ مرحله‌ای معلوم نیست",
    ),
    "no_lanes_actor": (
        "no lanes: no step has an actor",
        "بدون تفکیک نقش‌ها: نقش هیچ مرحله‌ای معلوم نیست",
    ),
    "times": ("n={}", "{} بار"),
    "of_cases": ("{} of cases", "{} پرونده‌ها"),
    "skipped": ("skipped by {}", "جاافتاده در {}"),
    "gaps_title": (
        "{} against the log: red, dashed = undocumented (share of cases); grey = skipped",
        "{} در برابر رویدادنگار: قرمز و خط‌چین = مستندنشده (سهم پرونده‌ها)؛ خاکستری = جاافتاده",
    ),
    "as_is_title": ("As-is: {}", "وضع موجود: {}"),
    "to_be_title": ("To-be: {} (changes highlighted)", "وضع مطلوب: {} (تغییرها پررنگ)"),
    "removed": ("removed: {}", "حذف‌شده: {}"),
    "merged": ("merged: {}", "ادغام‌شده: {}"),
}


# -- the report -------------------------------------------------------------------------------

# Keys are the English texts; each maps to its Persian translation.

FA: Mapping[str, str] = {
    # sections
    "Analysis of": "تحلیل فرایند",
    "Contents": "فهرست",
    "At a glance": "در یک نگاه",
    "Key figures": "شاخص‌های اصلی",
    "The process as it is": "فرایند در وضع موجود",
    "How well the model reproduces the log": "میزان بازتولید رویدادنگار توسط مدل",
    "Length": "طول فرایند",
    "Definitions": "تعریف‌ها",
    "By": "به تفکیک",
    "Undocumented steps and transitions": "گام‌ها و گذارهای مستندنشده",
    "Undocumented steps": "گام‌های مستندنشده",
    "Undocumented transitions": "گذارهای مستندنشده",
    "Skipped documented steps": "گام‌های مستندِ انجام‌نشده",
    "Redesign proposals": "پیشنهادهای بازطراحی",
    "Steps to review": "گام‌هایی که باید بررسی شوند",
    "As-is and to-be": "وضع موجود و وضع مطلوب",
    "Simulation": "شبیه‌سازی",
    "Data repairs and assumptions": "اصلاح داده‌ها و فرض‌ها",
    "Data repairs": "اصلاح داده‌ها",
    "Columns read": "ستون‌های خوانده‌شده",
    "Assumptions": "فرض‌ها",
    "Glossary of names in the files": "واژه‌نامه نام‌های به‌کاررفته در پرونده‌ها",
    # the data
    "Observed in": "مشاهده‌شده در",
    "cases and": "پرونده و",
    "events, from": "رویداد، از",
    "to": "تا",
    "Business calendar:": "تقویم کاری:",
    "No business calendar was chosen: business-time figures are left out.": (
        "تقویم کاری انتخاب نشد: شاخص‌های زمان کاری محاسبه نشدند."
    ),
    "Figures from the log are observed; figures of the as-is and to-be models and of the "
    "simulation are estimates.": (
        "شاخص‌های رویدادنگار مشاهده‌شده‌اند؛ شاخص‌های مدل‌های وضع موجود و مطلوب و شبیه‌سازی برآورد هستند."
    ),
    # column heads and words
    "figure": "شاخص",
    "value": "مقدار",
    "metric": "سنجه",
    "observed in the log": "مشاهده‌شده در رویدادنگار",
    "as-is model (estimate)": "مدل وضع موجود (برآورد)",
    "to-be model (estimate)": "مدل وضع مطلوب (برآورد)",
    "as-is, simulated": "وضع موجود، شبیه‌سازی",
    "to-be, simulated": "وضع مطلوب، شبیه‌سازی",
    "change": "تغییر",
    "95% interval of the change": "بازه اطمینان ۹۵٪ تغییر",
    "activity": "فعالیت",
    "events": "رویدادها",
    "cases": "پرونده‌ها",
    "share of cases": "سهم پرونده‌ها",
    "share of time": "سهم زمان",
    "from": "از",
    "step": "گام",
    "mandatory": "الزامی",
    "yes": "بله",
    "no": "خیر",
    "unknown": "نامشخص",
    "change proposed": "تغییر پیشنهادی",
    "steps changed": "گام‌های تغییریافته",
    "why": "دلیل",
    "why, and what it rests on": "دلیل، و آنچه بر آن استوار است",
    "evidence": "شواهد",
    "effect of this change alone (estimate)": "اثر همین تغییر به‌تنهایی (برآورد)",
    "status": "وضعیت",
    "field": "ویژگی",
    "steps without it": "گام‌های فاقد آن",
    "repair": "اصلاح",
    "count": "تعداد",
    "detail": "جزئیات",
    "role": "نقش",
    "column": "ستون",
    "where": "کجا",
    "assumption": "فرض",
    "name": "نام",
    "meaning": "معنا",
    "what": "چه",
    "advice": "توصیه",
    "of": "از",
    "steps": "گام",
    # sentences
    "No repairs were needed.": "اصلاحی لازم نبود.",
    "No undocumented step.": "گام مستندنشده‌ای نیست.",
    "No undocumented transition.": "گذار مستندنشده‌ای نیست.",
    "No case skips a documented step.": "هیچ پرونده‌ای گام مستندی را جا نینداخته است.",
    "No written procedure was given, so the log could not be compared with one.": (
        "روال مکتوبی داده نشد، پس رویدادنگار با روالی مقایسه نشد."
    ),
    "To find the steps practice adds to the procedure, give the procedure with": (
        "برای یافتن گام‌هایی که در عمل به روال افزوده شده‌اند، روال را با این گزینه بدهید:"
    ),
    "(a BPMN, PNML or JSON model, or a text file with one step name per line).": (
        "(مدل BPMN، PNML یا JSON، یا پرونده متنی با نام یک گام در هر سطر)."
    ),
    "the written procedure covers": "روال مکتوب پوشش می‌دهد",
    "of events; alignment fitness": "از رویدادها را؛ تطابق هم‌ترازی",
    "No change was proposed.": "هیچ تغییری پیشنهاد نشد.",
    "The heuristics act only on what is known about the steps, and for this process these "
    "fields are unknown:": (
        "قواعد بازطراحی فقط بر پایه آنچه از گام‌ها معلوم است عمل می‌کنند، و در این فرایند این "
        "ویژگی‌ها نامشخص‌اند:"
    ),
    "Give them in an annotation table, one row per activity with the columns": (
        "آن‌ها را در جدول حاشیه‌نویسی بدهید، یک سطر برای هر فعالیت با ستون‌های"
    ),
    "and pass it with": "و آن را با این گزینه بدهید:",
    "An annotation table to fill in was written:": "جدول حاشیه‌نویسی برای تکمیل نوشته شد:",
    "Every heuristic looked at every step: none found a change that improves the process "
    "under the objective's weights.": (
        "همه قواعد بازطراحی همه گام‌ها را بررسی کردند: هیچ‌یک تغییری نیافت که فرایند را با "
        "وزن‌های هدف بهتر کند."
    ),
    "Nothing to review: every step the log shows is in the written procedure, and no "
    "heuristic lacked a field it needs.": (
        "موردی برای بررسی نیست: هر گامی که رویدادنگار نشان می‌دهد در روال مکتوب هست و هیچ قاعده "
        "بازطراحی‌ای ویژگی لازمی را کم نداشت."
    ),
    "What the redesign did not act on: it changes nothing it does not know enough about.": (
        "آنچه بازطراحی به آن دست نزد: چیزی را که به‌اندازه کافی درباره‌اش نمی‌داند تغییر نمی‌دهد."
    ),
    "finding": "یافته",
    "executions per case": "اجرا در هر پرونده",
    "time per case, mean": "زمان در هر پرونده، میانگین",
    "what to do": "اقدام پیشنهادی",
    "none": "هیچ",
    "The simulation was not run (it was switched off).": "شبیه‌سازی اجرا نشد (خاموش شده بود).",
    "The simulation was not run: the log has no times, so no step's duration is known and "
    "simulated times would show only assumed defaults.": "شبیه‌سازی اجرا نشد: رویدادنگار زمان "
    "ندارد، پس مدت هیچ گامی معلوم نیست و زمان‌های شبیه‌سازی‌شده فقط پیش‌فرض‌های فرضی را نشان "
    "می‌دادند.",
    "A log with the time of each event gives them.": "رویدادنگاری با زمان هر رویداد آن‌ها را می‌دهد.",
    "Run the analysis without": "تحلیل را بدون گزینه",
    "to see the effect of the redesign on times, with 95% confidence intervals.": (
        "اجرا کنید تا اثر بازطراحی بر زمان‌ها با بازه اطمینان ۹۵٪ دیده شود."
    ),
    "cases per run,": "پرونده در هر اجرا،",
    "runs on common random numbers; means over runs.": (
        "اجرا با اعداد تصادفی مشترک؛ میانگین اجراها."
    ),
    "changes proposed,": "تغییر پیشنهاد شد،",
    "applied in the to-be,": "در وضع مطلوب اعمال شد،",
    "need a legal change.": "نیازمند تغییر قانون است.",
    "activities of the log are not in the written procedure.": (
        "فعالیت رویدادنگار در روال مکتوب نیست."
    ),
    "Observed figures are means over the cases of the log; estimates are the expected values "
    "of a model over its paths.": (
        "شاخص‌های مشاهده‌شده میانگین پرونده‌های رویدادنگارند؛ برآوردها امید ریاضی مدل روی "
        "مسیرهای آن هستند."
    ),
    "Made with bpr": "ساخته‌شده با bpr",
    "seed": "بذر تصادفی",
    "not applicable to a model": "برای مدل معنا ندارد",
    "unknown:": "نامشخص:",
    "not given for": "داده نشده برای",
    "no duration is known for some steps": "مدت برخی گام‌ها معلوم نیست",
    "a loop can repeat without limit": "حلقه‌ای می‌تواند بی‌حد تکرار شود",
    "the log has no start times": "رویدادنگار زمان شروع ندارد",
    "no business calendar": "بدون تقویم کاری",
    # statuses of proposals
    "applied": "اعمال شد",
    "not applied: needs a legal change": "اعمال نشد: نیازمند تغییر قانون",
    "not applied: no gain on the weighted objective": "اعمال نشد: بهبودی در هدف وزن‌دار ندارد",
    "not applied: the applied changes already give its effect": (
        "اعمال نشد: تغییرهای اعمال‌شده اثر آن را دارند"
    ),
    "not applied: another applied change changes the same step": (
        "اعمال نشد: تغییر اعمال‌شده دیگری همین گام را تغییر می‌دهد"
    ),
    "not applied: the step is locked by a constraint": "اعمال نشد: گام با یک قید قفل شده است",
    # sources of evidence
    "annotation table": "جدول حاشیه‌نویسی",
    "step table": "جدول مراحل",
    "log column": "ستون رویدادنگار",
    "label classifier": "دسته‌بند برچسب‌ها",
    "written procedure": "روال مکتوب",
    "times in the log": "زمان‌های رویدادنگار",
    "the model": "مدل",
    "confidence": "اطمینان",
    "in hours": "به ساعت",
    "within tolerance": "در حد مجاز",
    "beyond tolerance": "بیرون از حد مجاز",
    "verdict": "داوری",
    "figures of the model are further from the log than their tolerance:": (
        "شاخص مدل بیش از حد مجاز از رویدادنگار فاصله دارند:"
    ),
    "The model reproduces the log within every tolerance.": (
        "مدل رویدادنگار را در حد مجاز همه شاخص‌ها بازتولید می‌کند."
    ),
    "its estimates for those figures are less sure.": (
        "برآوردهای آن برای این شاخص‌ها کمتر مطمئن است."
    ),
    "change of": "تغییر",
    # where assumptions come from
    "length observed in the log": "طول مشاهده‌شده در رویدادنگار",
    "length of the as-is model": "طول مدل وضع موجود",
    "length of the to-be model": "طول مدل وضع مطلوب",
    "redesign": "بازطراحی",
    "gaps": "شکاف‌ها",
    "simulation of the as-is": "شبیه‌سازی وضع موجود",
    "simulation of the to-be": "شبیه‌سازی وضع مطلوب",
    # summary figures (keys of Analysis.summary())
    "activities": "فعالیت‌ها",
    "variants": "مسیرهای متمایز",
    "steps per case": "گام در هر پرونده، مشاهده‌شده",
    "visits per case": "مراجعه حضوری در هر پرونده، مشاهده‌شده",
    "cycle time (median)": "زمان چرخه، میانه، مشاهده‌شده",
    "undocumented activities": "فعالیت‌های مستندنشده",
    "undocumented transitions": "گذارهای مستندنشده",
    "documented share of events": "سهم رویدادهای مستند",
    "fitness to the procedure": "تطابق با روال مکتوب",
    "changes proposed": "تغییرهای پیشنهادی",
    "changes applied": "تغییرهای اعمال‌شده",
    "steps, as-is model": "گام در هر پرونده، مدل وضع موجود (برآورد)",
    "steps, to-be model": "گام در هر پرونده، مدل وضع مطلوب (برآورد)",
    "visits, as-is model": "مراجعه حضوری، مدل وضع موجود (برآورد)",
    "visits, to-be model": "مراجعه حضوری، مدل وضع مطلوب (برآورد)",
    "cycle time, as-is simulated": "زمان چرخه، میانگین، شبیه‌سازی وضع موجود (برآورد)",
    "cycle time, to-be simulated": "زمان چرخه، میانگین، شبیه‌سازی وضع مطلوب (برآورد)",
    # the catalogue report (bpr.portfolio)
    "Service catalogue": "کاتالوگ خدمات",
    "Read from": "خوانده‌شده از",
    "Every figure says its level of evidence: the service's card (declared), its step table "
    "or model (documented), or its event log (observed). A figure no level knows shows —, "
    "never 0.": "هر رقم سطح شواهد خود را می‌گوید: شناسنامه خدمت (اعلام‌شده)، جدول مراحل یا مدل "
    "(مستند) یا رویدادنگار (مشاهده‌شده). رقمی که هیچ سطحی آن را نمی‌داند با — نشان داده "
    "می‌شود، هرگز با صفر.",
    "Totals": "جمع‌ها",
    "Services not analysed": "خدمات تحلیل‌نشده",
    "Where to start": "از کجا شروع کنیم",
    "Inquiry links": "پیوندهای استعلام",
    "Counter-office delegation": "واگذاری به دفاتر پیشخوان",
    "Parallel work": "موازی‌کاری",
    "E-readiness per agency and stage": "آمادگی الکترونیکی به تفکیک دستگاه و مرحله",
    "Declared versus observed": "اعلام‌شده در برابر مشاهده‌شده",
    "Services": "خدمات",
    "Agencies": "دستگاه‌ها",
    "Services with": "خدمات دارای",
    "over": "روی",
    "services": "خدمت",
    "A yearly figure is the card's frequency times the figure per case; a service that does "
    "not know either is left out of the total, and the total says how many services it "
    "covers.": "رقم سالانه، تواتر سالانه شناسنامه ضرب در رقم هر پرونده است؛ خدمتی که یکی از "
    "این دو را نمی‌داند از جمع کنار می‌ماند و جمع می‌گوید چند خدمت را در بر می‌گیرد.",
    "service": "خدمت",
    "error": "خطا",
    "Services ranked by the burden a redesign removes a year, then by lower effort (agencies "
    "to integrate, e-inquiry links to build, changes to steps with a legal basis).": "خدمات به "
    "ترتیب باری که بازطراحی در سال برمی‌دارد و سپس تلاش کمتر (دستگاه‌هایی که باید یکپارچه "
    "شوند، پیوندهای استعلام الکترونیکی که باید ساخته شوند، تغییر گام‌هایی که مبنای قانونی "
    "دارند) رتبه‌بندی شده‌اند.",
    "Ranked by": "معیار رتبه‌بندی",
    "ranked services": "خدمات رتبه‌بندی‌شده",
    "rank": "رتبه",
    "agency": "دستگاه",
    "agency unknown": "دستگاه نامعلوم",
    "visits removed a year": "مراجعه حضوری حذف‌شده در سال",
    "hours removed a year": "ساعت حذف‌شده در سال",
    "days removed a year": "روز حذف‌شده در سال",
    "documents removed a year": "مدرک حذف‌شده در سال",
    "effort": "تلاش",
    "proposals behind it": "پیشنهادهای پشت این رقم",
    "Not ranked": "رتبه‌بندی‌نشده",
    "no process: give a step table, a model or a log": "بدون فرایند: جدول مراحل، مدل یا "
    "رویدادنگار بدهید",
    "the redesign failed (see the failures)": "بازطراحی ناموفق بود (خدمات تحلیل‌نشده را ببینید)",
    "frequency unknown: give the card's yearly frequency": "تواتر نامعلوم: تواتر سالانه را در "
    "شناسنامه بدهید",
    "the saving per case is unknown": "صرفه‌جویی در هر پرونده نامعلوم است",
    "Agency-to-agency e-inquiries that replace a document the citizen fetches and carries, "
    "the ones removing most citizen visits first.": "استعلام‌های الکترونیکی میان دستگاه‌ها به "
    "جای مدرکی که شهروند می‌گیرد و می‌برد؛ آن‌هایی که بیشترین مراجعه را حذف می‌کنند اول.",
    "No inquiry link: no service carries a document between agencies, or none says so.": "بدون "
    "پیوند استعلام: هیچ خدمتی مدرکی را میان دستگاه‌ها جابه‌جا نمی‌کند یا چنین چیزی گفته نشده است.",
    "asking agency": "دستگاه استعلام‌کننده",
    "providing agency": "دستگاه پاسخ‌دهنده",
    "cases a year": "پرونده در سال",
    "visits a year": "مراجعه حضوری در سال",
    "hours a year": "ساعت در سال",
    "documents a year": "مدرک در سال",
    "days a year": "روز در سال",
    "services counted": "خدمات شمرده‌شده",
    "Front-office steps a counter office can take, per agency where the step happens; unknown "
    "is not 'stays'.": "گام‌های پیشخوانی که دفتر پیشخوان می‌تواند بگیرد، به تفکیک دستگاهی که "
    "گام در آن انجام می‌شود؛ نامعلوم به معنای «می‌ماند» نیست.",
    "services moving": "خدمات واگذارشدنی",
    "steps moving": "گام‌های واگذارشدنی",
    "visits moved a year": "مراجعه منتقل‌شده در سال",
    "steps counted": "گام‌های شمرده‌شده",
    "services staying": "خدمات ماندنی",
    "services unknown": "خدمات نامعلوم",
    "The same service, with the same output, offered by several agencies or service points.": (
        "یک خدمت با یک خروجی که چند دستگاه یا چند نقطه خدمت ارائه می‌دهند."
    ),
    "No service is offered twice.": "هیچ خدمتی دو بار ارائه نمی‌شود.",
    "group": "گروه",
    "matched on": "تطبیق بر پایه",
    "title": "عنوان انگلیسی",
    "title_fa": "عنوان فارسی",
    "documents out": "مدارک خروجی",
    "Services whose stage is electronic / not electronic / unknown; the darker the cell, the "
    "larger the electronic share of the services that say.": "خدماتی که مرحله‌شان الکترونیکی / "
    "غیرالکترونیکی / نامعلوم است؛ هرچه خانه تیره‌تر، سهم الکترونیکی در میان خدماتی که می‌گویند "
    "بیشتر.",
    "informing": "اطلاع‌رسانی",
    "request": "درخواست",
    "production": "تولید",
    "declared": "اعلام‌شده",
    "difference": "تفاوت",
    "beyond the tolerance": "فراتر از رواداری",
    "No service has both a card and a log.": "هیچ خدمتی هم شناسنامه و هم رویدادنگار ندارد.",
    "days": "روز",
    "id": "شناسه",
    "Made by": "ساخته‌شده با",
    "steps in a case": "گام در هر پرونده",
    "in-person visits": "مراجعه حضوری",
    "citizen's hours": "ساعت وقت شهروند",
    "documents carried": "مدارک همراه شهروند",
    "calendar days": "روز تقویمی",
    "process from": "فرایند از",
    "Back to the catalogue": "بازگشت به کاتالوگ",
    "The analysis of its event log": "تحلیل رویدادنگار آن",
    "Service identity card": "شناسنامه خدمت",
    "type": "نوع",
    "level": "سطح",
    "in-person visits per case": "مراجعه حضوری در هر پرونده",
    "delivery time in days": "مدت ارائه (روز)",
    "documents the citizen brings": "مدارکی که شهروند می‌آورد",
    "What the redesign changes": "آنچه بازطراحی تغییر می‌دهد",
    "Every proposal applied": "همه پیشنهادهای اعمال‌شده",
    "saved per case": "صرفه‌جویی در هر پرونده",
    "removed a year": "حذف‌شده در سال",
    "hours": "ساعت",
    "No proposal applies.": "هیچ پیشنهادی اعمال نمی‌شود.",
    "G2C": "دولت به شهروند",
    "G2B": "دولت به کسب و کار",
    "G2G": "دولت به دولت",
    "national": "ملی",
    "provincial": "استانی",
    "city": "شهرستانی",
    "rural": "روستایی",
}
#: The levels of evidence of a catalogue's figures (:data:`bpr.catalog.LEVELS`): level ->
#: (English, Persian).
EVIDENCE_LEVELS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "card": ("card", "شناسنامه"),
        "steps": ("step table", "جدول مراحل"),
        "model": ("model", "مدل"),
        "log": ("log", "رویدادنگار"),
    }
)
# The summary's figures as an English reader reads them (the keys stay the API's).
EN_SUMMARY: Mapping[str, str] = {
    "steps per case": "steps per case, observed",
    "visits per case": "visits to an office per case, observed",
    "cycle time (median)": "cycle time, median, observed",
    "documented share of events": "share of events in the written procedure",
    "fitness to the procedure": "fitness to the written procedure",
    "steps, as-is model": "steps per case, as-is model (estimate)",
    "steps, to-be model": "steps per case, to-be model (estimate)",
    "visits, as-is model": "visits per case, as-is model (estimate)",
    "visits, to-be model": "visits per case, to-be model (estimate)",
    "cycle time, as-is simulated": "cycle time, mean, as-is simulated (estimate)",
    "cycle time, to-be simulated": "cycle time, mean, to-be simulated (estimate)",
}

# Each metric: its label (with its statistic) and its definition, in English and Persian.
METRICS: Mapping[str, tuple[str, str]] = {
    "steps": ("steps per case", "گام در هر پرونده"),
    "steps_min": ("fewest steps in a case", "کمترین گام در یک پرونده"),
    "steps_max": ("most steps in a case", "بیشترین گام در یک پرونده"),
    "visits": ("visits to an office per case", "مراجعه حضوری در هر پرونده"),
    "handoffs": ("handoffs per case", "دست‌به‌دست شدن در هر پرونده"),
    "agencies": ("agencies per case", "دستگاه در هر پرونده"),
    "documents": ("documents the citizen brings", "مدارکی که شهروند می‌آورد"),
    "inquiries": ("inquiries per case", "استعلام در هر پرونده"),
    "paper_inquiries": ("paper inquiries the citizen carries", "استعلام کاغذی به دست شهروند"),
    "rework": ("repeated steps per case", "گام تکراری در هر پرونده"),
    "procedures": ("procedures with the citizen", "مراحل مواجهه با شهروند"),
    "cycle_time": ("cycle time, median", "زمان چرخه، میانه"),
    "cycle_time_median": ("cycle time, median", "زمان چرخه، میانه"),
    "cycle_time_mean": ("cycle time, mean", "زمان چرخه، میانگین"),
    "cycle_time_p90": ("cycle time, 90th percentile", "زمان چرخه، صدک ۹۰"),
    "working_time": ("working time per case, mean", "زمان کار در هر پرونده، میانگین"),
    "waiting_time": ("waiting time per case, mean", "زمان انتظار در هر پرونده، میانگین"),
    "travel_time": ("citizen's travel time per case, mean", "زمان رفت‌وآمد شهروند، میانگین"),
    "waiting_share": ("share of the cycle time spent waiting", "سهم انتظار از زمان چرخه"),
    "cycle_time_business": ("business cycle time, median", "زمان چرخه در وقت کاری، میانه"),
    "cycle_time_business_mean": (
        "business cycle time, mean",
        "زمان چرخه در وقت کاری، میانگین",
    ),
    "days": ("days to deliver (Doing Business), mean", "روز تا تحویل (روش Doing Business)"),
    "burden": ("citizen's time burden per case, mean", "بار زمانی بر شهروند در هر پرونده"),
    "burden_cost": (
        "cost of the citizen's burden per case, mean",
        "هزینه بار زمانی شهروند در هر پرونده، میانگین",
    ),
    "variants": ("distinct paths", "مسیرهای متمایز"),
    "cases": ("cases", "پرونده‌ها"),
}
HEADLINE_LABELS: Mapping[str, tuple[str, str]] = {
    "visits": ("Visits to an office, per case", "مراجعه حضوری به اداره، در هر پرونده"),
    "steps": ("Steps, per case", "گام‌ها، در هر پرونده"),
    "cycle_time_mean": (
        "Days from request to outcome, mean",
        "روز از درخواست تا نتیجه، میانگین",
    ),
    "documents": ("Documents the citizen brings", "مدارکی که شهروند می‌آورد"),
}
DEFINITIONS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("steps", "steps_min", "steps_max"),
        "Step executions per case. In the log: the mean, fewest and most over its cases; in a "
        "model: the expected value over its paths, and the fewest and most steps a path takes "
        "(no most when a loop can repeat without limit).",
        "تعداد اجرای گام‌ها در هر پرونده. در رویدادنگار: میانگین، کمترین و بیشترین روی "
        "پرونده‌ها؛ در مدل: امید ریاضی روی مسیرها، و کمترین و بیشترین گام یک مسیر (وقتی "
        "حلقه‌ای بی‌حد تکرار شود، بیشترینی نیست).",
    ),
    (
        ("visits",),
        "Trips the citizen makes to an office: consecutive steps where the citizen must be "
        "present at the same place count as one trip (in the log, also on the same day).",
        "سفرهای شهروند به اداره: گام‌های پیاپی که شهروند باید در یک مکان حاضر باشد یک سفر "
        "شمرده می‌شوند (در رویدادنگار، در همان روز).",
    ),
    (
        ("handoffs", "agencies"),
        "Times the case passes from one agency or actor to another, and distinct agencies a "
        "case touches.",
        "دفعاتی که پرونده از دستگاه یا انجام‌دهنده‌ای به دیگری می‌رود، و دستگاه‌های متمایزی "
        "که پرونده از آن‌ها می‌گذرد.",
    ),
    (
        ("documents",),
        "Distinct documents the citizen must bring that no earlier step of the service produces.",
        "مدارک متمایزی که شهروند باید بیاورد و هیچ گام پیشین خدمت آن را صادر نمی‌کند.",
    ),
    (
        ("inquiries", "paper_inquiries"),
        "Steps that check a fact with another agency; paper inquiries are those the citizen "
        "carries by hand.",
        "گام‌هایی که واقعیتی را از دستگاه دیگر استعلام می‌کنند؛ استعلام کاغذی آن است که "
        "شهروند به دست می‌برد.",
    ),
    (
        ("rework",),
        "Executions of a step beyond its first in the same case.",
        "اجرای یک گام بیش از بار نخست در همان پرونده.",
    ),
    (
        ("procedures", "days"),
        "World Bank Doing Business: steps where the citizen deals with an office, and calendar "
        "days with each such procedure taking at least a day (half a day online).",
        "روش Doing Business بانک جهانی: گام‌هایی که شهروند با اداره سروکار دارد، و روزهای "
        "تقویمی با دست‌کم یک روز برای هر مرحله (نیم روز برای مرحله برخط).",
    ),
    (
        ("cycle_time", "cycle_time_mean", "cycle_time_p90"),
        "Time from the first to the last event of a case: median, mean and 90th percentile "
        "(nine cases in ten take less).",
        "زمان از نخستین تا آخرین رویداد پرونده: میانه، میانگین و صدک ۹۰ (نه پرونده از ده "
        "کوتاه‌ترند).",
    ),
    (
        ("working_time", "waiting_share"),
        "Time spent working on the case (it needs start times), and the share of the cycle "
        "time spent waiting.",
        "زمان صرف‌شده برای کار روی پرونده (نیازمند زمان شروع)، و سهم انتظار از زمان چرخه.",
    ),
    (
        ("cycle_time_business", "cycle_time_business_mean"),
        "Cycle time counted in the working time of the business calendar only.",
        "زمان چرخه که فقط در وقت کاری تقویم کاری شمرده می‌شود.",
    ),
    (
        ("burden",),
        "The citizen's time cost per case after the EU Standard Cost Model: travel and "
        "queueing for each visit, and the time to obtain each document.",
        "هزینه زمانی شهروند در هر پرونده به روش مدل هزینه استاندارد اتحادیه اروپا: رفت‌وآمد و "
        "صف برای هر مراجعه، و زمان تهیه هر مدرک.",
    ),
    (
        ("burden_cost",),
        "The burden in money, at the tariff given (money per hour of the citizen's time); "
        "unknown without a tariff.",
        "بار زمانی به پول، با نرخ داده‌شده (پول به ازای هر ساعت از وقت شهروند)؛ بدون نرخ "
        "نامشخص است.",
    ),
    (
        ("variants", "cases"),
        "Distinct sequences of steps, and the number of cases.",
        "دنباله‌های متمایز گام‌ها، و تعداد پرونده‌ها.",
    ),
)

# The figures of a model's fidelity to its log (bpr.Fidelity.summary), by kind.
FIDELITY: Mapping[str, tuple[str, str]] = {
    "share": ("share of cases, furthest from the log", "سهم پرونده‌ها، دورترین از رویدادنگار"),
    "executions": (
        "executions per case, furthest from the log",
        "اجرا در هر پرونده، دورترین از رویدادنگار",
    ),
    "steps": ("steps per case", "گام در هر پرونده"),
    "rework": ("repeated steps per case", "گام تکراری در هر پرونده"),
    "cycle_time_mean": ("cycle time, mean", "زمان چرخه، میانگین"),
    "cycle_time_median": ("cycle time, median", "زمان چرخه، میانه"),
}
# The effects of a change, shortly: each metric with its statistic.
IMPACT: Mapping[str, tuple[str, str]] = {
    "visits": ("visits", "مراجعه حضوری"),
    "steps": ("steps", "گام"),
    "handoffs": ("handoffs", "دست‌به‌دست شدن"),
    "documents": ("documents", "مدارک"),
    "cycle_time": ("cycle time, mean", "زمان چرخه، میانگین"),
}
# A finding of the redesign: what it is, and what the analyst can do (English, Persian).
FINDINGS: Mapping[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "undocumented": (
        ("not in the written procedure", "در روال مکتوب نیست"),
        (
            "Ask the agency whether a law or regulation requires it, before changing anything.",
            "پیش از هر تغییری از دستگاه بپرسید آیا قانون یا مقرره‌ای آن را لازم می‌داند.",
        ),
    ),
    "missing_fields": (
        (
            "{fields} unknown, so these steps were not looked at for: {heuristics}",
            "{fields} نامشخص است، پس این گام‌ها برای این تغییرها بررسی نشدند: {heuristics}",
        ),
        (
            "Give these steps' {fields} in the annotation table.",
            "{fields} این گام‌ها را در جدول حاشیه‌نویسی بدهید.",
        ),
    ),
}
NOT_APPLIED: Mapping[str, str] = {
    "legal_change": "not applied: needs a legal change",
    "no_gain": "not applied: no gain on the weighted objective",
    "dominated": "not applied: the applied changes already give its effect",
    "conflict": "not applied: another applied change changes the same step",
    "locked": "not applied: the step is locked by a constraint",
}
EVIDENCE_SOURCES: Mapping[str, str] = {
    "annotation": "annotation table",
    "step_table": "step table",
    "log_attribute": "log column",
    "classifier": "label classifier",
    "procedure": "written procedure",
    "log_time": "times in the log",
    "model": "the model",
}
REPAIRS_FA: Mapping[str, str] = {
    "no timestamps: events kept in file order": (
        "بدون زمان: رویدادها به ترتیب پرونده نگه داشته شدند"
    ),
    "rows without case dropped": "سطرهای بدون شناسه پرونده حذف شدند",
    "rows without activity dropped": "سطرهای بدون فعالیت حذف شدند",
    "rows without timestamp dropped": "سطرهای بدون زمان حذف شدند",
    "unparseable timestamps dropped": "زمان‌های ناخوانا حذف شدند",
    "unparseable start times cleared": "زمان‌های شروع ناخوانا پاک شدند",
    "start times after completion cleared": "زمان‌های شروعِ پس از پایان پاک شدند",
    "exact duplicate events removed": "رویدادهای کاملاً تکراری حذف شدند",
    "exact duplicate events kept": "رویدادهای کاملاً تکراری نگه داشته شدند",
    "labels merged by normalisation": "برچسب‌ها با یکسان‌سازی ادغام شدند",
    "events re-sorted within a case": "رویدادها در پرونده دوباره مرتب شدند",
    "unpaired start events dropped": "رویدادهای شروعِ بی‌جفت حذف شدند",
    "events with other lifecycle transitions dropped": "رویدادهای با گذار چرخه عمر دیگر حذف شدند",
}
ROLES: Mapping[str, tuple[str, str]] = {
    "case": ("case", "پرونده"),
    "activity": ("activity", "فعالیت"),
    "timestamp": ("time (completion)", "زمان پایان"),
    "start": ("start time", "زمان شروع"),
    "resource": ("who did it", "انجام‌دهنده"),
    "agency": ("agency", "دستگاه"),
    "channel": ("channel", "مجرا"),
}
WEEKDAYS_FA: Mapping[str, str] = {
    "saturday": "شنبه",
    "sunday": "یکشنبه",
    "monday": "دوشنبه",
    "tuesday": "سه‌شنبه",
    "wednesday": "چهارشنبه",
    "thursday": "پنجشنبه",
    "friday": "جمعه",
}
CALENDARS_FA: Mapping[str, str] = {
    "Iranian week, fixed Jalali holidays (religious holidays not included)": (
        "هفته کاری ایران با تعطیلات رسمی ثابت شمسی (بدون تعطیلات مذهبی)"
    ),
    "Monday-to-Friday week": "هفته دوشنبه تا جمعه",
}


# Every assumption a stage writes, recognised by its pattern and written for a reader in each
# language; ``{name}`` takes the named group, written by the function of _PARTS when it has one.
ASSUMPTIONS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), en, fa)
    for pattern, en, fa in (
        (
            r"^steps typed per activity as discover types them",
            "Steps are typed per activity: from the annotation table first, then the log's "
            "columns, then the label classifier.",
            "نوع گام‌ها برای هر فعالیت تعیین شد: نخست از جدول حاشیه‌نویسی، سپس از ستون‌های "
            "رویدادنگار، سپس با دسته‌بند برچسب‌ها.",
        ),
        (
            r"^calendar days in (?P<zone>[^;]+); no business calendar was chosen",
            "Calendar days are counted in the {zone} time zone. No business calendar was "
            "chosen, so the business cycle times are unknown (no working week is assumed).",
            "روزهای تقویمی در منطقه زمانی {zone} شمرده شد. تقویم کاری انتخاب نشد، پس زمان چرخه "
            "در وقت کاری نامشخص است (هیچ هفته کاری فرض نشد).",
        ),
        (
            r"^calendar days in (?P<zone>[^;]+); business time on the ",
            "Calendar days are counted in the {zone} time zone, and business time on the "
            "business calendar named at the top of the report.",
            "روزهای تقویمی در منطقه زمانی {zone} شمرده شد، و وقت کاری بر پایه تقویم کاری "
            "که در آغاز گزارش آمده است.",
        ),
        (
            r"^burden cost unknown: no tariff",
            "The burden has no cost: no tariff (money per hour of the citizen's time) was given.",
            "هزینه بار زمانی نامشخص است: نرخی (پول به ازای هر ساعت از وقت شهروند) داده نشد.",
        ),
        (
            r"^burden cost = burden in hours × (?P<tariff>\S+) (?P<currency>.+) per hour$",
            "The burden's cost is its hours at {tariff} {currency} per hour.",
            "هزینه بار زمانی، ساعت‌های آن به نرخ {tariff} {currency} در ساعت است.",
        ),
        (
            r"^burden = visits × \((?P<travel>\S+) travel \+ (?P<queue>\S+) queue\) \+ "
            r"documents × (?P<obtain>\S+) to obtain",
            "The citizen's burden counts {travel} of travel and {queue} of queueing per visit, "
            "and {obtain} to obtain each document (EU Standard Cost Model).",
            "بار زمانی شهروند برای هر مراجعه {travel} رفت‌وآمد و {queue} صف، و برای تهیه هر "
            "مدرک {obtain} می‌شمارد (مدل هزینه استاندارد اتحادیه اروپا).",
        ),
        (
            r"^the log has no times \(control-flow only\)",
            "The log has no times: cycle time, business time, working time, waiting share and "
            "days are unknown, and a visit is a run of steps at one place.",
            "رویدادنگار زمان ندارد: زمان چرخه، زمان کاری، زمان کار، سهم انتظار و روزها نامشخص‌اند "
            "و هر مراجعه یک رشته گام پیاپی در یک مکان است.",
        ),
        (
            r"^parallel blocks whose branches the log interleaves run one branch after another",
            "Steps the log shows in any order (a parallel block of the discovered model) are "
            "simulated one after another, as the log timed them.",
            "گام‌هایی که رویدادنگار به هر ترتیبی نشان می‌دهد (یک بلوک موازی مدل کشف‌شده) مانند "
            "زمان‌بندی رویدادنگار، یکی پس از دیگری شبیه‌سازی شدند.",
        ),
        (
            r"^the log has no start times",
            "The log has no start times: working time and the waiting share are unknown.",
            "رویدادنگار زمان شروع ندارد: زمان کار و سهم انتظار نامشخص است.",
        ),
        (
            r"^split .*: branch probabilities from observed flow frequencies$",
            "The probability of each branch of a decision is how often the log takes it.",
            "احتمال هر شاخه تصمیم برابر با بسامد آن در رویدادنگار است.",
        ),
        (
            r"^split .*: (?P<missing>\d+) of (?P<branches>\d+) branches have no probability; "
            r"assumed equally likely",
            "Where {missing} of {branches} branches of a decision have no probability, they are "
            "assumed equally likely.",
            "هر جا {missing} شاخه از {branches} شاخه تصمیم احتمال ندارند، هم‌احتمال فرض شدند.",
        ),
        (
            r"^(?P<what>cycle|working) time unknown: (?P<count>\d+) steps have no duration",
            "The {what} time is unknown: {count} steps have no duration.",
            "زمان {what} نامشخص است: {count} گام مدت ندارند.",
        ),
        (
            r"^median and 90th percentile of the cycle time read on a grid",
            "The median and 90th percentile of the cycle time are read on a fine grid (to about a "
            "thousandth of their value); means are exact.",
            "میانه و صدک ۹۰ زمان چرخه روی شبکه‌ای ریز خوانده شد (با دقت حدود یک‌هزارم مقدار)؛ "
            "میانگین‌ها دقیق‌اند.",
        ),
        (
            r"^a duration distribution had more than \d+ values and was binned",
            "Long duration distributions were grouped into bins: medians and 90th percentiles "
            "are approximate, means exact.",
            "توزیع‌های بلند مدت در بازه‌ها گروه‌بندی شدند: میانه و صدک ۹۰ تقریبی و میانگین دقیق است.",
        ),
        (
            r"^(?P<count>\d+) start events: a case starts at each with equal probability",
            "The model has {count} start events: a case starts at each with equal probability.",
            "مدل {count} رویداد آغاز دارد: پرونده با احتمال برابر از هر یک آغاز می‌شود.",
        ),
        (
            r"^arrivals: a Poisson process with the log's rate, one case every (?P<gap>\S+)",
            "Cases arrive at random at the log's rate, one every {gap} on average.",
            "پرونده‌ها به‌طور تصادفی با نرخ رویدادنگار می‌رسند، به‌طور میانگین یکی در هر {gap}.",
        ),
        (
            r"^arrivals: a Poisson process, one case every (?P<gap>\S+)",
            "Cases arrive at random, one every {gap} on average (no rate was given).",
            "پرونده‌ها به‌طور تصادفی می‌رسند، به‌طور میانگین یکی در هر {gap} (نرخی داده نشد).",
        ),
        (
            r"^citizens travel (?P<office>\S+) to an office and (?P<counter>\S+) to a counter "
            r"office",
            "A citizen travels {office} to an office and {counter} to a counter office.",
            "شهروند تا اداره {office} و تا دفتر پیشخوان {counter} در راه است.",
        ),
        (
            r"^no calendar: staff and offices work around the clock",
            "The simulation has no calendar: staff and offices work around the clock.",
            "شبیه‌سازی تقویم ندارد: کارکنان و اداره‌ها شبانه‌روزی کار می‌کنند.",
        ),
        (
            r"^log activities that match no step are left out: (?P<steps>.+)$",
            "Activities of the log that match no step of the model are left out: {steps}.",
            "فعالیت‌هایی از رویدادنگار که با هیچ گام مدل جور نیستند کنار گذاشته شدند: {steps}.",
        ),
        (
            r"^pools the as-is also has keep its staff",
            "Staff pools that the as-is also has keep their size.",
            "گروه‌های کارکنانی که در وضع موجود هم هستند اندازه خود را نگه می‌دارند.",
        ),
        (
            r"^simulated time starts on (?P<start>.+) UTC",
            "Simulated time starts on {start} (UTC).",
            "زمان شبیه‌سازی از {start} آغاز می‌شود.",
        ),
        (
            r"^system steps take (?P<seconds>[\d.]+) s: (?P<steps>.+)$",
            "System steps take {seconds} s: {steps}.",
            "گام‌های سامانه‌ای {seconds} ثانیه طول می‌کشند: {steps}.",
        ),
        (
            r"^durations: a (?P<law>\w+) with the observed median and mean working time: "
            r"(?P<steps>.+)$",
            "Durations follow a distribution with the observed median and mean working time: "
            "{steps}.",
            "مدت‌ها از توزیعی با میانه و میانگین مشاهده‌شده زمان کار پیروی می‌کنند: {steps}.",
        ),
        (
            r"^no duration known: (?P<mean>\S+) on average: (?P<steps>.+)$",
            "No duration is known: {mean} on average is assumed for {steps}.",
            "مدتی معلوم نیست: به‌طور میانگین {mean} فرض شد برای {steps}.",
        ),
        (
            r"^time shares are shares of (?P<basis>\w+) time$",
            "Time shares of undocumented steps are shares of {basis} time.",
            "سهم زمان گام‌های مستندنشده سهم از زمان {basis} است.",
        ),
        (
            r"^the as-is (?P<metric>.+) is unknown \(.*\), so the objective leaves it out$",
            "The as-is {metric} is unknown, so the redesign's objective leaves it out.",
            "{metric} وضع موجود نامشخص است، پس هدف بازطراحی آن را کنار می‌گذارد.",
        ),
        (
            r"^objective weights: (?P<weights>.+)$",
            "The redesign weighs the metrics: {weights}.",
            "وزن سنجه‌ها در هدف بازطراحی: {weights}.",
        ),
    )
)
FA_WORDS = {
    "cycle": "چرخه",
    "working": "کار",
    "whole days": "تمام روز",
    "waiting": "انتظار",
}
