"""Tables an analyst edits: CSV and Excel files read as text and written byte for byte the same.

Agency staff work in Excel, so an annotation table goes out and comes back as ``.xlsx`` as
well as ``.csv``. Both are read with every cell as text (the parsing of values is the
caller's), and written deterministically: a CSV in UTF-8 with a byte-order mark, which Excel
needs to show Persian letters; a workbook with fixed document dates and zip entry times, one
sheet, the header row frozen and drop-down lists where a column takes fixed values.

A label is data, never a formula: in a CSV a text cell that a spreadsheet would take for one
(``=``, ``+``, ``-``, ``@``... first) gets a leading quote (:func:`bpr._files.neutralise`),
which :func:`read_table` takes off again; in a workbook every text cell is written as a string
cell, which Excel shows as it is (openpyxl would otherwise store ``=1+2`` as a formula, and the
label would come back empty).

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> frame = pd.DataFrame({"activity": ["ثبت درخواست"], "kind": ["submit"]})
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_table(frame, folder / "steps.xlsx", choices={"kind": ["submit", "pay"]})
>>> read_table(folder / "steps.xlsx").to_dict("records")
[{'activity': 'ثبت درخواست', 'kind': 'submit'}]
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bpr._files import csv_text, unquote, write_file
from bpr.errors import AnnotationError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EXCEL_SUFFIXES", "read_table", "table_bytes", "write_table"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
# Every workbook bpr writes carries this date, so that the same table gives the same bytes.
_FIXED = datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def read_table(path: Path, what: str = "table") -> pd.DataFrame:
    """A CSV (UTF-8, a BOM is fine) or Excel file as text cells; an empty cell is ``""``.
    ``what`` names the table in errors (``"annotation"``: "no such annotation file"). The quote
    that :func:`write_table` puts before formula-like text is taken off."""
    import pandas as pd

    try:
        if path.suffix.lower() in EXCEL_SUFFIXES:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise AnnotationError(f"{path}: no such {what} file") from None
    except UnicodeDecodeError as error:
        raise AnnotationError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8 "
            "(in Excel: CSV UTF-8), or as an Excel workbook (.xlsx)"
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise AnnotationError(f"{path}: not a readable CSV table ({error})") from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        SyntaxError,
        NotImplementedError,
        ValueError,
        TypeError,
        KeyError,
        OSError,
    ) as error:
        # A damaged workbook lets the errors of zip, zlib and the XML parsers through openpyxl,
        # and its typed fields raise TypeError on a value of the wrong type.
        kind = "Excel workbook" if path.suffix.lower() in EXCEL_SUFFIXES else f"{what} file"
        raise AnnotationError(f"{path}: not a readable {kind} ({error})") from None
    return frame.rename(columns=unquote).map(unquote)


def write_table(
    frame: pd.DataFrame,
    path: Path,
    *,
    choices: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Write ``frame`` (text and numbers; ``None`` as an empty cell) as CSV or, for an
    ``.xlsx`` path, as a workbook whose ``choices`` columns offer their values in a list.
    Whole or not at all (:func:`bpr._files.write_file`)."""
    write_file(path, table_bytes(frame, path.suffix, choices=choices))


def table_bytes(
    frame: pd.DataFrame,
    suffix: str,
    *,
    choices: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """The bytes :func:`write_table` writes for a file ending in ``suffix``."""
    if suffix.lower() in EXCEL_SUFFIXES:
        return _workbook(frame, choices or {})
    return ("\ufeff" + csv_text(frame)).encode("utf-8")


def _workbook(frame: pd.DataFrame, choices: Mapping[str, Sequence[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "steps"
    rows = [list(frame.columns), *([None if _missing(v) else v for v in r] for r in frame.values)]
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(number, column, value)
            if isinstance(value, str):
                cell.data_type = "s"  # a label, never a formula
    sheet.freeze_panes = "B2"
    last = max(len(frame), 1) + 1
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        width = max([len(str(column)), *(len(str(v)) for v in frame[column] if not _missing(v))])
        sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        if column in choices:
            values = ",".join(choices[column])
            validation = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)
    book.properties.creator = "bpr"
    book.properties.created = book.properties.modified = _FIXED
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's time fixed: openpyxl stamps them with the clock, and
    stamps the document's modification date on saving."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _fixed_dates(content)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def _fixed_dates(core: bytes) -> bytes:
    """``core.xml`` with its created and modified dates set to :data:`_FIXED`."""
    import re

    stamp = _FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(
        rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\2", core
    )
