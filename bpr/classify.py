"""A bilingual (English and Persian) keyword classifier for step labels.

:func:`classify` reads an activity label such as ``"پرداخت اینترنتی هزینه"`` or
``"Declaration APPROVED by SUPERVISOR"`` and guesses what the step does (its
:class:`~bpr.StepKind`), who does it (its :class:`~bpr.Actor`), the channel and whether the
citizen must be present, with a confidence and the rules that fired. It also says who pays
whom in a payment, and whether the step is one of the patterns of waste that a redesign may
remove (copying, re-entering data, a second signature, a paper archive). It is the last source
of step types in discovery, after annotation tables and event attributes: an analyst reviews its
guesses, so every guess says where it came from, and what the label does not say stays
unknown (``None``).

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
   sent by SMS), and the tables that describe a step rather than name it
   (:data:`PERFORMER_TERMS`, :data:`PAYOUT_TERMS`, :data:`PAYEE_TERMS`, :data:`WASTE_TERMS`)
   neither hide nor are hidden by the others.
3. **Kind.** Of the kind matches, the *head* wins: a match after a purpose marker (``for``,
   ``برای``, ``جهت``) loses to one outside it unless it is a finite verb (English ``-ed``,
   Persian followed by an auxiliary such as ``می‌شود``); then a phrase beats a word and a word
   beats a hint (:data:`KIND_HINTS`, light verbs and objects such as ``request``/``درخواست``);
   then the earliest match wins, because labels name their action first (``Send file for
   approval`` sends the file, the approval being its purpose).
   Sending (:data:`SEND_TERMS`: ``send``, ``forward``, ``ارسال``, ``ارجاع``) is a message
   from an office, a notification: the citizen is not there. A *transport* is only the
   citizen carrying paper (:data:`CARRY_TERMS`: ``brings the letter``, ``تحویل نامه``,
   ``می‌برد``), the trip a redesign may save.
4. **Actor.** The nearest marker between the head and a mention of an actor
   (:data:`ACTOR_TERMS`) gives the mention its role: the agent after ``by``/``توسط`` wins,
   then the subject (unmarked: in English before the head; in Persian anywhere, as in the
   ezafe ``تایید مدیر``), then the place after ``at``/``در``. A mention after ``to``,
   ``from``, ``for``, ``به``, ``از``, ``برای`` ... is a recipient, source or purpose, and an
   unmarked English noun after the head is its object: neither is the actor. The role a label
   names is who did it: ``by SUPERVISOR`` is the back office and ``by EMPLOYEE`` the applicant
   (:data:`ACTOR_HINTS`: in an organisation's internal services, such as travel permits, the
   employee is the one who asks; the evidence is weak, since elsewhere an employee is staff).
   An agent the lexicons do not know (``by MISSING``, ``by user 42``) makes the actor unknown:
   the label says someone did it, and a default would be a guess. Without a mention, a
   payment out of the organisation is the back office's; then the head's usual performer
   (:data:`PERFORMER_TERMS`, e.g. ``register`` is done by the front office) and then the
   kind's default (:data:`DEFAULT_ACTOR`) decide; a back-office default becomes the front
   office when the citizen is present, because the back office does not meet citizens.
5. **Who pays whom** (``payout``, for payments only). ``True`` when the organisation pays
   out: a refund, reimbursement, salary or compensation (:data:`PAYOUT_TERMS`) or a payment
   to a person (a :data:`PAYEE_TERMS` or citizen mention after ``to``/``به``); such a step is
   not the citizen's. ``False`` when the label names the citizen or business as the payer.
   Otherwise unknown: a fee can be paid or refunded, so ``Pay the fee`` says nothing more than
   the kind's default actor.
6. **Channel** is the most specific, earliest :data:`CHANNEL_TERMS` match; "in the system" of
   an archive is the records system, not the web. **Citizen presence** comes from
   :data:`PRESENCE_TERMS`, else from the channel (web, mobile, IVR, SMS, mail, internal and
   system mean absent; in person and counter office mean present), else from the kind (a
   sending office works without the citizen; a citizen carrying paper goes somewhere), else
   from :data:`PRESENCE_HINTS` (``visit``/``مراجعه``, which can also mean visiting a web site).
7. **Waste.** A step whose head is one of the patterns of :data:`WASTE_TERMS` (copying,
   re-entering data, a second signature of the same document, a paper archive) gets the
   pattern's name in ``waste`` and rule ``waste:NAME``, with ``waste_confidence`` 1.0 for a
   phrase, 0.75 for a word and 0.5 for a hint (``copy`` alone): only an explicit label gets
   a high one. A copy the step merely mentions (``Submit a copy of the deed``) is no waste.
8. **Confidence** is how likely the kind and the actor are both right: the product of a
   score for the kind's evidence and one for the actor's (:data:`SCORES`: a phrase beats a
   word, a word beats a hint or a word of another kind beside it; a named actor beats the
   head's usual performer, which beats the kind's default). It is 0 when no kind was found.
   What it is worth is measured on labels the rules were not written against: the
   documentation gives the share of right guesses above 0.75. A label no rule recognises gets
   kind ``None`` (not ``OTHER``: ``OTHER`` is a positive finding, such as an edit or a
   correction) and confidence 0.

Examples
--------
>>> c = classify("پرداخت اینترنتی هزینه")
>>> c.kind, c.actor, c.channel, c.citizen_present
(<StepKind.PAY: 'pay'>, <Actor.CITIZEN: 'citizen'>, <Channel.WEB: 'web'>, False)
>>> c.rule
"kind:pay<-'پرداخت'; actor:citizen<-kind:pay; channel:web<-'اینترنتی'; present:false<-channel:web"
>>> classify("Declaration APPROVED by SUPERVISOR").rule
"kind:approve<-'approved'; actor:back_office<-'supervisor'"
>>> c = classify("Payment Handled")
>>> c.kind, c.actor, c.payout
(<StepKind.PAY: 'pay'>, <Actor.BACK_OFFICE: 'back_office'>, True)
>>> classify("Declaration REJECTED by MISSING").actor is None
True
>>> c = classify("Send Appeal to Prefecture")
>>> c.kind, c.citizen_present
(<StepKind.NOTIFY: 'notify'>, False)
>>> classify("Citizen brings the letter to the registry").kind
<StepKind.TRANSPORT: 'transport'>
>>> c = classify("تهیه فتوکپی شناسنامه")
>>> c.kind, c.waste, c.waste_confidence
(<StepKind.OTHER: 'other'>, 'copy', 1.0)
>>> classify("Submit a copy of the deed").waste is None
True
>>> classify("بررسي مدارك") == classify("بررسی مدارک")
True
>>> classify("UNKNOWN").kind is None
True
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
    "ACTOR_HINTS",
    "ACTOR_TERMS",
    "CARRY_TERMS",
    "CHANNEL_TERMS",
    "DEFAULT_ACTOR",
    "KIND_HINTS",
    "KIND_TERMS",
    "NEUTRAL_TERMS",
    "PAYEE_TERMS",
    "PAYOUT_TERMS",
    "PERFORMER_TERMS",
    "PRESENCE_HINTS",
    "PRESENCE_TERMS",
    "SCORES",
    "SEND_TERMS",
    "WASTE_TERMS",
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

#: An office sending something: a notification, with the citizen elsewhere. (Before issue 15
#: these were transports, and a redesign took them for the citizen carrying paper.)
SEND_TERMS: tuple[str, ...] = (
    "send",
    "sent",
    "forward",
    "dispatch",
    "refer(?:ral)?",
    "transfer (?:of )?(?:the )?(?:file|case|dossier|documents?)",
    "ارسال",
    "ارجاع",
    "فرستاد(?:ن)?",
    "(?:می ?|ب)?فرست(?:د|ند|ید)",
    "انتقال پرونده",
)

#: The citizen carrying paper from one office to another: the only transport.
CARRY_TERMS: tuple[str, ...] = (
    "bring",
    "brought",
    "carr(?:y|ies|ied|ying)",
    "fetch",
    "tak(?:e|es|ing) (?:the |a |an )?(?:\\w+ )?(?:letter|documents?|certificate|file|form)",
    "بردن",
    "آوردن",
    "(?:می ?)?(?:برد|برند|آورد|آورند)",
    "ببر(?:د|ند)",
    "بیاور(?:د|ند)",
    "حمل",
    "تحویل نامه",
)

# Copying and re-entering data: work of kind OTHER, and patterns of waste (WASTE_TERMS).
# A copy is often what a step hands in ("ارائه کپی مدارک"), so only the act of copying is a
# word or phrase; the bare noun is a hint (no space in it, or it would count as a phrase).
_COPYING = (
    "photocop(?:y|ies|ied|ying)",
    "make (?:a )?cop(?:y|ies)",
    "تهیه (?:کپی|فتو ?کپی|رونوشت)",
    "(?:فتو ?)?کپی (?:گرفتن|کردن|برداری)",
)
_COPY_HINTS = ("cop(?:y|ies|ied|ying)", "فتو\\s?کپی", "کپی", "تکثیر")
_RE_ENTRY = (
    "re ?ent(?:er|ry)",
    "re ?key",
    "re ?type",
    "(?:enter|type|key) (?:the )?(?:data|information|details) again",
    "ورود (?:مجدد|دوباره) (?:اطلاعات|داده ?ها)",
    "ثبت (?:مجدد|دوباره) اطلاعات",
    "تایپ (?:مجدد|دوباره)",
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
            "pay ?out",
            "refund",
            "reimburs(?:e|ement)",
            "disburs(?:e|al|ement)",
            "پرداخت",
            "بازپرداخت",
            "استرداد",
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
            # Not "اطلاعات": information is data, not informing.
            "اطلاع(?!ات)",
            "اعلام",
            "اعلام نتیجه",
            "اخطار",
            "اخطاریه",
            "پیامک",
            "ارسال پیامک",
            *SEND_TERMS,
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
        StepKind.TRANSPORT: CARRY_TERMS,
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
            *_COPYING,
            *_RE_ENTRY,
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
        StepKind.OTHER: _COPY_HINTS,
    }
)

#: Who a mention in the label names (``by the supervisor``, ``توسط کارشناس``).
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
            "company",
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
            "clerk",
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

#: Mentions that name an actor only weakly. An employee is the staff in one service and the
#: applicant in another: in an organisation's internal services (travel permits, expense
#: claims) the employee asks, and the label names the staff by their role.
ACTOR_HINTS: Mapping[Actor, tuple[str, ...]] = _frozen({Actor.CITIZEN: ("employee",)})

#: Who usually performs an action when the label names nobody; used only when the match
#: overlaps the head (``register request`` is the front office's intake of a request).
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
        Actor.BACK_OFFICE: ("request(?:ing)? (?:for )?payment",),
        Actor.EXTERNAL_AGENCY: (
            "پاسخ (?:به )?استعلام",
            "inquiry response",
            "(?:reply|response) to (?:the |an )?inquiry",
        ),
    }
)

#: What only an organisation pays: money going out to a person, not a charge coming in.
PAYOUT_TERMS: tuple[str, ...] = (
    "refund",
    "reimburs(?:e|ement)",
    "disburs(?:e|al|ement)",
    "pay ?out",
    "payment handled",
    "salar(?:y|ies)",
    "wages?",
    "pensions?",
    "subsid(?:y|ies)",
    "grants?",
    "compensation",
    "allowances?",
    "استرداد",
    "بازپرداخت",
    "خسارت",
    "یارانه",
    "حقوق",
    "مستمری",
    "وام",
    "کمک ?هزینه",
    "پاداش",
)

#: People an organisation pays (besides the citizens of :data:`ACTOR_TERMS`): a payment *to*
#: one of them is a payment out.
PAYEE_TERMS: tuple[str, ...] = (
    "employee",
    "staff",
    "personnel",
    "contractor",
    "supplier",
    "beneficiar(?:y|ies)",
    "claimant",
    "پیمانکار",
    "کارمند",
    "کارکنان",
    "ذی ?نفع",
    "مستمری ?بگیر",
)

#: The patterns of waste a redesign may remove, per name, with the kind the step has: a step
#: is one only when its head is of that kind (``Archive a paper copy``, not ``Submit a paper
#: copy``).
WASTE_TERMS: Mapping[str, tuple[str, ...]] = _frozen(
    {
        "copy": _COPYING,
        "re_entry": _RE_ENTRY,
        "second_signature": (
            "second signature",
            "sign(?:ed)? (?:\\w+ ){0,3}again",
            "re sign",
            "امضاء?ی? (?:مجدد|دوباره|دوم)",
        ),
        "paper_archive": (
            "paper (?:archive|cop(?:y|ies)|files?|records?)",
            "physical (?:archive|files?|records?)",
            "hard ?cop(?:y|ies)",
            "(?:بایگانی|آرشیو) (?:کاغذی|فیزیکی)",
            "(?:نسخه|سوابق|پرونده) ?ی? (?:کاغذی|فیزیکی)",
        ),
    }
)
_WASTE_HINTS: Mapping[str, tuple[str, ...]] = _frozen({"copy": _COPY_HINTS})
_WASTE_KIND: Mapping[str, StepKind] = MappingProxyType(
    {
        "copy": StepKind.OTHER,
        "re_entry": StepKind.OTHER,
        "second_signature": StepKind.SIGN,
        "paper_archive": StepKind.ARCHIVE,
    }
)

#: The actor of a step of each kind when the label says nothing about it: the citizen submits,
#: pays and carries paper; the agency's back office does the rest, including waiting (the case
#: lies in its queue) and inquiries (the asking agency's back office asks).
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
        StepKind.TRANSPORT: Actor.CITIZEN,
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
        Channel.IN_PERSON: (
            "in person",
            "face to face",
            "حضوری",
            # A place the citizen must go to; "at the counter office" is the counter office.
            "at the (?:bank|counter|desk|window)(?! office)",
            "در (?:بانک|باجه)",
        ),
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


class _Level(enum.IntEnum):
    HINT = 1
    WORD = 2
    PHRASE = 3


#: How likely a guess from each kind of evidence is to be right. A classification's confidence
#: is its kind's score times its actor's. The scores are set by the strength of the evidence,
#: not fitted: the development table was written together with the rules, so its guesses are
#: nearly all right and say nothing about new labels. Their worth is measured on the held-out
#: table (see the documentation).
#:
#: ``kind:contested``: another word of a different kind stands beside the head ("Print and
#: send"). ``actor:place``: the only mention is where the step happens ("at the counter
#: office"). ``actor:default_citizen``: the kind's default is the citizen, who submits and pays
#: often, but not always, in person (a clerk registers, an organisation pays out).
#: ``actor:none``: the kind has no default and nothing names the actor. ``actor:unknown``: the
#: label names an agent no lexicon knows, so the actor is left unknown.
SCORES: Mapping[str, float] = MappingProxyType(
    {
        "kind:phrase": 1.0,
        "kind:word": 0.9,
        "kind:contested": 0.7,
        "kind:hint": 0.6,
        "actor:phrase": 1.0,
        "actor:word": 0.95,
        "actor:place": 0.8,
        "actor:hint": 0.6,
        "actor:payout": 0.9,
        "actor:performer": 0.9,
        "actor:default": 0.85,
        "actor:default_citizen": 0.7,
        "actor:unknown": 0.8,
        "actor:none": 0.5,
    }
)
_WASTE_SCORE: Mapping[_Level, float] = MappingProxyType(
    {_Level.HINT: 0.5, _Level.WORD: 0.75, _Level.PHRASE: 1.0}
)
_LEVEL_NAME: Mapping[_Level, str] = MappingProxyType(
    {_Level.HINT: "hint", _Level.WORD: "word", _Level.PHRASE: "phrase"}
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
_ARTICLES = frozenset({"the", "a", "an"})
# "by" that names no one: "delivered by hand", "required by law".
_NOT_AGENTS = frozenset({"hand", "law", "default"})


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
_RECIPIENT_MARKERS = frozenset({"to", "به"})

_PERSIAN = re.compile("[\u0600-\u06ff]")
_PERSIAN_AFFIX = "(?:ها|های|هایی|ی|ای|ات|ان|یه)?"
_ENGLISH_AFFIX = "(?:s|es|ed|d|ing)?"
_SEPARATORS = re.compile(r"[\W_]+")
_WORD = re.compile(r"\S+")


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
        How likely the kind and the actor are both right, in [0, 1] (see :data:`SCORES`):
        0 when no kind was found.
    rule
        The rules that fired, ``;``-separated, each ``attribute:value<-evidence`` where the
        evidence is the matched text in quotes or the attribute it was derived from.
        ``actor:unknown<-'by missing'`` says why a label that names an agent has no actor.
    payout
        For a payment: ``True`` when the organisation pays someone (a refund, a salary, a
        payment to an employee), ``False`` when the label names the citizen or business as
        the payer, ``None`` when it does not say or the step is no payment.
    waste
        The pattern of waste the step is, or ``None``: ``"copy"``, ``"re_entry"``,
        ``"second_signature"`` or ``"paper_archive"`` (see :data:`WASTE_TERMS`).
    waste_confidence
        How explicit the label is about the waste: 1.0 for a phrase (``تهیه کپی``), 0.75 for a
        word (``photocopy``), 0.5 for a hint (``copy``), 0 without waste.
    """

    kind: StepKind | None
    actor: Actor | None
    channel: Channel | None
    citizen_present: bool | None
    confidence: float
    rule: str
    payout: bool | None = None
    waste: str | None = None
    waste_confidence: float = 0.0


