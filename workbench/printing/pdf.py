"""The PDF: A4 pages with the organisation's name, address and logo at the top and, at the foot, the page number
of the total, the case number and the record's version; the body is a rendered template's HTML drawn by fpdf2's
``write_html`` in DejaVu Sans (the TTFs matplotlib ships: Cyrillic, bold and italic, no system font needed)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import TextStyle
from fpdf.html import HTML2FPDF

from .. import i18n

i18n.add({
    "printing.footer": {"uk": "Сторінка {page} з {pages} · Випадок № {number} · редакція {version}",
                        "en": "Page {page} of {pages} · Case {number} · version {version}"},
})

FONT = "DejaVu"
_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_STYLES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
           "BI": "DejaVuSans-BoldOblique.ttf"}
LOGO_HEIGHT_MM = 14
HEADING = (31, 63, 95)
HEADINGS = {"h1": TextStyle(font_size_pt=15, color=HEADING, t_margin=2, b_margin=1),
            "h2": TextStyle(font_size_pt=12.5, color=HEADING, t_margin=4, b_margin=1),
            "h3": TextStyle(font_size_pt=11, color=HEADING, t_margin=3, b_margin=1)}


@dataclass(frozen=True)
class Letterhead:
    """What every page shows: the organisation's ``name`` and ``address``, its ``logo`` (a PNG or JPEG file, or
    None), and the footer's ``case_number`` and ``version`` in ``lang``."""

    name: str
    address: str
    logo: Path | None
    case_number: str
    version: int
    lang: str


class _Html(HTML2FPDF):
    """fpdf2's HTML reader, drawing each table's cells in the regular style: fpdf2 2.8 takes a table's style from
    whatever the page's font was last set to, which after a bold word is bold."""

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.pdf.set_font(style="")
        super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "table":
            self.pdf.set_font(style="")
        super().handle_endtag(tag)


class _Document(FPDF):
    HTML2FPDF_CLASS = _Html

    def __init__(self, letterhead: Letterhead):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.letterhead = letterhead
        for style, file in _STYLES.items():
            self.add_font(FONT, style, str(_FONTS / file))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)

    def header(self):
        head = self.letterhead
        top = self.get_y()
        left = self.l_margin
        if head.logo is not None:
            self.image(str(head.logo), x=left, y=top, h=LOGO_HEIGHT_MM)
            left += LOGO_HEIGHT_MM * 1.2 + 3
        self.set_xy(left, top)
        self.set_font(FONT, "B", 11)
        self.multi_cell(0, 5.5, head.name, new_x="LMARGIN", new_y="NEXT")
        if head.address:
            self.set_x(left)
            self.set_font(FONT, "", 8.5)
            self.multi_cell(0, 4.5, head.address, new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(self.get_y(), top + (LOGO_HEIGHT_MM if head.logo else 0)) + 2)
        self.set_draw_color(120, 120, 120)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)

    def footer(self):
        head = self.letterhead
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.set_text_color(80, 80, 80)
        self.cell(0, 5, i18n.t("printing.footer", head.lang, page=self.page_no(), pages="{nb}",
                               number=head.case_number, version=head.version), align="C")
        self.set_text_color(0, 0, 0)


def render_pdf(html: str, letterhead: Letterhead, *, made_at: datetime) -> tuple[bytes, int]:
    """The PDF of ``html`` on ``letterhead``, dated ``made_at`` (its creation date, so the file depends only on
    what it prints and when); ``(content, pages)``."""
    document = _Document(letterhead)
    document.set_creation_date(made_at.astimezone(timezone.utc))
    document.set_title(letterhead.name)
    document.add_page()
    document.set_font(FONT, "", 10)
    # Images come only from the letterhead (templates with <img> are refused when loaded), so nothing is read
    # from a path or an address a template names.
    document.write_html(html, font_family=FONT, table_line_separators=True, tag_styles=HEADINGS)
    return bytes(document.output()), document.pages_count
