"""Label normalisation: one key for the many spellings of the same activity name.

Agencies type the same label in Arabic and Persian letters, with or without a zero-width
non-joiner, with diacritics, Persian or Arabic-Indic digits and stray spaces. :func:`normalize`
maps all of them to one key; the label shown to people stays as it was written.

Examples
--------
>>> normalize("  Check   Documents ")
'check documents'
>>> normalize("بررسي مدارك") == normalize("بررسی مدارک")
True
>>> normalize("رئیس") == normalize("رییس")
True
>>> normalize("می\u200cخواهد") == normalize("می خواهد") == normalize("میخواهد")
False
>>> normalize("می\u200cخواهد") == normalize("می خواهد")
True

Near misses: :func:`compare` says whether two labels can name the same step, and how alike
they are. Opposite terms, different roles, different objects, different numbers or a word
without a counterpart rule a match out, whatever the spelling distance:

>>> compare("Declaration APPROVED by ADMINISTRATION", "Declaration REJECTED by ADMINISTRATION").veto
"opposite terms: 'approved' and 'rejected'"
>>> compare("Permit REJECTED by EMPLOYEE", "Permit REJECTED by SUPERVISOR").veto
"different roles: 'employee' and 'supervisor'"
>>> compare("بررسی مدارک", "بررسي مدرك").matches()  # Arabic letters, and the singular
True
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import TypeVar

import attrs

__all__ = [
    "NEGATIONS",
    "OBJECTS",
    "OPPOSITES",
    "RECIPIENT_MARKERS",
    "ROLES",
    "ROLE_MARKERS",
    "STOPWORDS",
    "Comparison",
    "compare",
    "normalize",
    "to_latin_digits",
]

_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
        "\u0649": "\u06cc",  # Alef maksura -> Persian yeh
        "\u0643": "\u06a9",  # Arabic kaf -> Persian kaf (keheh)
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06c0": "\u0647",  # heh with yeh above -> heh
        "\u0623": "\u0627",  # alef with hamza above -> alef
        "\u0625": "\u0627",  # alef with hamza below -> alef
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0624": "\u0648",  # waw with hamza -> waw
    }
)
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# Zero-width non-joiner and joiner, tatweel, and other invisible marks that change no meaning.
_JOINERS = re.compile("[\u200c\u200d\u200e\u200f\u0640\ufeff]")
_SPACE = re.compile(r"\s+")
_WORD_ONLY = re.compile(r"[\W_]+")


def to_latin_digits(text: str) -> str:
    """Replace Persian and Arabic-Indic digits with ASCII digits.

    >>> to_latin_digits("۱۴۰۲/۰۵/۱۲")
    '1402/05/12'
    """
    return text.translate(_DIGITS)


def normalize(label: str) -> str:
    """The matching key of a label.

    Arabic yeh and kaf become Persian, zero-width joiners become spaces, diacritics go,
    digits become ASCII, Latin letters are case-folded and runs of whitespace become one space.
    """
    text = unicodedata.normalize("NFKC", str(label)).translate(_LETTERS).translate(_DIGITS)
    text = _JOINERS.sub(" ", text)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    # Dropping a hamza can uncover an Arabic yeh (ئ -> ي), so map the letters once more.
    text = unicodedata.normalize("NFC", text).translate(_LETTERS)
    return _SPACE.sub(" ", text).strip().casefold()


# -- whether two labels can name the same step ----------------------------------------------
# The tables hold matching keys (normalised: lower case, Persian letters), single words or
# phrases. They are small on purpose: each entry is a fact about words, not about one log.

#: Terms of opposite meaning: a label with a term of one side and a label with a term of the
#: other (and none of the first) never name the same step.
OPPOSITES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("approve", "approved", "approval", "accept", "accepted", "confirm", "confirmed",
         "grant", "granted", "تایید", "تصویب", "پذیرش", "موافقت", "قبول"),
        ("reject", "rejected", "rejection", "decline", "declined", "deny", "denied", "refuse",
         "refused", "disapprove", "disapproved", "رد", "عدم تایید", "عدم پذیرش",
         "عدم موافقت", "مخالفت"),
    ),
    (
        ("start", "started", "begin", "began", "شروع", "آغاز"),
        ("end", "ended", "finish", "finished", "پایان", "اتمام", "خاتمه"),
    ),
    (("open", "opened", "باز"), ("close", "closed", "بستن", "بسته")),
    (
        ("submit", "submitted", "register", "registered", "ثبت"),
        ("withdraw", "withdrawn", "cancel", "cancelled", "canceled", "ابطال", "لغو", "انصراف"),
    ),
    (("send", "sent", "dispatch", "ارسال"), ("receive", "received", "دریافت")),
    (("pay", "paid", "payment", "پرداخت", "واریز"), ("refund", "refunded", "استرداد", "بازپرداخت")),
    (
        ("issue", "issued", "صدور"),
        ("revoke", "revoked", "suspend", "suspended", "ابطال", "لغو", "تعلیق"),
    ),
    (("lock", "locked", "قفل"), ("unlock", "unlocked")),
    (("add", "added", "insert", "افزودن", "اضافه"), ("remove", "removed", "delete", "حذف")),
    (("initial", "preliminary", "اولیه", "مقدماتی"), ("final", "نهایی")),
)  # fmt: skip

#: Words that negate the word after them, and prefixes that negate the rest of a word
#: (``unlock``, ``disapprove``): a negated term is the opposite of the term.
NEGATIONS: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("not", "no", "non", "عدم", "غیر", "بدون"),
    ("un", "dis", "non", "نا"),
)

#: Who does a step, and whom it is for: the words after a marker of :data:`ROLE_MARKERS` name
#: who does it, a word of :data:`ROLES` after one of :data:`RECIPIENT_MARKERS` whom it is for,
#: and a word of :data:`ROLES` elsewhere who does it. Two labels naming different doers, or
#: different addressees, are different steps.
ROLE_MARKERS: tuple[str, ...] = ("by", "توسط", "به وسیله", "بوسیله", "از طرف", "از سوی")
RECIPIENT_MARKERS: tuple[str, ...] = ("to", "for", "به", "برای")
ROLES: tuple[tuple[str, ...], ...] = (
    ("employee", "employees", "staff", "کارمند", "کارکنان"),
    ("employer",),
    ("supervisor", "supervisors", "سرپرست"),
    ("administration", "admin"),
    ("director", "directors", "مدیر", "مدیرکل"),
    ("manager", "managers"),
    ("budget owner",),
    ("pre approver", "pre approvers"),
    ("approver", "approvers"),
    ("applicant", "applicants", "citizen", "citizens", "متقاضی", "متقاضیان", "شهروند"),
    ("offender", "offenders", "متخلف"),
    ("clerk", "clerks", "officer", "officers"),
    ("expert", "experts", "کارشناس", "کارشناسان"),
    ("head", "رییس", "روسا"),
    ("deputy", "معاون"),
    ("judge", "قاضی"),
    ("inspector", "بازرس"),
    ("operator", "اپراتور"),
    ("system", "سامانه", "سیستم"),
)  # fmt: skip

#: What a step works on. Two labels about different objects are different steps.
OBJECTS: tuple[tuple[str, ...], ...] = (
    ("permit", "permits", "پروانه", "مجوز"),
    ("licence", "license", "licences", "licenses"),
    ("declaration", "declarations"),
    ("request", "requests", "req", "درخواست", "تقاضا"),
    ("application", "applications"),
    ("payment", "payments"),
    ("fine", "fines", "جریمه"),
    ("penalty", "penalties"),
    ("fee", "fees", "هزینه", "عوارض"),
    ("appeal", "appeals", "اعتراض"),
    ("notification", "notifications", "اعلان", "ابلاغ"),
    ("document", "documents", "doc", "docs", "مدرک", "مدارک", "سند", "اسناد"),
    ("report", "reports", "گزارش"),
    ("certificate", "certificates", "گواهی", "گواهینامه"),
    ("receipt", "receipts", "رسید", "فیش", "قبض"),
    ("advice", "advices"),
    ("indication", "indications"),
    ("case", "cases", "file", "پرونده"),
    ("letter", "letters", "نامه"),
    ("sms", "پیامک"),
    ("account", "accounts", "حساب"),
    ("reminder", "reminders"),
    ("trip", "trips", "سفر"),
    ("ticket", "tickets"),
    ("offer", "offers"),
    ("attachment", "attachments"),
    ("compensation",),
)  # fmt: skip

#: Words that carry no meaning of their own in a label (articles, prepositions, the Persian
#: plural and ezafe particles, which a zero-width non-joiner turns into words).
STOPWORDS: frozenset[str] = frozenset({
    "a", "an", "the", "of", "and", "or", "to", "from", "for", "in", "on", "at", "with", "by",
    "و", "به", "از", "در", "با", "را", "برای", "که", "ی", "ها", "های", "ای",
})  # fmt: skip

T = TypeVar("T")
_CODE = re.compile(r"^([a-z]{0,3}\d+(?:[-./]\d+)*)\s+(?=\S)")
_WORD = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")
# Two words are one word written differently when this alike (rapidfuzz ratio, 0-100) and at
# least this long; shorter words must be equal, or one an abbreviation of the other.
_SPELLING = 80.0
_SPELLED = 4
_ABBREVIATION = 2


@attrs.frozen
class Comparison:
    """How alike two labels are, and why they cannot name the same step if they cannot.

    Attributes
    ----------
    score
        rapidfuzz's token-sort similarity (0-100) of the labels' words, after normalisation,
        task codes and abbreviations; 100 when the labels differ only in spacing or
        punctuation.
    veto
        Why the labels name different steps (opposite terms, different roles, objects or
        numbers, a word without a counterpart), or ``None``.
    """

    score: float
    veto: str | None = None

    def matches(self, min_score: float = 85.0) -> bool:
        """Whether the labels may name the same step: alike enough, and nothing against it."""
        return self.veto is None and self.score >= min_score


@attrs.frozen
class _Words:
    """A label as words: the task code in front, the words, and who it names."""

    code: str | None
    words: tuple[str, ...]
    parties: _Parties

    def content(self, other: _Words) -> list[str]:
        """The meaningful words, against ``other``: a party (doer or addressee) that ``other``
        does not name is unknown there, so its words are left out (unknown is not different)."""
        mine, theirs = self.parties, other.parties
        unknown = (set() if theirs.agents else mine.agent_words) | (
            set() if theirs.addressees else mine.addressee_words
        )
        return [w for w in self.words if w not in STOPWORDS and w not in unknown]


def _words(key: str, other: str) -> _Words:
    """The words of label key ``key``, abbreviations of words of ``other`` written out."""
    code = _CODE.match(key)
    rest = key[code.end() :] if code else key
    words = _spelt(_abbreviated(_WORD.findall(rest), _WORD.findall(other)))
    return _Words(code.group(1) if code else None, words, _parties(words))


@attrs.frozen
class _Tables:
    """The word tables as matching keys."""

    opposites: dict[str, frozenset[tuple[int, int]]]  # term -> (pair, side)s
    roles: dict[str, int]
    objects: dict[str, int]
    vocabulary: tuple[str, ...]  # the single words of all three, for spelling


@cache
def _tables() -> _Tables:
    opposites: dict[str, set[tuple[int, int]]] = {}
    for pair, sides in enumerate(OPPOSITES):
        for side, terms in enumerate(sides):
            for term in terms:
                opposites.setdefault(normalize(term), set()).add((pair, side))
    roles = {normalize(t): i for i, terms in enumerate(ROLES) for t in terms}
    objects = {normalize(t): i for i, terms in enumerate(OBJECTS) for t in terms}
    words = dict.fromkeys(t for t in (*opposites, *roles, *objects) if " " not in t)
    return _Tables(
        {term: frozenset(sides) for term, sides in opposites.items()}, roles, objects, tuple(words)
    )


def _terms(words: Sequence[str], table: Mapping[str, T]) -> dict[str, T]:
    """The table's terms (one or more whole words) in ``words``, the longest at each place."""
    found: dict[str, T] = {}
    i = 0
    while i < len(words):
        for length in (3, 2, 1):
            term = " ".join(words[i : i + length])
            if term in table:
                found[term] = table[term]
                i += length
                break
        else:
            i += 1
    return found