# Tables that describe a step rather than name its kind or actor: they neither hide the
# matches of other tables nor are hidden by them.
_DESCRIPTIVE = frozenset({"performer", "payout", "payee", "waste"})


@attrs.frozen
class _Match:
    field: str
    value: Any
    level: _Level
    start: int
    end: int
    text: str

    def hides(self, other: _Match) -> bool:
        # The descriptive tables and the others do not hide each other's matches, except that
        # a longer phrase hides a performer ("تحویل مدارک" is the citizen's, not the front
        # office's "تحویل"); a channel word stays a channel inside any phrase ("ارسال پیامک"
        # is sent by SMS).
        if self.field != other.field and (
            self.field in _DESCRIPTIVE or other.field in _DESCRIPTIVE - {"performer"}
        ):
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
        *_entries("actor", ACTOR_HINTS, hints=True),
        *_entries("performer", PERFORMER_TERMS),
        *_entries("payout", {True: PAYOUT_TERMS}),
        *_entries("payee", {True: PAYEE_TERMS}),
        *_entries("waste", WASTE_TERMS),
        *_entries("waste", _WASTE_HINTS, hints=True),
        *_entries("channel", CHANNEL_TERMS),
        *_entries("present", PRESENCE_TERMS),
        *_entries("present", PRESENCE_HINTS, hints=True),
        *_entries("neutral", {None: NEUTRAL_TERMS}),
    )


