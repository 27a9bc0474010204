"""A bilingual (English and Persian) keyword classifier for step labels.

:func:`classify` reads an activity label such as ``"پرداخت اینترنتی هزینه"`` or
``"Declaration APPROVED by SUPERVISOR"`` and guesses what the step does (its
:class:`~bpr.StepKind`), who does it (its :class:`~bpr.Actor`), the channel and whether the
citizen must be present, with a confidence and the rules that fired. It is the last source of
step types in discovery, after annotation tables and event attributes: an analyst reviews its
guesses, so every guess says where it came from.

How a label is read
-------------------
1. The label is normalised with :func:`bpr.labels.normalize` (Arabic yeh and kaf, zero-width
   non-joiners, diacritics, digits, case); underscores and punctuation become spaces, so
   ``FINAL_APPROVED`` reads as two words.
2. Every pattern of the lexicons below is matched as whole words. English patterns also take
   the endings ``s, es, ed, d, ing``; Persian patterns take the affixes written without a
   space (plural ``ها``/``های``, ezafe ``ی``, ``ات``, ``ان``, ``یه``). Affixes written with a
   zero-width non-joiner (``می‌شود``, ``‌ها``) are separate words after normalisation.
   Lexicon patterns are normalised like labels. A pattern with a space in it is a *phrase*;
   a match inside a longer match is dropped, so ``check with`` (inquiry) hides ``check``
   (verify) and the agency name ``Court of Audit`` (:data:`NEUTRAL_TERMS`) hides ``audit``; but a
   channel word survives inside a phrase of another table (``ارسال پیامک`` is a notification
   sent by SMS), and :data:`PERFORMER_TERMS` hide nothing of other tables.
3. **Kind.** Of the kind matches, the *head* wins: a match after a purpose marker (``for``,
   ``برای``, ``جهت``) loses to one outside it unless it is a finite verb (English ``-ed``,
   Persian followed by an auxiliary such as ``می‌شود``); then a phrase beats a word and a word
   beats a hint (:data:`KIND_HINTS`, light verbs and objects such as ``request``/``درخواست``);
   then the earliest match wins, because labels name their action first (``Send file for
   approval`` is a transport, the approval being its purpose).
4. **Actor.** The nearest marker between the head and a mention of an actor
   (:data:`ACTOR_TERMS`) gives the mention its role: the agent after ``by``/``توسط`` wins,
   then the subject (unmarked: in English before the head; in Persian anywhere, as in the
   ezafe ``تایید مدیر``), then the place after ``at``/``در``. A mention after ``to``,
   ``from``, ``for``, ``به``, ``از``, ``برای`` ... is a recipient, source or purpose, and an
   unmarked English noun after the head is its object: neither is the actor. Without a
   mention, the head's usual performer (:data:`PERFORMER_TERMS`, e.g. ``register`` is done by
   the front office) and then the kind's default (:data:`DEFAULT_ACTOR`) decide; a
   back-office default becomes the front office when the citizen is present, because the back
   office does not meet citizens.
5. **Channel** is the most specific, earliest :data:`CHANNEL_TERMS` match. **Citizen
   presence** comes from :data:`PRESENCE_TERMS`, else from the channel (web, mobile, IVR, SMS,
   mail, internal and system mean absent; in person and counter office mean present), else
   from :data:`PRESENCE_HINTS` (``visit``/``مراجعه``, which can also mean visiting a web site).
6. **Confidence** is the mean of a kind score and an actor score, each 1.0 for a phrase, 0.75
   for a word and 0.5 for a hint or a kind's default actor, 0 when nothing was found. A label
   no rule recognises gets kind ``None`` (not ``OTHER``: ``OTHER`` is a positive finding,
   such as an edit or a correction) and confidence 0.

Examples
--------
>>> c = classify("پرداخت اینترنتی هزینه")
>>> c.kind, c.actor, c.channel, c.citizen_present
(<StepKind.PAY: 'pay'>, <Actor.CITIZEN: 'citizen'>, <Channel.WEB: 'web'>, False)
>>> c.rule
"kind:pay<-'پرداخت'; actor:citizen<-kind:pay; channel:web<-'اینترنتی'; present:false<-channel:web"
>>> c.confidence
0.625
>>> classify("Declaration APPROVED by SUPERVISOR").rule
"kind:approve<-'approved'; actor:back_office<-'supervisor'"
>>> classify("Send file for approval").kind
<StepKind.TRANSPORT: 'transport'>
>>> classify("بررسي مدارك") == classify("بررسی مدارک")
True
>>> classify("UNKNOWN")
Classification(kind=None, actor=None, channel=None, citizen_present=None, confidence=0.0, rule='')
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import attrs

from bpr.errors import AnnotationError
from bpr.labels import normalize
from bpr.model import Actor, Channel, StepKind

__all__ = [
    "ACTOR_TERMS",
    "CHANNEL_TERMS",
    "DEFAULT_ACTOR",
    "KIND_HINTS",
    "KIND_TERMS",
    "NEUTRAL_TERMS",
    "PERFORMER_TERMS",
    "PRESENCE_HINTS",
    "PRESENCE_TERMS",
    "Classification",
    "classify",
]

_K = TypeVar("_K")


def _frozen(table: dict[_K, tuple[str, ...]]) -> Mapping[_K, tuple[str, ...]]:
    # Read-only, because the compiled patterns are cached once per process.
    return MappingProxyType(table)


# The government counter offices (دفاتر پیشخوان) are both who does a step and where the citizen
# goes for it, so the same words name an actor and a channel.
_COUNTER_OFFICE = (
    "counter office",
    "government counter",
    "پیشخوان",
    "دفتر پیشخوان",
    "دفاتر پیشخوان",
    "دفاتر? خدمات الکترونیک",
)

#: Words and phrases that name what a step does, per kind (regular expressions over the
#: normalised label; see the module notes for endings and phrases).
KIND_TERMS: Mapping[StepKind, tuple[str, ...]] = _frozen(
    {
        StepKind.SUBMIT: (
            "submi(?:t|tted|tting|ssion)",
            "appl(?:y|ies|ied|ying)",
            "register",
            "registration",
            "appeal",
            "lodge",
            "file (?:a |an )?(?:request|application|appeal|claim|complaint)",
            "hand in",
            "ثبت ?درخواست",
            "ثبت ?نام",
            "اعتراض",
            "تحویل مدارک",
            "دریافت مدارک",
            "ارائه مدارک",
            "پذیرش درخواست",
            "نوبت ?(?:دهی|گیری)",
            "book(?:ing)? (?:an )?appointment",
        ),
        StepKind.VERIFY: (
            "check",
            "review",
            "verif(?:y|ies|ied|ying|ication)",
            "examin(?:e|ation|ing)",
            "inspect(?:ion)?",
            "audit",
            "assess(?:ment)?",
            "evaluat(?:e|ion|ing)",
            "validat(?:e|ion|ing)",
            "control",
            "advice",
            "(?:site|field|inspection) visit",
            "expert opinion",
            "بررسی",
            "کنترل",
            "رسیدگی",
            "کارشناسی",
            "بازدید",
            "بازرسی",
            "ارزیابی",
            "احراز",
            "تطبیق",
            "بازبینی",
            "ممیزی",
            "نظر کارشناسی",
        ),
        StepKind.INQUIRY: (
            "inquir(?:y|ies|e)",
            "enquir(?:y|ies|e)",
            "check with",
            "request (?:for )?advice",
            "advice request",
            "external advice",
            "consult(?:ation)?",
            "استعلام",
            "پاسخ (?:به )?استعلام",
        ),
        StepKind.DECIDE: (
            "decid(?:e|ing)",
            "decision",
            "determin(?:e|ation|ing)",
            "reject(?:ion)?",
            "refus(?:e|al)",
            "result",
            "outcome",
            "verdict",
            "ruling",
            "تصمیم",
            "تصمیم ?گیری",
            "رد",
            "رای",
            "نتیجه",
            "حکم",
        ),
        StepKind.APPROVE: (
            "approv(?:e|al|ing)",
            "authori[sz](?:e|ation|ing)",
            "endorse(?:ment)?",
            "sign off",
            "تا[یئ]ید",
            "تا[یئ]یدیه",
            "موافقت",
            "تصویب",
        ),
        StepKind.SIGN: (
            "(?:counter)?sign(?:ature)?",
            "امضاء?",
            "مهر و امضاء?",
        ),
        StepKind.PAY: (
            "pay",
            "paid",
            "payment",
            "refund",
            "reimburs(?:e|ement)",
            "پرداخت",
            "واریز",
            "فیش",
            "(?:می ?|ب)?پرداز(?:د|ند|ید)",
        ),
        StepKind.NOTIFY: (
            "notif(?:y|ies|ied|ying|ication)",
            "inform",
            "remind(?:er)?",
            "report",
            "announc(?:e|ement)",
            "notice",
            "sen(?:d|ds|ding|t) (?:a |an |the )?"
            "(?:reminder|notice|notification|sms|text message|e ?mail)",
            "ابلاغ",
            "ابلاغیه",
            "اطلاع ?رسانی",
            "اطلاع",
            "اعلام",
            "اعلام نتیجه",
            "اخطار",
            "اخطاریه",
            "پیامک",
            "ارسال پیامک",
        ),
        StepKind.ISSUE: (
            "issu(?:e|ance|ing)",
            "creat(?:e|ion|ing)",
            "print",
            "produc(?:e|tion|ing)",
            "generat(?:e|ion|ing)",
            "deliver(?:y)?",
            "hand over",
            "صدور",
            "صادر",
            "تحویل",
            "چاپ",
            "تولید",
        ),
        StepKind.ARCHIVE: (
            "archiv(?:e|al|ing)",
            "stor(?:e|age|ing)",
            "بایگانی",
            "آرشیو",
        ),
        StepKind.TRANSPORT: (
            "send",
            "sent",
            "forward",
            "transfer",
            "refer(?:ral)?",
            "dispatch",
            "ارسال",
            "ارجاع",
            "انتقال",
            "فرستاد(?:ن)?",
            "(?:می ?|ب)?فرست(?:د|ند|ید)",
        ),
        StepKind.WAIT: (
            "wait",
            "queue",
            "pending",
            "on hold",
            "انتظار",
            "منتظر",
            "در صف",
        ),
        StepKind.OTHER: (
            "adjust(?:ment)?",
            "amend(?:ment)?",
            "correct(?:ion)?",
            "modif(?:y|ies|ied|ication)",
            "edit",
            "updat(?:e|ing)",
            "save",
            "اصلاح",
            "تصحیح",
            "ویرایش",
            "به ?روز ?رسانی",
            "ذخیره",
        ),
    }
)

#: Light verbs and objects that suggest a kind only when no word of :data:`KIND_TERMS` does:
#: ``request`` is what ``review request`` reviews, but on its own it is a submission.
KIND_HINTS: Mapping[StepKind, tuple[str, ...]] = _frozen(
    {
        StepKind.SUBMIT: (
            "request",
            "application",
            "present",
            "provide",
            "درخواست",
            "تقاضا",
            "ارائه",
        ),
        StepKind.PAY: ("fee", "tariff", "هزینه", "قبض", "تعرفه"),
        StepKind.ARCHIVE: ("file",),
    }
)

#: Who a mention in the label names (``by the supervisor``, ``توسط کارشناس``).
#: ``employee`` is left out on purpose: it is the staff in one service and the applicant in
#: another (internal services such as travel permits).
ACTOR_TERMS: Mapping[Actor, tuple[str, ...]] = _frozen(
    {
        Actor.CITIZEN: (
            "citizen",
            "applicant",
            "customer",
            "client",
            "offender",
            "requester",
            "taxpayer",
            "resident",
            "owner",
            "متقاضی",
            "شهروند",
            "مراجعه ?کننده",
            "ارباب ?رجوع",
            "مودی",
            "مالک",
            "مشتری",
            "خدمت ?گیرنده",
            "متخلف",
        ),
        Actor.FRONT_OFFICE: (
            "reception(?:ist)?",
            "front (?:office|desk)",
            "desk",
            "counter",
            "پذیرش",
            "باجه",
            "میز خدمت",
            "دبیرخانه",
        ),
        Actor.BACK_OFFICE: (
            "expert",
            "officer",
            "supervisor",
            "manager",
            "director",
            "administration",
            "budget owner",
            "approver",
            "inspector",
            "auditor",
            "committee",
            "commission",
            "board",
            "back office",
            "department",
            "staff",
            "کارشناس",
            "مدیر",
            "مدیرکل",
            "ر[ئی]یس",
            "معاون",
            "بازرس",
            "کمیسیون",
            "کمیته",
            "هی[ئا]ت",
            "کارمند",
            "مسئول",
        ),
        Actor.COUNTER_OFFICE: _COUNTER_OFFICE,
        Actor.SYSTEM: (
            "system",
            "automatic(?:ally)?",
            "automated",
            "سامانه",
            "سیستم",
            "سیستمی",
            "خودکار",
            "به (?:صورت|طور) خودکار",
        ),
        Actor.EXTERNAL_AGENCY: (
            "external agency",
            "(?:an)?other agency",
            "third party",
            "دستگاه دیگر",
            "سازمان دیگر",
            "دستگاه استعلام ?شونده",
        ),
    }
)

#: Who usually performs an action when the label names nobody; used only when the match
#: overlaps the head (``register request`` is the front office's intake of a request,
#: ``pay compensation`` is the agency paying the citizen).
PERFORMER_TERMS: Mapping[Actor, tuple[str, ...]] = _frozen(
    {
        Actor.CITIZEN: ("تحویل مدارک", "ارائه مدارک"),
        Actor.FRONT_OFFICE: (
            "register",
            "registration",
            "deliver(?:y)?",
            "hand over",
            "receive (?:the )?(?:request|application|documents)",
            "پذیرش درخواست",
            "دریافت مدارک",
            "تحویل",
        ),
        Actor.BACK_OFFICE: (
            "pay compensation",
            "refund",
            "reimburs(?:e|ement)",
            "پرداخت خسارت",
            "استرداد",
            "یارانه",
        ),
        Actor.EXTERNAL_AGENCY: (
            "پاسخ (?:به )?استعلام",
            "inquiry response",
            "(?:reply|response) to (?:the |an )?inquiry",
        ),
    }
)

#: The actor of a step of each kind when the label says nothing about it: the citizen submits
#: and pays; the agency's back office does the rest, including waiting (the case lies in its
#: queue) and inquiries (the asking agency's back office asks).
DEFAULT_ACTOR: Mapping[StepKind, Actor] = MappingProxyType(
    {
        StepKind.SUBMIT: Actor.CITIZEN,
        StepKind.PAY: Actor.CITIZEN,
        StepKind.VERIFY: Actor.BACK_OFFICE,
        StepKind.INQUIRY: Actor.BACK_OFFICE,
        StepKind.DECIDE: Actor.BACK_OFFICE,
        StepKind.APPROVE: Actor.BACK_OFFICE,
        StepKind.SIGN: Actor.BACK_OFFICE,
        StepKind.NOTIFY: Actor.BACK_OFFICE,
        StepKind.ISSUE: Actor.BACK_OFFICE,
        StepKind.ARCHIVE: Actor.BACK_OFFICE,
        StepKind.TRANSPORT: Actor.BACK_OFFICE,
        StepKind.WAIT: Actor.BACK_OFFICE,
    }
)

#: Words and phrases that name a channel.
CHANNEL_TERMS: Mapping[Channel, tuple[str, ...]] = _frozen(
    {
        Channel.WEB: (
            "online",
            "on line",
            "internet",
            "web",
            "web ?site",
            "portal",
            "e ?service",
            "electronic(?:ally)?",
            "e ?mail",
            "اینترنت",
            "اینترنتی",
            "برخط",
            "آنلاین",
            "الکترونیکی?",
            "درگاه",
            "پرتال",
            "وب ?سایت",
            "سایت",
            "(?:در|به|از طریق) سامانه",
            "پست الکترونیکی?",
            "ایمیل",
        ),
        Channel.MOBILE: (
            "mobile",
            "app",
            "smartphone",
            "موبایل",
            "تلفن همراه",
            "اپلیکیشن",
            "برنامه همراه",
        ),
        Channel.IVR: (
            "ivr",
            "phone",
            "telephone",
            "call cent(?:er|re)",
            "تلفن",
            "تلفنی",
            "تلفن گویا",
        ),
        Channel.SMS: ("sms", "text message", "پیامک", "پیام کوتاه", "اس ام اس"),
        Channel.MAIL: ("post", "postal", "mail", "courier", "پست", "پستی"),
        Channel.COUNTER_OFFICE: _COUNTER_OFFICE,
        Channel.IN_PERSON: ("in person", "face to face", "حضوری"),
        Channel.INTERNAL: (
            "internal(?:ly)?",
            "intern",
            "office automation",
            "داخلی",
            "اتوماسیون اداری",
        ),
        Channel.SYSTEM: ("automatic(?:ally)?", "automated", "خودکار", "به (?:صورت|طور) خودکار"),
    }
)

#: Words that say outright whether the citizen is present.
PRESENCE_TERMS: Mapping[bool, tuple[str, ...]] = _frozen(
    {
        True: ("in person", "face to face", "physically", "حضوری", "با حضور"),
        False: (
            "remote(?:ly)?",
            "without (?:a )?visit",
            "غیر ?حضوری",
            "بدون مراجعه",
            "بدون حضور",
        ),
    }
)

#: Words that suggest the citizen comes to an office, unless a channel says otherwise
#: (``مراجعه به سامانه`` is a visit to a web site).
PRESENCE_HINTS: Mapping[bool, tuple[str, ...]] = _frozen({True: ("visit", "attend", "مراجعه")})

#: Agency names that contain lexicon words but say nothing about the step: an approval by
#: the General Inspection Organisation or the Court of Audit is not an inspection or an audit.
NEUTRAL_TERMS: tuple[str, ...] = (
    "سازمان بازرسی",
    "inspection organi[sz]ation",
    "court of audit(?:ors)?",
)

_PURPOSE = frozenset({"for", "برای", "جهت"})
_AUXILIARIES = frozenset(
    {
        "می",
        "شد",
        "شده",
        "شود",
        "شوند",
        "میشود",
        "میشوند",
        "کرد",
        "کند",
        "کنند",
        "میکند",
        "میکنند",
        "نمود",
        "نماید",
        "گردید",
        "گردد",
        "میگردد",
    }
)
_ENGLISH_PARTICIPLES = frozenset({"sent", "paid"})


class _Role(enum.IntEnum):
    """What an actor mention is to the step; higher values say more about who performs it."""

    PLACE = 1
    SUBJECT = 2
    AGENT = 3


# Markers are read before the mention; two-word markers are checked before one-word ones.
_MARKERS: Mapping[str, _Role | None] = MappingProxyType(
    {
        "by": _Role.AGENT,
        "توسط": _Role.AGENT,
        "به وسیله": _Role.AGENT,
        "بوسیله": _Role.AGENT,
        "از طرف": _Role.AGENT,
        "از سوی": _Role.AGENT,
        "به دست": _Role.AGENT,
        "at": _Role.PLACE,
        "in": _Role.PLACE,
        "on": _Role.PLACE,
        "via": _Role.PLACE,
        "through": _Role.PLACE,
        "در": _Role.PLACE,
        "از طریق": _Role.PLACE,
        # Recipients, sources and purposes: the mention is not the performer.
        **dict.fromkeys(
            ("to", "from", "for", "with", "of", "about", "به", "از", "برای", "جهت", "با")
        ),
    }
)


class _Level(enum.IntEnum):
    HINT = 1
    WORD = 2
    PHRASE = 3


_SCORE: Mapping[_Level, float] = MappingProxyType(
    {_Level.HINT: 0.5, _Level.WORD: 0.75, _Level.PHRASE: 1.0}
)
_DEFAULT_SCORE = 0.5
_PERSIAN = re.compile("[\u0600-\u06ff]")
_PERSIAN_AFFIX = "(?:ها|های|هایی|ی|ای|ات|ان|یه)?"
_ENGLISH_AFFIX = "(?:s|es|ed|d|ing)?"
_SEPARATORS = re.compile(r"[\W_]+")


@attrs.frozen
class Classification:
    """What the label of a step says about it.

    Attributes
    ----------
    kind, actor, channel
        The step's kind, actor and channel, or ``None`` where the label does not say.
    citizen_present
        Whether the citizen must be at an office, or ``None`` where the label does not say.
    confidence
        How specific the evidence was, in [0, 1]: 0 when no rule fired.
    rule
        The rules that fired, ``;``-separated, each ``attribute:value<-evidence`` where the
        evidence is the matched text in quotes or the attribute it was derived from.
    """

    kind: StepKind | None
    actor: Actor | None
    channel: Channel | None
    citizen_present: bool | None
    confidence: float
    rule: str


@attrs.frozen
class _Match:
    field: str
    value: Any
    level: _Level
    start: int
    end: int
    text: str

    def hides(self, other: _Match) -> bool:
        # A performer describes the head it overlaps, so it hides only other performers; a
        # channel word stays a channel inside any phrase ("ارسال پیامک" is sent by SMS).
        if self.field == "performer" and other.field != "performer":
            return False
        if other.field == "channel" and self.field not in ("channel", "neutral"):
            return False
        inside = self.start <= other.start and other.end <= self.end
        return inside and self.end - self.start > other.end - other.start

    def overlaps(self, other: _Match) -> bool:
        return self.start < other.end and other.start < self.end

    @property
    def persian(self) -> bool:
        return bool(_PERSIAN.search(self.text))


@attrs.frozen
class _Pattern:
    field: str
    value: Any
    level: _Level
    regex: re.Pattern[str]


def _compile(pattern: str) -> re.Pattern[str]:
    # Patterns go through the labels' normaliser, so that they meet labels in the same
    # spelling whatever it does (alef madda loses its madda, hamza seats change).
    pattern = normalize(pattern)
    affix = _PERSIAN_AFFIX if _PERSIAN.search(pattern) else _ENGLISH_AFFIX
    return re.compile(rf"(?<!\w)(?:{pattern}){affix}(?!\w)")


def _entries(
    field: str, table: Mapping[Any, tuple[str, ...]], hints: bool = False
) -> list[_Pattern]:
    single = _Level.HINT if hints else _Level.WORD
    return [
        _Pattern(field, value, _Level.PHRASE if " " in pattern else single, _compile(pattern))
        for value, patterns in table.items()
        for pattern in patterns
    ]


@functools.cache
def _patterns() -> tuple[_Pattern, ...]:
    # Compiled on first use, so that importing bpr stays fast.
    return (
        *_entries("kind", KIND_TERMS),
        *_entries("kind", KIND_HINTS, hints=True),
        *_entries("actor", ACTOR_TERMS),
        *_entries("performer", PERFORMER_TERMS),
        *_entries("channel", CHANNEL_TERMS),
        *_entries("present", PRESENCE_TERMS),
        *_entries("present", PRESENCE_HINTS, hints=True),
        *_entries("neutral", {None: NEUTRAL_TERMS}),
    )


def _find(text: str) -> list[_Match]:
    found = [
        _Match(p.field, p.value, p.level, m.start(), m.end(), m.group())
        for p in _patterns()
        for m in p.regex.finditer(text)
    ]
    return [m for m in found if not any(other.hides(m) for other in found)]


def _finite(text: str, match: _Match) -> bool:
    if not match.persian:
        return match.text.endswith("ed") or match.text in _ENGLISH_PARTICIPLES
    following = text[match.end :].split(maxsplit=1)
    return bool(following) and following[0] in _AUXILIARIES


def _head(text: str, matches: list[_Match]) -> _Match | None:
    """The kind match that names the step's action (see the module notes, step 3)."""

    def rank(m: _Match) -> tuple[bool, _Level, int]:
        in_purpose = not _PURPOSE.isdisjoint(text[: m.start].split())
        return (not in_purpose or _finite(text, m), m.level, -m.start)

    kinds = [m for m in matches if m.field == "kind"]
    return max(kinds, key=rank, default=None)


