"""A small streaming XLSX writer for the analysis workbook: sheets of plain rows, a bold frozen header and
column widths — all the workbook of an analysis uses.

Why not openpyxl: even in write-only mode it builds a cell object, a style lookup and an lxml element per
value, and writing the 22,000 rows of a 77k-event analysis took a third of the whole run (docs/speed.md).
This writer joins the sheet's XML as text (inline strings, no shared-string table), about ten times faster.
The files open in Excel, LibreOffice and openpyxl (tested by reading them back with openpyxl).

Values: `None`, the empty text and NaN are empty cells; bool a boolean cell; int and float (and numpy's) a number; anything
else its `str()`. Characters XML 1.0 cannot carry (control characters other than tab, newline and carriage
return) are dropped, as a spreadsheet could not show them either.
"""

from __future__ import annotations

import math
import numbers
import re
import zipfile
from html import escape as _html_escape
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence


def escape(text: str) -> str:
    """`&`, `<` and `>` as XML entities: what `xml.sax.saxutils.escape` writes, without importing it (it
    imports `urllib.request`, and that the HTTP, SSL and e-mail modules, on every analysis)."""
    return _html_escape(text, quote=False)


def quoteattr(text: str) -> str:
    """`text` as a double-quoted XML attribute value (quotes as `&quot;`/`&#x27;`, line breaks and tabs as
    character references, which an attribute would otherwise turn into spaces)."""
    return '"' + _html_escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '{sheets}</Types>')
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets>{sheets}</sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
    '<Relationship Id="rIdStyles" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>')
_SHEET_REL = ('<Relationship Id="rId{n}" '
              'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
              'Target="worksheets/sheet{n}.xml"/>')
# Style 0 plain, style 1 bold (the header).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
    'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    '<cols>{cols}</cols><sheetData>')
_SHEET_TAIL = '</sheetData></worksheet>'


def _cell(value: Any, style: str = "") -> str:
    if value.__class__ is str:  # most cells: text, checked first
        if not value:
            return "<c/>"
        if _NOT_XML.search(value):
            value = _NOT_XML.sub("", value)
        space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
        return f'<c t="inlineStr"{style}><is><t{space}>{escape(value)}</t></is></c>'
    if value is None:
        return "<c/>"
    # Plain ints and floats (counts, rates: half the metrics sheet) before the abstract number checks below,
    # which cost more than the cell; the text is the same as theirs.
    if value.__class__ is int:
        return f"<c{style}><v>{value!r}</v></c>"
    if value.__class__ is float and value - value == 0:  # not NaN nor infinite
        return f"<c{style}><v>{value!r}</v></c>"
    if isinstance(value, bool):
        return f'<c t="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, numbers.Number) and not isinstance(value, complex):
        number = float(value)
        if math.isnan(number):
            return "<c/>"
        if math.isinf(number):
            return _cell(str(value), style)
        text = repr(int(value)) if isinstance(value, numbers.Integral) else repr(number)
        return f"<c{style}><v>{text}</v></c>"
    return _cell(str(value), style)


class Sheet:
    """One sheet: its title, the column widths and the rows, header first. `value`, if given, turns each row
    value into the cell written (e.g. a guard against formulas); it is called once per distinct text of the
    sheet, as the text's XML is made once (see `xml_parts`)."""

    def __init__(self, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[float],
                 value: Callable[[Any], Any] | None = None):
        self.title, self.header, self.rows, self.widths, self.value = title, header, rows, widths, value

    def xml_parts(self) -> Iterable[str]:
        cols = "".join(f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
                       for n, width in enumerate(self.widths, start=1))
        yield _SHEET_HEAD.format(cols=cols)
        yield "<row>" + "".join(_cell(title, ' s="1"') for title in self.header) + "</row>"
        # A workbook repeats most of its texts (rule names, units, metric formulas on every row): each distinct
        # text is escaped once per sheet.
        texts: dict[str, str] = {}
        written = self.value or (lambda value: value)

        def cell(value: Any) -> str:
            if value.__class__ is not str:
                return _cell(written(value))
            xml = texts.get(value)
            if xml is None:
                xml = texts[value] = _cell(written(value))
            return xml

        for row in self.rows:
            yield "<row>" + "".join([cell(value) for value in row]) + "</row>"
        yield _SHEET_TAIL


def write_xlsx(path: str | Path, sheets: Sequence[Sheet]) -> Path:
    """Write the sheets as one workbook; each sheet's XML streams into the archive in pieces."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(
            sheets="".join(_SHEET_TYPE.format(n=n) for n in range(1, len(sheets) + 1))))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(sheets="".join(
            f'<sheet name={quoteattr(sheet.title)} sheetId="{n}" r:id="rId{n}"/>'
            for n, sheet in enumerate(sheets, start=1))))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(
            rels="".join(_SHEET_REL.format(n=n) for n in range(1, len(sheets) + 1))))
        archive.writestr("xl/styles.xml", _STYLES)
        for n, sheet in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as handle:
                batch: list[str] = []
                for part in sheet.xml_parts():
                    batch.append(part)
                    if len(batch) >= 2000:
                        handle.write("".join(batch).encode("utf-8"))
                        batch.clear()
                handle.write("".join(batch).encode("utf-8"))
    return path
