"""The one stylesheet of the staff apps: every view fits a phone (390 px) or a tablet (768 px) and can be worked
by touch.

ipywidgets sets fixed widths (``Layout(width="30em")``, its own 300 px inputs) and 20–28 px high rows; on a narrow
screen these stick out of the page or overlap. The rules here cap every widget at its container's width, let rows
of widgets wrap, give a wide table its own sideways scroll, and on phones and tablets make every button, choice and
input at least :data:`TOUCH_PX` high. They apply only inside an app's root (class ``wb-app``), so a notebook that
shows the stylesheet is otherwise unchanged.
"""
from __future__ import annotations

import ipywidgets as w

TOUCH_PX = 40  # the least height of a touch target on a phone or tablet (WCAG 2.5.8 asks 24, Material 48)
NARROW = "(max-width: 1024px), (pointer: coarse)"  # a phone or a tablet, either way round, or any touch screen
SCROLL_CLASS = "wb-scroll"  # a box that scrolls sideways on purpose (what is inside may be wider than the screen)
SCROLLERS = f".wb-app .{SCROLL_CLASS}, .wb-app table"  # the boxes that scroll sideways on purpose

_CSS = f"""
.wb-app .wb-style {{ display: none; }}

/* A link in a text looks like one (ipywidgets' own style draws it black, like the words around it). */
.wb-app .widget-html-content a {{ color: #0d47a1; text-decoration: underline; }}
/* A file to download: a link drawn as a button, big enough for a finger. */
.wb-app a.wb-download {{
  display: inline-block; min-height: {TOUCH_PX}px; line-height: {TOUCH_PX}px; padding: 0 12px; margin: 4px 0;
  border: 1px solid #0d47a1; border-radius: 4px; background: #e3f2fd; font-weight: 600;
}}

/* The workspace's frame: its navigation, the case record's tabs and the account's links are links drawn as
   buttons. */
.wb-app .wb-nav a, .wb-app .wb-tabs a, .wb-app .wb-signed-in a {{
  display: inline-block; min-height: {TOUCH_PX}px; line-height: {TOUCH_PX}px; padding: 0 12px; margin: 0 4px 4px 0;
  border: 1px solid #90a4ae; border-radius: 4px; text-decoration: none; color: #0d47a1; background: #fff;
}}
.wb-app .wb-nav a.wb-here, .wb-app .wb-tabs a.wb-here {{ background: #0d47a1; color: #fff; border-color: #0d47a1; }}
.wb-app .wb-frame-top {{ display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; }}

/* Nothing wider than its container: the widths set in Python are a most, not a must (less the 2 px margin
   ipywidgets gives each widget on either side). */
.wb-app, .wb-app .widget-box, .wb-app input, .wb-app select, .wb-app textarea, .wb-app img {{
  max-width: 100%; min-width: 0; box-sizing: border-box;
}}
.wb-app .widget-inline-hbox, .wb-app .widget-html, .wb-app .jupyter-button {{
  max-width: calc(100% - 2 * var(--jp-widgets-margin, 2px)); min-width: 0; box-sizing: border-box;
}}
.wb-app .widget-hbox {{ flex-wrap: wrap; }}
.wb-app .widget-html-content {{ overflow-wrap: anywhere; min-width: 0; }}
/* A table keeps its words whole and scrolls sideways in its own box when it is wider than the screen. */
{SCROLLERS} {{ display: block; max-width: 100%; overflow-x: auto; }}
.wb-app table {{ overflow-wrap: normal; }}

/* A choice's label wraps onto as many lines as it needs, its row growing with it, and the one chosen stands out. */
.wb-app .widget-radio {{ width: auto; height: auto; }}
.wb-app .widget-radio-box label {{
  display: flex; align-items: center; height: auto; min-height: 28px; line-height: 1.3; white-space: normal;
  box-sizing: border-box; padding: 2px 4px; border-radius: 4px; cursor: pointer;
}}
.wb-app .widget-radio-box input {{ order: -1; float: none; flex: 0 0 auto; height: auto; margin: 0 8px 0 1px; }}
.wb-app .widget-radio-box label:has(input:checked) {{ background: #e3f2fd; font-weight: 600; }}
.wb-app .widget-checkbox {{ width: auto; height: auto; }}
.wb-app .widget-checkbox .widget-label-basic {{ display: flex; align-items: center; min-height: 28px; cursor: pointer; }}
.wb-app .widget-checkbox .widget-label-basic span {{ white-space: normal; line-height: 1.3; }}

/* Phones and tablets: every target a finger can hit. */
@media {NARROW} {{
  .wb-app .jupyter-button {{
    height: auto; min-height: {TOUCH_PX}px; line-height: 1.3; white-space: normal; padding: 6px 12px;
  }}
  .wb-app .widget-dropdown, .wb-app .widget-text {{ height: auto; }}
  .wb-app .widget-dropdown > select, .wb-app .widget-text input {{ height: auto; min-height: {TOUCH_PX}px; }}
  .wb-app .widget-radio-box label, .wb-app .widget-checkbox .widget-label-basic {{ min-height: {TOUCH_PX}px; }}
  .wb-app .widget-radio-box input, .wb-app .widget-checkbox input[type="checkbox"] {{ width: 22px; height: 22px; }}
  .wb-app .widget-html-content {{ line-height: 1.4; }}
}}
"""


def stylesheet() -> w.HTML:
    """The stylesheet as a widget to put anywhere in an app (it shows nothing; its rules apply to ``.wb-app``)."""
    sheet = w.HTML(f"<style>{_CSS}</style>")
    sheet.add_class("wb-style")
    return sheet