def _spelt(words: Sequence[str]) -> tuple[str, ...]:
    """``words`` with each misspelling of a word of the tables written as that word."""
    from rapidfuzz import fuzz, process

    vocabulary = _tables().vocabulary
    known = set(vocabulary)
    out = []
    for word in words:
        best = None
        if word not in known and len(word) >= _SPELLED:
            best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=_SPELLING)
        out.append(best[0] if best else word)
    return tuple(out)


def _stem(word: str) -> str:
    """The word without a plural ending (English ``-s``, ``-es``, ``-ies``; Persian ``ها``)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    for ending in ("های", "ها"):
        if len(word) > len(ending) + 2 and word.endswith(ending):
            return word.removesuffix(ending)
    return word


def _abbreviated(words: Sequence[str], others: Sequence[str]) -> tuple[str, ...]:
    """``words`` with each abbreviation of exactly one of ``others`` written out."""
    out = []
    for word in words:
        longer = {
            o
            for o in others
            if o != word and o.startswith(word) and len(o) >= len(word) + 2 and not _DIGIT.search(o)
        }
        spelled = len(word) >= _ABBREVIATION and word not in others and len(longer) == 1
        out.append(longer.pop() if spelled else word)
    return tuple(out)


def _counterpart(word: str, others: Iterable[str]) -> bool:
    """Whether a word of ``others`` is ``word``: the same, its plural, the same role or
    object of the tables, or spelt alike."""
    from rapidfuzz import fuzz

    tables = _tables()

    def same(other: str) -> bool:
        if word == other or _stem(word) == _stem(other):
            return True
        for table in (tables.roles, tables.objects):
            if word in table and table[word] == table.get(other):
                return True
        return min(len(word), len(other)) >= _SPELLED and fuzz.ratio(word, other) >= _SPELLING

    return any(same(other) for other in others)


def _negated(words: Sequence[str], others: Sequence[str]) -> str | None:
    """A word of ``words`` that negates a word of ``others`` (``unlock`` / ``lock``)."""
    particles, prefixes = NEGATIONS
    # "no criminal record" on both sides, in any word order, negates nothing
    negated_there = {w for b, w in zip(("", *others), others, strict=False) if b in particles}
    for before, word in zip(("", *words), words, strict=False):
        if before in particles and word in others and word not in negated_there:
            return f"{before} {word}"
        for prefix in prefixes:
            rest = word.removeprefix(prefix)
            if rest != word and len(rest) >= 3 and rest in others and word not in others:
                return word
    return None


def _opposite(a: _Words, b: _Words) -> str | None:
    opposites = _tables().opposites
    found_a, found_b = _terms(a.words, opposites), _terms(b.words, opposites)
    sides_a = set().union(*found_a.values())
    sides_b = set().union(*found_b.values())
    for term_a, term_b in itertools.product(found_a, found_b):
        for pair, side in found_a[term_a]:
            other = (pair, 1 - side)
            # A label holding both sides of a pair ("approve or reject") opposes neither.
            if other in found_b[term_b] and other not in sides_a and (pair, side) not in sides_b:
                return f"opposite terms: {term_a!r} and {term_b!r}"
    negated = _negated(a.words, b.words) or _negated(b.words, a.words)
    return f"opposite terms: {negated!r} negates" if negated else None


@attrs.frozen
class _Parties:
    """Who a label names: the roles of those who do the step (``by ...``, or a role word
    alone) and of those it is for (``to ...``), and the words that name each."""

    agents: frozenset[object] = frozenset()
    addressees: frozenset[object] = frozenset()
    agent_words: frozenset[str] = frozenset()
    addressee_words: frozenset[str] = frozenset()


def _parties(words: Sequence[str]) -> _Parties:
    roles = _tables().roles
    agent_markers, to_markers = _markers()
    found: dict[str, set[object]] = {"agent": set(), "to": set()}
    naming: dict[str, set[str]] = {"agent": set(), "to": set()}
    phrase: list[str] = []  # the words after an agent marker, when no role word is among them
    mode, i = "", 0
    while i < len(words):
        marker = next((m for m in agent_markers if tuple(words[i : i + len(m)]) == m), None)
        if marker is not None or words[i] in to_markers:
            mode = "agent" if marker is not None else "to"
            i += len(marker) if marker is not None else 1
            continue
        term = _term_at(words, i, roles)
        kind = "to" if mode == "to" else "agent"
        if term is not None:
            found[kind].add(roles[term])
            naming[kind].update(term.split())
            i += len(term.split())
            continue
        if mode == "agent" and words[i] not in STOPWORDS:
            phrase.append(words[i])
            naming["agent"].add(words[i])
        i += 1
    if phrase and not found["agent"]:
        found["agent"].add(" ".join(phrase))
    return _Parties(
        frozenset(found["agent"]),
        frozenset(found["to"]),
        frozenset(naming["agent"]),
        frozenset(naming["to"]),
    )


def _term_at(words: Sequence[str], i: int, table: Mapping[str, object]) -> str | None:
    """The longest term of ``table`` that starts at word ``i``."""
    for n in (2, 1):
        term = " ".join(words[i : i + n])
        if i + n <= len(words) and term in table:
            return term
    return None


@cache
def _markers() -> tuple[tuple[tuple[str, ...], ...], frozenset[str]]:
    """The agent markers as word tuples, and the words that mark whom a step is for."""
    agents = tuple(tuple(normalize(m).split()) for m in ROLE_MARKERS)
    return agents, frozenset(normalize(m) for m in RECIPIENT_MARKERS)


def _different(
    kind: str, a: set[object], b: set[object], names: Sequence[tuple[str, ...]]
) -> str | None:
    if not a or not b or a == b:
        return None

    def shown(values: set[object]) -> str:
        return " / ".join(sorted(names[v][0] if isinstance(v, int) else str(v) for v in values))

    return f"different {kind}: {shown(a - b) or shown(a)!r} and {shown(b - a) or shown(b)!r}"


def _veto(a: _Words, b: _Words) -> str | None:
    """Why labels ``a`` and ``b`` (words, abbreviations written out) are different steps."""
    if a.code and b.code and a.code != b.code:
        return f"different task codes: {a.code!r} and {b.code!r}"
    numbers_a = sorted(w for w in a.words if _DIGIT.search(w))
    numbers_b = sorted(w for w in b.words if _DIGIT.search(w))
    if numbers_a != numbers_b:
        return f"different numbers: {' '.join(numbers_a)!r} and {' '.join(numbers_b)!r}"
    opposite = _opposite(a, b)
    if opposite:
        return opposite
    for who in ("agents", "addressees"):
        mine, theirs = getattr(a.parties, who), getattr(b.parties, who)
        different = _different("roles", set(mine), set(theirs), ROLES)
        if different:
            return different
    objects = _tables().objects
    different = _different(
        "objects", set(_terms(a.words, objects).values()), set(_terms(b.words, objects).values()),
        OBJECTS,
    )  # fmt: skip
    if different:
        return different
    content_a, content_b = a.content(b), b.content(a)
    alone = [w for w in content_a if not _counterpart(w, content_b)]
    alone += [w for w in content_b if not _counterpart(w, content_a)]
    return f"words without a counterpart: {', '.join(map(repr, alone))}" if alone else None


def compare(a: str, b: str) -> Comparison:
    """How alike labels ``a`` and ``b`` are, and whether they can name the same step.

    Both are normalised (:func:`normalize`); a task code in front (``T02``) counts only when
    both labels have one; an abbreviation (``req.``, ``doc``) stands for the one word of the
    other label it begins. They cannot name the same step (:attr:`Comparison.veto`) when they
    hold opposite terms (:data:`OPPOSITES`, :data:`NEGATIONS`), name different roles
    (:data:`ROLES`, or the words after :data:`ROLE_MARKERS`), objects (:data:`OBJECTS`),
    numbers or task codes, or when a meaningful word of one (not in :data:`STOPWORDS`) has no
    counterpart in the other: the same word, its plural, or one spelt alike (rapidfuzz ratio
    80 or more, four letters or more; a misspelt word of the tables is read as that word). A
    label that names no role says nothing against one that does (unknown is not different);
    objects, by contrast, are what a step is about, so every one needs a counterpart.

    Examples
    --------
    >>> compare("T02 Check confirmation of receipt", "Check confirmation of reciept").matches()
    True
    >>> compare("Request For Payment APPROVED by PRE_APPROVER",
    ...         "Req. for payment approved by pre-approver").score
    100.0
    >>> compare("Declaration SAVED by EMPLOYEE", "Declaration SUBMITTED by EMPLOYEE").veto
    "words without a counterpart: 'saved', 'submitted'"
    >>> compare("ارسال مدارک", "دریافت مدارک").veto
    "opposite terms: 'ارسال' and 'دریافت'"
    >>> compare("صدور پروانه", "صدور گواهی").veto
    "different objects: 'permit' and 'certificate'"
    """
    from rapidfuzz import fuzz

    key_a, key_b = normalize(a), normalize(b)
    if _WORD_ONLY.sub("", key_a) == _WORD_ONLY.sub("", key_b):
        return Comparison(100.0)
    words_a, words_b = _words(key_a, key_b), _words(key_b, key_a)
    stems_a = " ".join(map(_stem, words_a.content(words_b)))
    stems_b = " ".join(map(_stem, words_b.content(words_a)))
    score = float(fuzz.token_sort_ratio(stems_a, stems_b))
    return Comparison(score, _veto(words_a, words_b))