@functools.cache
def _sending() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{_compile(p).pattern})" for p in SEND_TERMS))


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
        return (not _in_purpose(text, m), m.level, -m.start)

    kinds = [m for m in matches if m.field == "kind"]
    return max(kinds, key=rank, default=None)


def _in_purpose(text: str, match: _Match) -> bool:
    return not _PURPOSE.isdisjoint(text[: match.start].split()) and not _finite(text, match)


def _kind_score(text: str, matches: list[_Match], head: _Match | None) -> float:
    if head is None:
        return 0.0
    rivals = [
        m
        for m in matches
        if m.field == "kind"
        and m.value is not head.value
        and m.level >= head.level
        and not _in_purpose(text, m)
    ]
    if rivals and head.level is _Level.WORD:
        return SCORES["kind:contested"]
    return _score("kind", head.level)


def _marker(text: str, mention: _Match, head: _Match | None) -> str | None:
    """The nearest marker between the head and the mention, if any.

    In "اعتراض به رای کمیسیون" the commission is inside the recipient of the objection, and
    in "at government counter office" the office is a place.
    """
    after_head = head is not None and head.end <= mention.start
    words = text[head.end if after_head else 0 : mention.start].split()
    for i in range(len(words) - 1, -1, -1):
        for candidate in (" ".join(words[i - 1 : i + 1]) if i else "", words[i]):
            if candidate in _MARKERS:
                return candidate
    return None


