"""A streaming writer of .xlsx workbooks (SpreadsheetML, ECMA-376 part 1): text, numbers, booleans and dates only.

The workbook module decides what goes in each cell; this one writes the ZIP parts, a row at a time,
straight into the archive, so memory does not grow with a table and a row costs one string join
(openpyxl's cell objects cost about twenty times more; docs/exports.md has the timings). Every
text is an inline string with XML's five escapes and carriage returns as `&#13;`; the caller has
removed what XML 1.0 cannot hold. The archive's timestamps are fixed, so equal input gives equal bytes.
"""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STAMP = (1980, 1, 1, 0, 0, 0)
HEADER_STYLE, DATE_STYLE = 1, 2  # cellXfs of STYLES: bold, and the date format
# The 1900 date system: day 1 is 1900-01-01, and day 60 is the 29 February 1900 that never was.
EPOCH, LEAP_BUG = datetime.date(1899, 12, 30), datetime.date(1900, 3, 1)
_TEXT_ESCAPES = {"\r": "&#13;"}

STYLES = f"""{HEAD}<styleSheet xmlns="{MAIN}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


@dataclass
class Sheet:
    """One sheet: its name, header, rows (lists of str, int, float, bool, date or None), column widths and row count."""

    title: str
    header: list[str]
    rows: Iterable[list]
    widths: list[float]
    count: int  # data rows, for the filter's range


def column_letter(number: int) -> str:
    """The letters of column `number` (1 is A, 27 is AA)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def serial(day: datetime.date) -> int:
    """The day's number in the 1900 date system (which counts a 29 February 1900)."""
    number = (day - EPOCH).days
    return number - 1 if day < LEAP_BUG else number


def write(path: Path, sheets: list[Sheet]) -> None:
    """Write the workbook with these sheets, in order, to `path`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _part(archive, "[Content_Types].xml", _content_types(len(sheets)))
        _part(
            archive,
            "_rels/.rels",
            f'{HEAD}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        _part(archive, "xl/workbook.xml", _workbook(sheets))
        _part(archive, "xl/_rels/workbook.xml.rels", _workbook_relationships(len(sheets)))
        _part(archive, "xl/styles.xml", STYLES)
        for number, sheet in enumerate(sheets, 1):
            info = zipfile.ZipInfo(f"xl/worksheets/sheet{number}.xml", STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as stream:
                for chunk in _sheet(sheet):
                    stream.write(chunk.encode("utf-8"))


def _part(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text.encode("utf-8"))


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    return (
        f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets}</Types>"
    )


def _workbook(sheets: list[Sheet]) -> str:
    listed = "".join(
        f'<sheet name={quoteattr(s.title)} sheetId="{n}" r:id="rId{n}"/>'
        for n, s in enumerate(sheets, 1)
    )
    # the filter's range, as Excel itself records it beside an autoFilter
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
        f"{escape(_quoted(s.title))}!$A$1:${column_letter(len(s.header))}${s.count + 1}</definedName>"
        for n, s in enumerate(sheets)
        if s.header
    )
    return (
        f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>{listed}</sheets>'
        f"{f'<definedNames>{names}</definedNames>' if names else ''}</workbook>"
    )


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _workbook_relationships(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    return (
        f'{HEAD}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{sheets}'
        f'<Relationship Id="rId{count + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


def _sheet(sheet: Sheet):
    letters = [column_letter(n) for n in range(1, len(sheet.header) + 1)]
    last = f"{letters[-1]}{sheet.count + 1}" if letters else "A1"
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
        for n, width in enumerate(sheet.widths, 1)
    )
    yield (
        f'{HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><dimension ref="A1:{last}"/>'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f"{f'<cols>{columns}</cols>' if columns else ''}<sheetData>"
    )
    yield _row(1, letters, sheet.header, HEADER_STYLE)
    batch = []
    for number, values in enumerate(sheet.rows, 2):
        batch.append(_row(number, letters, values, 0))
        if len(batch) == 1000:
            yield "".join(batch)
            batch = []
    yield "".join(batch)
    yield "</sheetData>" + (f'<autoFilter ref="A1:{last}"/>' if letters else "") + "</worksheet>"


def _row(number: int, letters: list[str], values: list, style: int) -> str:
    styled = f' s="{style}"' if style else ""
    cells = []
    for letter, value in zip(letters, values, strict=True):
        if value is None:
            continue
        place = f"{letter}{number}"
        if isinstance(value, str):
            text = escape(value, _TEXT_ESCAPES)
            cells.append(
                f'<c r="{place}"{styled} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
            )
        elif isinstance(value, bool):
            cells.append(f'<c r="{place}"{styled} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, datetime.date):
            cells.append(f'<c r="{place}" s="{DATE_STYLE}"><v>{serial(value)}</v></c>')
        else:
            cells.append(f'<c r="{place}"{styled}><v>{value!r}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'
