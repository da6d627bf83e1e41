"""Write docs/act_page1.png for the README's tour: page 1 of the act of needs assessment of a demo family, made
by the workbench itself (a small demo database in a temporary folder; PDFium draws the page).

    .venv/bin/python docs/make_document_images.py
"""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pypdfium2
from PIL import Image

from workbench.demo import build_demo
from workbench.printing import make_document
from workbench.store.connection import open_db
from workbench.store.documents import printable

ROOT = Path(__file__).resolve().parents[1]
HEAD = "halyna.demo"  # the demo's head of centre, who reads every case


def main() -> None:
    path = Path(tempfile.mkdtemp(prefix="wb-docs-")) / "demo.db"
    build_demo(path, seed=11, households=6, care_leavers=0, today=date(2026, 6, 15))
    db = open_db(path)
    # The family with the most members among those with an act: the act shows the members and each child.
    cases = [case_id for (case_id,) in db.execute("""select c.id from cases c join household_members m
             on m.household_id = c.household_id group by c.id order by count(*) desc, c.id""")]
    case_id = next(c for c in cases if any(p["kind"] == "act" for p in printable(db, HEAD, c)))
    made = make_document(db, HEAD, case_id=case_id, kind="act")
    page = pypdfium2.PdfDocument(made.content)[0]
    out = ROOT / "docs" / "act_page1.png"
    # A page of text needs no more than 256 colours; the fast octree keeps the logo's orange, median cut greys it.
    image = page.render(scale=1.4).to_pil().convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
    image.save(out, optimize=True)
    print(f"{out}: page 1 of {made.pages} of {made.filename}")
    db.conn.close()


if __name__ == "__main__":
    main()
