"""Layout checks for any browser test: what sticks out past the screen or is cut off by its box, what is too
small to touch, what cannot be read.

Each function measures the page as it is drawn now (Playwright ``Page``) and returns a list of short
descriptions (``tag.class.class …``), empty when all is well, so a test can ``assert not …`` and a failure
names the culprits. Sizes are CSS pixels; the screen is the layout viewport
(``document.documentElement.clientWidth``), which a phone's pinch-zoom does not change.
"""
from __future__ import annotations

from workbench.apps.style import SCROLLERS

# Describing an element: its tag, its own classes (the widget classes ipywidgets adds and ours, ``wb-…``)
# and, for a nameless one, the nearest ancestor with a ``wb-`` class, so a failure says where it is.
_DESCRIBE = r"""
const describe = (el) => {
  const own = `${el.tagName.toLowerCase()}${[...el.classList].filter(c => !c.startsWith('lm-') && !c.startsWith('p-'))
                                             .map(c => '.' + c).join('')}`;
  let up = el.parentElement;
  while (up && ![...up.classList].some(c => c.startsWith('wb-'))) up = up.parentElement;
  const where = up && up !== el ? ` in .${[...up.classList].filter(c => c.startsWith('wb-')).join('.')}` : '';
  const text = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  return own + where + (text ? ` «${text}»` : '');
};
"""

_OVERFLOWING = _DESCRIBE + r"""
([tolerance, scrollers]) => {
  const edge = document.documentElement.clientWidth + tolerance;
  // A deliberate horizontal scroll container (a wide table in its wrapper): what is inside it may be wider
  // than the screen, as long as the container itself is not. ipywidgets' boxes scroll too (overflow: auto),
  // but a field that needs a sideways scroll of its box is exactly what these checks are for.
  const scrolls = (el) => el.matches(scrollers) && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const insideScroller = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrolls(up)) return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= edge) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || style.position === 'fixed') continue;
    if (insideScroller(el)) continue;
    found.push(`${describe(el)} (right edge ${Math.round(box.right)} px)`);
  }
  return found;
}
"""

_CLIPPED = _DESCRIBE + r"""
([root, scrollers, tolerance]) => {
  const found = [];
  for (const el of document.querySelectorAll(`${root} *`)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    // The nearest box that cuts off what sticks out of it (ipywidgets' boxes scroll, with no scroll bar on a
    // phone): unless it is meant to scroll sideways, a field reaching past its inner edge is cut short.
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX === 'visible') continue;
      if (up.matches(scrollers)) break;
      const outer = up.getBoundingClientRect();
      const left = outer.left + parseFloat(style.borderLeftWidth), right = outer.right - parseFloat(style.borderRightWidth);
      if (box.right > right + tolerance || box.left < left - tolerance) {
        found.push(`${describe(el)} (${Math.round(box.left)}–${Math.round(box.right)} px in a box of `
                   + `${Math.round(left)}–${Math.round(right)} px)`);
      }
      break;
    }
  }
  return found;
}
"""

_SMALL = _DESCRIBE + r"""
([selector, minPx]) => [...document.querySelectorAll(selector)]
  .filter(el => el.getClientRects().length > 0)  // drawn (not inside a hidden box)
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.height + 0.5 < minPx)
  .map(([el, box]) => `${describe(el)} (${Math.round(box.height)} px high)`)
"""

_UNREADABLE = _DESCRIBE + r"""
(selector) => {
  const width = document.documentElement.clientWidth;
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.getClientRects().length === 0) continue;
    el.scrollIntoView({block: 'center', inline: 'nearest'});
    const box = el.getBoundingClientRect();
    const problems = [];
    if (box.left < -0.5 || box.right > width + 0.5) problems.push('off the screen');
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) problems.push('text cut or spilling');
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const outer = up.getBoundingClientRect();
      if (getComputedStyle(up).overflowX !== 'visible' && (box.left < outer.left - 0.5 || box.right > outer.right + 0.5)) {
        problems.push(`clipped by ${describe(up)}`);
        break;
      }
    }
    const x = Math.min(Math.max(box.left + box.width / 2, 0), width - 1), y = box.top + box.height / 2;
    const top = document.elementFromPoint(x, y);
    if (top && top !== el && !el.contains(top)) problems.push(`covered by ${describe(top)}`);
    if (problems.length) found.push(`${describe(el)}: ${problems.join(', ')}`);
  }
  return found;
}
"""


def overflowing(page, tolerance_px: float = 0.5) -> list[str]:
    """Drawn elements whose box reaches past the screen's right edge (by more than ``tolerance_px``), except
    those inside a deliberate horizontal scroll container (one the stylesheet makes scroll sideways:
    :data:`~workbench.apps.style.SCROLLERS`), which is where a wide table belongs. An empty list: nothing but
    such a table needs a sideways scroll."""
    return page.evaluate(_OVERFLOWING, [tolerance_px, SCROLLERS])


def clipped(page, root: str = ".wb-app", tolerance_px: float = 0.5) -> list[str]:
    """Drawn elements inside ``root`` that reach past the inner edge of the box that clips them (ipywidgets'
    boxes hide what sticks out behind a scroll bar a phone does not show), except in a box meant to scroll
    sideways (:data:`~workbench.apps.style.SCROLLERS`): a field cut short at the right, though the page fits."""
    return page.evaluate(_CLIPPED, [root, SCROLLERS, tolerance_px])


def small_targets(page, selector: str, min_px: float = 40) -> list[str]:
    """Drawn elements matching ``selector`` less than ``min_px`` CSS pixels high (too small a touch target)."""
    return page.evaluate(_SMALL, [selector, min_px])


def unreadable(page, selector: str) -> list[str]:
    """Drawn elements matching ``selector`` that cannot be read whole: off the screen, their text cut or
    spilling out of their box, clipped by a container, or covered by another element at their centre. Each
    is scrolled into view first, as a user would."""
    return page.evaluate(_UNREADABLE, selector)