def _role(text: str, mention: _Match, head: _Match | None) -> _Role | None:
    marker = _marker(text, mention, head)
    if marker is not None:
        return _MARKERS[marker]
    # English is subject-verb-object: an unmarked noun after the head is its object.
    if mention.persian or head is None or mention.start <= head.start:
        return _Role.SUBJECT
    return None


def _unknown_agent(text: str, matches: list[_Match]) -> str | None:
    """The agent a label names that no lexicon knows ("by missing"), or ``None``.

    The agent is what follows ``by``/``توسط`` up to the next marker; a channel there is no
    agent ("by SMS").
    """
    words = list(_WORD.finditer(text))
    for i in range(len(words)):
        marker = _agent_marker(words[i : i + 2])
        if marker is None:
            continue
        slot = []
        for word in words[i + len(marker.split()) :]:
            if word.group() in _MARKERS:
                break
            slot.append(word)
        if all(word.group() in _ARTICLES for word in slot) or slot[-1].group() in _NOT_AGENTS:
            continue
        start, end = slot[0].start(), slot[-1].end()
        if not any(m.field in _AGENT_FIELDS and m.start < end and start < m.end for m in matches):
            return f"{marker} {text[start:end]}"
    return None


def _agent_marker(words: list[re.Match[str]]) -> str | None:
    """The agent marker the words start with (two-word markers first), if any."""
    for n in (2, 1):
        candidate = " ".join(w.group() for w in words[:n])
        if len(words) >= n and _MARKERS.get(candidate) is _Role.AGENT:
            return candidate
    return None


