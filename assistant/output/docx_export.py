"""The standard 申报表 as .docx bytes, from the same layout as the .xlsx (export.layout).

The table is written as XML row by row in one pass (``_docx_grid``): python-docx's ``cell.merge``
and ``table.cell`` walk the whole table on every call, which made 300 rows take 13–25 s and 1,000
rows raise RecursionError.
"""
from __future__ import annotations


from assistant.output.form_layout import FONT, TITLE, WIDTHS, Cell, Layout, clean_text, document_bytes, layout
from assistant.schema import TargetTable
from assistant.values import format_number



def _east_asian(run_or_style, name: str = FONT) -> None:
    from docx.oxml.ns import qn

    run_or_style.font.name = name
    rpr = run_or_style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _docx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int):
        return format_number(value)
    return clean_text(value)


def _docx_page(doc) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin = section.bottom_margin = Mm(15)


def _docx_heading(doc, text: str, size: int, bold: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.font.size = bold, Pt(size)
    _east_asian(run)


def _docx_cell(spec: Cell, top: bool, width_twips: int):
    """One <w:tc>: the spec's text in its top row, an empty continuation (vMerge) below it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc = OxmlElement("w:tc")
    pr = OxmlElement("w:tcPr")
    tc.append(pr)
    w = OxmlElement("w:tcW")
    w.set(qn("w:w"), str(width_twips))
    w.set(qn("w:type"), "dxa")
    pr.append(w)
    if spec.cols > 1:
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), str(spec.cols))
        pr.append(span)
    if spec.rows > 1:
        merge = OxmlElement("w:vMerge")
        if top:
            merge.set(qn("w:val"), "restart")
        pr.append(merge)
    align = OxmlElement("w:vAlign")
    align.set(qn("w:val"), "center")
    pr.append(align)
    paragraph = OxmlElement("w:p")
    tc.append(paragraph)
    if spec.kind in ("label", "head", "level"):
        ppr = OxmlElement("w:pPr")
        jc = OxmlElement("w:jc")
        jc.set(qn("w:val"), "center")
        ppr.append(jc)
        paragraph.append(ppr)
    text = _docx_text(spec.value) if top else ""
    if text:
        _docx_run(paragraph, text, bold=spec.kind in ("label", "head"))
    return tc


def _docx_run(paragraph, text: str, bold: bool) -> None:
    """A run as python-docx writes one: a line break for "\n", a tab for "\t"."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    if bold:
        rpr = OxmlElement("w:rPr")
        rpr.append(OxmlElement("w:b"))
        run.append(rpr)
    for n, line in enumerate(text.split("\n")):
        if n:
            run.append(OxmlElement("w:br"))
        for k, part in enumerate(line.split("\t")):
            if k:
                run.append(OxmlElement("w:tab"))
            if part:
                t = OxmlElement("w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = part
                run.append(t)
    paragraph.append(run)


def _docx_grid(doc, lay: Layout) -> None:
    """The form's table, one <w:tc> per grid position known from the layout, written once."""
    from docx.shared import Mm

    grid = doc.add_table(rows=0, cols=lay.ncols)
    grid.style = "Table Grid"
    grid.autofit = False
    widths = WIDTHS[lay.ncols]
    twips = [int(Mm(267 * w / sum(widths)).twips) for w in widths]
    for col, gridcol in enumerate(grid._tbl.tblGrid.gridCol_lst):
        gridcol.w = Mm(267 * widths[col] / sum(widths))
    covers: dict[tuple[int, int], Cell] = {}
    for spec in lay.cells:
        for r in range(spec.row, spec.row + spec.rows):
            covers[(r, spec.col)] = spec
    for r in range(lay.nrows):
        tr = grid._tbl.add_tr()
        c = 0
        while c < lay.ncols:
            spec = covers.get((r, c)) or Cell(r, c, None)
            tr.append(_docx_cell(spec, spec.row == r, sum(twips[c:c + spec.cols])))
            c += max(spec.cols, 1)


def to_docx(table: TargetTable) -> bytes:
    from docx import Document
    from docx.shared import Pt

    lay = layout(table)
    doc = Document()
    _docx_page(doc)
    normal = doc.styles["Normal"]
    _east_asian(normal)
    normal.font.size = Pt(10.5)
    _docx_heading(doc, TITLE, 18, True)
    _docx_heading(doc, lay.subtitle, 12, False)
    _docx_grid(doc, lay)
    return document_bytes(doc)
