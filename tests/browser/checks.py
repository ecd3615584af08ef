"""What every page opened in the browser suite must hold, whoever opens it:

- nothing wider than the viewport at 1366×768 and 1920×1080 (the document does not scroll
  sideways, no visible element's right edge lies beyond the viewport, and no scroll box inside
  the page scrolls sideways either: a table that needs a horizontal scrollbar is cut off too);
- on Chinese pages no untranslated message id and no catalog code (`management.china_quality_award`);
- no serious or critical accessibility violation (axe-core, vendored under vendor/axe-core);
- every visible form field has a visible label (a <label> for it, or one around it; an
  accessible name alone does not do), and a field for an amount, a term or a rate says its unit
  in that label; a checkbox or radio in a table row under a visible column heading is exempt;
- no Content-Security-Policy violation (no inline script or style slipped in).

`Visit` walks a page through all of this and writes a screenshot per viewport under
SCREENSHOT_DIR (CI keeps the folder)."""

import os
import re
from pathlib import Path

import polib
from django.conf import settings

VIEWPORTS = [(1366, 768), (1920, 1080)]
SCREENSHOT_DIR = Path(os.environ.get("BROWSER_SCREENSHOTS", settings.BASE_DIR / ".ci" / "artifacts" / "screenshots"))
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")

# The width check, run in the page: the offending elements, described for the failure message.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ' "' + (el.innerText || el.value || '').trim().slice(0, 40) + '"';
  if (document.documentElement.scrollWidth > window.innerWidth) {
    found.push('document ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
  }
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.position === 'fixed') continue;
    if (el.closest('.visually-hidden, .collapse:not(.show), [hidden]')) continue;
    if (rect.right > width + 1) found.push(describe(el) + ' right edge ' + Math.round(rect.right) + ' > ' + width);
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      found.push(describe(el) + ' scrolls sideways ' + el.scrollWidth + ' > ' + el.clientWidth);
    }
    if (found.length > 20) break;
  }
  return found;
}"""

# Buttons and dates that break inside their text: a button two lines high or more whose words
# fit on one line, a <time>/.date value split across lines.
BROKEN_JS = r"""() => {
  const found = [];
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const rects = [...range.getClientRects()].filter(r => r.width > 1 && r.height > 1).sort((a, b) => a.top - b.top);
    let count = 0, bottom = -Infinity;
    for (const r of rects) {
      if (r.top >= bottom - 2) { count += 1; bottom = r.bottom; } else { bottom = Math.max(bottom, r.bottom); }
    }
    return count;
  };
  for (const el of document.querySelectorAll('.btn, time, .date, .nav-link, th')) {
    if (el.getBoundingClientRect().width === 0) continue;
    if (el.closest('.collapse:not(.show)')) continue;
    if (lines(el) > 1 && (el.tagName !== 'TH' || (el.innerText || '').trim().length <= 6)) {
      found.push(el.tagName.toLowerCase() + ' "' + (el.innerText || '').trim().slice(0, 40) + '" breaks over ' + lines(el) + ' lines');
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const date = /\d{4}-\d{2}-\d{2}/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(date)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = [...range.getClientRects()].filter(r => r.width > 1);
      if (tops.length && new Set(tops.map(r => Math.round(r.top))).size > 1) {
        found.push('date "' + match[0] + '" breaks inside the value');
      }
    }
  }
  return found;
}"""

# Form fields without a visible label, and money / term / rate fields whose label has no unit.
LABELS_JS = r"""() => {
  const found = [];
  const shown = (el) => {
    if (!el) return false;
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || style.opacity === '0') return false;
    return !el.closest('.visually-hidden, .visually-hidden-focusable, [hidden], .collapse:not(.show), .d-none');
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.type ? '[type=' + el.type + ']' : '')
      + (el.name ? '[name=' + el.name + ']' : '') + (el.id ? '#' + el.id : '');
  const UNITS = [[/(^|_)(amount|credit_line|amount_min|amount_max|principal|interest)$/, /元|yuan/i],
                 [/(^|_)term(_months)?$|_months$/, /月|month/i],
                 [/(^|_)(annual_)?rate$/, /%|％/]];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)) continue;
    if (!shown(el)) continue;
    if (['checkbox', 'radio'].includes(el.type)) {
      const table = el.closest('tr') && el.closest('table');
      if (table && [...table.querySelectorAll('thead th')].some(th => shown(th) && th.innerText.trim())) continue;
    }
    const labels = [...(el.labels || [])].filter(l => shown(l) && l.innerText.trim());
    if (!labels.length) { found.push(describe(el) + ' has no visible label'); continue; }
    const text = labels.map(l => l.innerText).join(' ');
    for (const [name, unit] of UNITS) {
      if (name.test(el.name || '') && el.type !== 'date' && !unit.test(text)) {
        found.push(describe(el) + ' label "' + text.trim().slice(0, 40) + '" has no unit');
      }
    }
  }
  return found;
}"""

AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v =>
    v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


def _message_ids():
    """Message ids (English) whose Chinese translation differs: if one of these shows on a Chinese
    page, a string went out untranslated. Single short words are left out (they occur in data)."""
    catalog = polib.pofile(str(settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    ids = set()
    for entry in catalog:
        text = entry.msgid
        if entry.msgstr and entry.msgstr != text and "%" not in text and "{" not in text and len(text) <= 80 \
                and " " in text.strip() and re.fullmatch(r"[A-Za-z][A-Za-z ,'’-]+[A-Za-z]", text.strip()):
            ids.add(text.strip())
    return ids


_MESSAGE_IDS = None


def message_ids():
    global _MESSAGE_IDS
    if _MESSAGE_IDS is None:
        _MESSAGE_IDS = _message_ids()
    return _MESSAGE_IDS


def catalog_codes():
    from elements.models import ElementCategory, ElementType

    return set(ElementType.objects.values_list("code", flat=True)) | {
        f"{code}." for code in ElementCategory.objects.values_list("code", flat=True)}


def untranslated(text: str, codes) -> list[str]:
    """Catalog codes and English message ids in a Chinese page's visible text."""
    found = [code for code in codes if code in text]
    words = re.compile(r"[A-Za-z][A-Za-z ,'’-]*[A-Za-z]")
    english = {m.group(0).strip() for m in words.finditer(text)}
    found += sorted(english & message_ids())
    return found