# What may follow "by" without being an unknown agent: an actor, or a channel ("by SMS").
_AGENT_FIELDS = frozenset({"actor", "channel", "present", "neutral"})


@attrs.frozen
class _Guess:
    """One field's guess: its value, the rule that gave it, the evidence's score and the
    mention it read, if any."""

    value: Any = None
    rule: str = ""
    score: float = 0.0
    mention: _Match | None = None


def _score(field: str, level: _Level) -> float:
    return SCORES[f"{field}:{_LEVEL_NAME[level]}"]


def _payout(text: str, matches: list[_Match], head: _Match | None) -> _Match | None:
    """The evidence that a payment goes out of the organisation, if any."""
    if head is None or head.value is not StepKind.PAY:
        return None
    terms = [m for m in matches if m.field == "payout"]
    payees = [
        m
        for m in matches
        if (m.field == "payee" or (m.field == "actor" and m.value is Actor.CITIZEN))
        and _paid(text, m, head)
    ]
    return min(terms or payees, key=lambda m: m.start, default=None)


def _paid(text: str, mention: _Match, head: _Match) -> bool:
    """Whether the mention is who the payment goes to: after "to"/"به", or the object of an
    English verb ("pay the contractor")."""
    marker = _marker(text, mention, head)
    if marker is not None:
        return marker in _RECIPIENT_MARKERS
    return not mention.persian and mention.start > head.start