def _marker(text: str, mention: _Match, head: _Match | None) -> tuple[bool, _Role | None]:
    """Whether a marker stands between the head and the mention, and the role it gives.

    The nearest marker wins: in "اعتراض به رای کمیسیون" the commission is inside the
    recipient of the objection, and in "at government counter office" the office is a place.
    """
    after_head = head is not None and head.end <= mention.start
    words = text[head.end if after_head else 0 : mention.start].split()
    for i in range(len(words) - 1, -1, -1):
        for candidate in (" ".join(words[i - 1 : i + 1]) if i else "", words[i]):
            if candidate in _MARKERS:
                return True, _MARKERS[candidate]
    return False, None


def _role(text: str, mention: _Match, head: _Match | None) -> _Role | None:
    marked, role = _marker(text, mention, head)
    if marked:
        return role
    # English is subject-verb-object: an unmarked noun after the head is its object.
    if mention.persian or head is None or mention.start <= head.start:
        return _Role.SUBJECT
    return None


def _actor(
    text: str, matches: list[_Match], head: _Match | None, present: bool | None
) -> tuple[Actor | None, str, float]:
    roles = [
        (role, m)
        for m in matches
        if m.field == "actor" and (role := _role(text, m, head)) is not None
    ]
    if roles:
        _, best = max(roles, key=lambda r: (r[0], r[1].level, -r[1].start))
        return best.value, f"actor:{best.value}<-'{best.text}'", _SCORE[best.level]
    if head is None:
        return None, "", 0.0
    for m in matches:
        if m.field == "performer" and m.overlaps(head):
            return m.value, f"actor:{m.value}<-'{m.text}'", _SCORE[m.level]
    actor = DEFAULT_ACTOR.get(head.value)
    if actor is None:
        return None, "", 0.0
    if actor is Actor.BACK_OFFICE and present:
        return Actor.FRONT_OFFICE, f"actor:front_office<-kind:{head.value}+present", _DEFAULT_SCORE
    return actor, f"actor:{actor}<-kind:{head.value}", _DEFAULT_SCORE