class Visit:
    """Opens pages in one browser page and checks each of them; `problems` collects what failed
    (the test asserts it is empty at the end, so one run reports every page at once)."""

    def __init__(self, page, base_url, name, *, codes):
        self.page, self.base_url, self.name, self.codes = page, base_url, name, codes
        self.problems: list[str] = []
        self.step = 0
        self.csp: list[str] = []
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp.append(message.text[:200])

    def open(self, path):
        response = self.page.goto(self.base_url + path if path.startswith("/") else path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        self.check(path)
        return self.page

    def check(self, label=None):
        """Run every check on the page as it is now, at both viewports, and screenshot it."""
        page = self.page
        label = label or page.url.removeprefix(self.base_url)
        page.wait_for_load_state("load")
        self.step += 1
        chinese = (page.get_attribute("html", "lang") or "").startswith("zh")
        if chinese:
            for item in untranslated(page.inner_text("body"), self.codes):
                self.problems.append(f"{self.name} {label}: untranslated or code on a Chinese page: {item!r}")
        for width, height in VIEWPORTS:
            page.set_viewport_size({"width": width, "height": height})
            for item in page.evaluate(OVERFLOW_JS):
                self.problems.append(f"{self.name} {label} @{width}: wider than the viewport: {item}")
            for item in page.evaluate(BROKEN_JS):
                self.problems.append(f"{self.name} {label} @{width}: {item}")
            slug = re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-")[:60] or "root"
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT_DIR / f"{self.name}-{self.step:02d}-{slug}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": VIEWPORTS[0][0], "height": VIEWPORTS[0][1]})
        for item in page.evaluate(LABELS_JS):
            self.problems.append(f"{self.name} {label}: {item}")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE_SOURCE)
        for item in page.evaluate(AXE_JS):
            self.problems.append(f"{self.name} {label}: accessibility: {item}")
        for item in self.csp:
            self.problems.append(f"{self.name} {label}: {item}")
        self.csp.clear()