def _actor(text: str, matches: list[_Match], head: _Match | None, present: bool | None) -> _Guess:
    roles = [
        (role, m)
        for m in matches
        if m.field == "actor" and (role := _role(text, m, head)) is not None
    ]
    agents = [m for role, m in roles if role is _Role.AGENT]
    unknown = None if agents else _unknown_agent(text, matches)
    if unknown is not None:
        return _Guess(None, f"actor:unknown<-'{unknown}'", SCORES["actor:unknown"])
    if roles:
        role, best = max(roles, key=lambda r: (r[0], r[1].level, -r[1].start))
        rule = f"actor:{best.value}<-'{best.text}'"
        score = SCORES["actor:place"] if role is _Role.PLACE else _score("actor", best.level)
        return _Guess(best.value, rule, score, best)
    if head is None:
        return _Guess()
    if head.value not in DEFAULT_ACTOR:
        return _Guess(score=SCORES["actor:none"])
    paid_out = _payout(text, matches, head)
    if paid_out is not None:
        rule = f"actor:back_office<-payout:'{paid_out.text}'"
        return _Guess(Actor.BACK_OFFICE, rule, SCORES["actor:payout"])
    for m in matches:
        if m.field == "performer" and m.overlaps(head):
            return _Guess(m.value, f"actor:{m.value}<-'{m.text}'", SCORES["actor:performer"])
    actor = DEFAULT_ACTOR[head.value]
    if actor is Actor.BACK_OFFICE and present:
        rule = f"actor:front_office<-kind:{head.value}+present"
        return _Guess(Actor.FRONT_OFFICE, rule, SCORES["actor:default"])
    score = SCORES["actor:default_citizen" if actor is Actor.CITIZEN else "actor:default"]
    return _Guess(actor, f"actor:{actor}<-kind:{head.value}", score)


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


