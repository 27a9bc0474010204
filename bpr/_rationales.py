"""The reason for a redesign proposal, written for a reader in English or Persian.

The heuristics of :mod:`bpr.heuristics` write their reasons in English, with the model's codes
in them (``back_office``, ``(sms)``). For an English page the codes become words. For a Persian
page the reason is written again, from what the proposal says (its heuristic, the steps it
changes, whether it needs a legal change) and from those steps in the process (their agency,
kind, channel, actor and documents): one writer per heuristic in :data:`_WRITERS`. A heuristic
without a writer gets its Persian name, so a Persian page never shows an English sentence.

Examples
--------
>>> from bpr.model import ServiceProcess, Step
>>> from bpr.redesign import redesign
>>> p = ServiceProcess.from_blocks("P", Step("a", "Pay the fee", name_fa="پرداخت هزینه",
...     kind="pay", agency="Bank", channel="in_person", citizen_present=True, actor="citizen"))
>>> proposal = redesign(p).proposals[0]
>>> proposal.heuristic
'channel_shift'
>>> persian = {"Bank": "بانک", "Pay the fee": "پرداخت هزینه"}
>>> print(reason(proposal, p.steps, "fa", lambda text: persian.get(text, text))[:43])
«پرداخت هزینه» امروز به‌صورت حضوری در بانک
>>> reason(proposal, p.steps, "en", str)[-18:]
'does it from home.'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from bpr._words import Lang, code_label, digits, heuristic_name, shift_name

if TYPE_CHECKING:
    from bpr.model import Step
    from bpr.redesign import Proposal

__all__ = ["reason"]

Name = Callable[[str], str]

# Codes that the heuristics' English reasons carry, as a reader says them.
_CODES = re.compile(
    r"\b(back_office|front_office|counter_office|external_agency|in_person)\b|\((sms|ivr)\)"
)
_LEGAL = " قانون امروز این گام را الزامی می‌داند، پس این تغییر نیازمند تغییر قانون است."


def reason(proposal: Proposal, steps: Sequence[Step], lang: Lang, name: Name) -> str:
    """Why ``proposal`` changes what it changes, in ``lang``.

    ``steps`` are the steps of the processes the proposal was made on (as-is and to-be),
    ``name`` gives the Persian name of a name from the data (a step, an agency, a document).
    """
    if lang != "fa":
        return _CODES.sub(_code_words, proposal.rationale)
    by_id = {s.id: s for s in steps}
    changed = [by_id[i] for i in proposal.step_ids if i in by_id]
    quoted = "، ".join(f"«{name(n)}»" for n in proposal.targets)
    write = _WRITERS.get(proposal.heuristic)
    if write is None:
        return f"{quoted}: {heuristic_name(proposal.heuristic, 'fa')}."
    text = write(_Change(proposal, changed, steps, quoted, name))
    if proposal.needs_legal_change and proposal.heuristic != "channel_shift":
        text += _LEGAL
    return text


def _code_words(found: re.Match[str]) -> str:
    if found.group(1):
        return code_label(found.group(1), "en")
    return f"({code_label(found.group(2), 'en')})"


class _Change:
    """What a writer needs: the proposal, the steps it changes, every step, the quoted names of
    its targets and the Persian names."""

    def __init__(
        self,
        proposal: Proposal,
        changed: list[Step],
        steps: Sequence[Step],
        quoted: str,
        name: Name,
    ) -> None:
        self.proposal, self.changed, self.steps = proposal, changed, steps
        self.quoted, self.name = quoted, name
        self.first = changed[0] if changed else None

    def agency(self, step: Step | None) -> str:
        agency = getattr(step, "agency", None)
        return self.name(agency) if agency else "دستگاه مربوط"

    def documents(self, documents: Iterable[str]) -> str:
        return "، ".join(f"«{self.name(d)}»" for d in sorted(documents))

    def code(self, field: str) -> str:
        value = getattr(self.first, field, None)
        return "" if value is None else str(getattr(value, "value", value))


def _e_inquiry(change: _Change) -> str:
    """The document the citizen carries, and the agency it comes from: the target's own output
    when it fetches it, else what the target hands in that another agency produced."""
    step = change.first
    if step is not None and change.code("kind") == "submit":
        needed = step.documents_in or frozenset()
        producers = [
            s
            for s in change.steps
            if s.agency not in (None, step.agency) and (s.documents_out or frozenset()) & needed
        ]
        documents = {d for s in producers for d in (s.documents_out or ()) if d in needed}
        source = producers[0] if producers else None
    else:
        documents = set(getattr(step, "documents_out", None) or ())
        source = step
    carried = f"مدرک {change.documents(documents)} را" if documents else "مدرک را"
    return (
        f"شهروند {carried} بر کاغذ از {change.agency(source)} به دستگاه دیگری می‌برد. دستگاه "
        f"گیرنده می‌تواند آن را از راه شبکه دولت استعلام کند؛ پس {change.quoted} سفری "
        "نمی‌خواهد و کاغذ نیازی به بررسی دستی ندارد."
    )


def _channel_shift(change: _Change) -> str:
    where = (
        "با پست"
        if change.code("channel") == "mail"
        else f"به‌صورت حضوری در {change.agency(change.first)}"
    )
    how = shift_name(change.code("kind"), "fa") or "مجرای الکترونیکی"
    text = f"{change.quoted} امروز {where} انجام می‌شود؛ با {how}، شهروند آن را از خانه انجام می‌دهد."
    if change.proposal.needs_legal_change:
        text += " اما قانون امروز مجرای آن را تعیین کرده است."
    return text


def _counter_office(change: _Change) -> str:
    return (
        f"{change.quoted} حضور شهروند را لازم دارد، اما نه در دفتر خود "
        f"{change.agency(change.first)}: یک دفتر پیشخوان دولت نزدیک خانه شهروند می‌تواند آن را "
        "انجام دهد."
    )


def _single_window(change: _Change) -> str:
    places = {s.agency for s in change.changed}
    return (
        f"شهروند برای {change.quoted} با {digits(str(len(places)), 'fa')} دفتر سروکار دارد؛ "
        "یک دفتر پیشخوان به‌عنوان پنجره واحد می‌تواند همه را انجام دهد."
    )


# What eliminate found, recognised in its English reason.
_REDUNDANT = (
    ("repeats the", "تأیید یا بررسیِ گام پیش از خود را تکرار می‌کند"),
    ("copies documents", "از مدارکی رونوشت می‌گیرد که فرایند از پیش دارد"),
    ("re-enters data", "داده‌هایی را دوباره وارد می‌کند که فرایند از پیش دارد"),
    ("signs again", "آنچه را پیش‌تر امضا شده دوباره امضا می‌کند"),
    ("paper copy", "نسخه کاغذی چیزی را نگه می‌دارد که سامانه ذخیره کرده است"),
    ("not in the official procedure", "در روال مکتوب نیست و قانون آن را الزامی نکرده است"),
)


def _eliminate(change: _Change) -> str:
    found = next((fa for en, fa in _REDUNDANT if en in change.proposal.rationale), "زائد است")
    return f"{change.quoted} {found} و چیزی نمی‌سازد که گام بعدی لازم داشته باشد."


def _compose(change: _Change) -> str:
    actor = change.code("actor")
    who = code_label(actor, "fa") if actor else "یک انجام‌دهنده"
    return (
        f"{change.quoted} پشت سر هم در دست {who} در {change.agency(change.first)} انجام "
        "می‌شوند و پرونده دست‌به‌دست نمی‌شود: اگر یک کار شوند، پرونده یک بار برداشته می‌شود."
    )


def _parallelize(change: _Change) -> str:
    return (
        f"{change.quoted} به یکدیگر نیازی ندارند: اگر هم‌زمان انجام شوند، پرونده فقط منتظر "
        "طولانی‌ترینشان می‌ماند."
    )


def _knockout_order(change: _Change) -> str:
    return (
        f"بررسی‌های {change.quoted} می‌توانند پرونده را رد کنند؛ اگر بررسی‌های ارزان‌تر با "
        "احتمال رد بیشتر زودتر بیایند، پرونده‌های کمتری از بررسی‌های غیرلازم می‌گذرند."
    )


def _automate(change: _Change) -> str:
    actor = change.code("actor")
    who = code_label(actor, "fa") if actor else "یک کارمند"
    return (
        f"{change.quoted} قواعد ثابتی را بی‌هیچ اختیار شخصی اجرا می‌کند: سامانه می‌تواند "
        f"به‌جای {who} آن را در دم انجام دهد."
    )


_WRITERS: Mapping[str, Callable[[_Change], str]] = {
    "e_inquiry": _e_inquiry,
    "channel_shift": _channel_shift,
    "counter_office": _counter_office,
    "single_window": _single_window,
    "eliminate": _eliminate,
    "compose": _compose,
    "parallelize": _parallelize,
    "knockout_order": _knockout_order,
    "automate": _automate,
}