def _best(matches: list[_Match], field: str, level: _Level | None = None) -> _Match | None:
    chosen = [m for m in matches if m.field == field and (level is None or m.level >= level)]
    return max(chosen, key=lambda m: (m.level, -m.start), default=None)


_ABSENT_CHANNELS = frozenset(
    {
        Channel.WEB,
        Channel.MOBILE,
        Channel.IVR,
        Channel.SMS,
        Channel.MAIL,
        Channel.INTERNAL,
        Channel.SYSTEM,
    }
)


def _presence(matches: list[_Match], channel: _Match | None) -> tuple[bool | None, str]:
    explicit = _best(matches, "present", _Level.WORD)
    if explicit is not None:
        return explicit.value, f"present:{str(explicit.value).lower()}<-'{explicit.text}'"
    if channel is not None:
        present = channel.value not in _ABSENT_CHANNELS
        return present, f"present:{str(present).lower()}<-channel:{channel.value}"
    hint = _best(matches, "present")
    if hint is not None:
        return hint.value, f"present:{str(hint.value).lower()}<-'{hint.text}'"
    return None, ""


def classify(label: str) -> Classification:
    """Guess a step's kind, actor, channel and citizen presence from its label.

    Parameters
    ----------
    label
        The activity label, English or Persian, as written in a log or a procedure.

    Returns
    -------
    Classification
        The guesses, with ``None`` for what the label does not say, a confidence in [0, 1]
        and the rules that fired. How the label is read is described in :mod:`bpr.classify`.

    Raises
    ------
    AnnotationError
        When ``label`` is not text.

    Examples
    --------
    >>> c = classify("Request For Payment SUBMITTED by EMPLOYEE")
    >>> c.kind, c.actor
    (<StepKind.SUBMIT: 'submit'>, <Actor.CITIZEN: 'citizen'>)
    >>> c.rule
    "kind:submit<-'submitted'; actor:citizen<-kind:submit"
    >>> c = classify("استعلام از ثبت‌احوال")
    >>> c.kind, c.actor, c.confidence
    (<StepKind.INQUIRY: 'inquiry'>, <Actor.BACK_OFFICE: 'back_office'>, 0.625)
    >>> classify("Verify identity in person").actor
    <Actor.FRONT_OFFICE: 'front_office'>
    """
    if not isinstance(label, str):
        raise AnnotationError(
            f"classify: a step label must be text, got {type(label).__name__} {label!r}; "
            "pass the activity name as a string"
        )
    text = _SEPARATORS.sub(" ", normalize(label)).strip()
    matches = _find(text)
    head = _head(text, matches)
    channel = _best(matches, "channel")
    present, present_rule = _presence(matches, channel)
    actor, actor_rule, actor_score = _actor(text, matches, head, present)
    kind_score = 0.0 if head is None else _SCORE[head.level]
    rules = [
        "" if head is None else f"kind:{head.value}<-'{head.text}'",
        actor_rule,
        "" if channel is None else f"channel:{channel.value}<-'{channel.text}'",
        present_rule,
    ]
    return Classification(
        kind=None if head is None else head.value,
        actor=actor,
        channel=None if channel is None else channel.value,
        citizen_present=present,
        confidence=(kind_score + actor_score) / 2,
        rule="; ".join(r for r in rules if r),
    )