def _channel(matches: list[_Match], head: _Match | None) -> _Guess:
    best = _best(matches, "channel")
    if best is None:
        return _Guess()
    rule = f"channel:{best.value}<-'{best.text}'"
    # An archive kept "in the system" is kept in the records system: no citizen's web step.
    if best.value is Channel.WEB and head is not None and head.value is StepKind.ARCHIVE:
        return _Guess(Channel.SYSTEM, f"channel:system<-'{best.text}'+kind:archive")
    return _Guess(best.value, rule)


def _presence(matches: list[_Match], channel: Channel | None, head: _Match | None) -> _Guess:
    explicit = _best(matches, "present", _Level.WORD)
    if explicit is not None:
        return _Guess(explicit.value, f"present:{str(explicit.value).lower()}<-'{explicit.text}'")
    if channel is not None:
        present = channel not in _ABSENT_CHANNELS
        return _Guess(present, f"present:{str(present).lower()}<-channel:{channel}")
    if head is not None and head.value is StepKind.TRANSPORT:
        return _Guess(True, "present:true<-kind:transport")
    sent = [m for m in matches if m.field == "kind" and _sending().fullmatch(m.text)]
    if sent:
        return _Guess(False, f"present:false<-'{sent[0].text}'")
    hint = _best(matches, "present")
    if hint is not None:
        return _Guess(hint.value, f"present:{str(hint.value).lower()}<-'{hint.text}'")
    return _Guess()


def _paid_by(text: str, matches: list[_Match], head: _Match | None, actor: _Guess) -> _Guess:
    """Who pays whom: see the module notes, step 5."""
    if head is None or head.value is not StepKind.PAY:
        return _Guess()
    out = _payout(text, matches, head)
    if out is not None:
        return _Guess(True, f"payout:true<-'{out.text}'")
    if actor.value is Actor.CITIZEN and actor.mention is not None:
        return _Guess(False, "payout:false<-actor:citizen")
    return _Guess()


def _waste(matches: list[_Match], head: _Match | None) -> _Guess:
    wastes = [
        m
        for m in matches
        if m.field == "waste" and head is not None and _WASTE_KIND[m.value] is head.value
    ]
    best = max(wastes, key=lambda m: (m.level, -m.start), default=None)
    if best is None:
        return _Guess()
    return _Guess(best.value, f"waste:{best.value}<-'{best.text}'", _WASTE_SCORE[best.level])


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
    "kind:submit<-'submitted'; actor:citizen<-'employee'"
    >>> c = classify("استعلام از ثبت‌احوال")
    >>> c.kind, c.actor, c.confidence
    (<StepKind.INQUIRY: 'inquiry'>, <Actor.BACK_OFFICE: 'back_office'>, 0.765)
    >>> classify("Verify identity in person").actor
    <Actor.FRONT_OFFICE: 'front_office'>
    >>> c = classify("استرداد وجه به متقاضی")
    >>> c.kind, c.actor, c.payout
    (<StepKind.PAY: 'pay'>, <Actor.BACK_OFFICE: 'back_office'>, True)
    """
    if not isinstance(label, str):
        raise AnnotationError(
            f"classify: a step label must be text, got {type(label).__name__} {label!r}; "
            "pass the activity name as a string"
        )
    text = _SEPARATORS.sub(" ", normalize(label)).strip()
    matches = _find(text)
    head = _head(text, matches)
    channel = _channel(matches, head)
    present = _presence(matches, channel.value, head)
    actor = _actor(text, matches, head, present.value)
    payout = _paid_by(text, matches, head, actor)
    waste = _waste(matches, head)
    kind_score = _kind_score(text, matches, head)
    rules = [
        "" if head is None else f"kind:{head.value}<-'{head.text}'",
        actor.rule,
        channel.rule,
        present.rule,
        payout.rule,
        waste.rule,
    ]
    return Classification(
        kind=None if head is None else head.value,
        actor=actor.value,
        channel=channel.value,
        citizen_present=present.value,
        confidence=round(kind_score * actor.score, 3),
        rule="; ".join(r for r in rules if r),
        payout=payout.value,
        waste=waste.value,
        waste_confidence=waste.score,
    )
