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
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "to_latin_digits"]

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
