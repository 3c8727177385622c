"""Every page each role can reach passes axe (no serious or critical violation of WCAG 2.1 A and
AA), in English and Chinese, on a desktop and a phone; and can be walked with the keyboard."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from tests.e2e.conftest import DESKTOP, LIVE_DB, PHONE
from tests.e2e.site_pages import PERSONAS, pages_for, populated_site, signed_in_client

pytestmark = [pytest.mark.browser, LIVE_DB]

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}
#: At least this many pages per persona: fewer means the walk lost a role's pages.
MINIMUM_PAGES = {
    "anonymous": 5,
    "cardholder": 12,
    "agent": 6,
    "supervisor": 7,
    "admin": 8,
    "editor": 3,
}


#: One h1 per page, and no heading level skipped on the way down (h2 then h4).
HEADINGS_PROBE = """() => {
  const problems = [];
  const headings = Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"))
    .filter((h) => !h.closest("[hidden], template"));
  const ones = headings.filter((h) => h.tagName === "H1").length;
  if (ones !== 1) problems.push(`${ones} h1 headings`);
  let level = 0;
  for (const h of headings) {
    const next = Number(h.tagName[1]);
    if (next > level + 1) {
      problems.push(`h${next} after h${level}: ${h.textContent.trim().slice(0, 40)}`);
    }
    level = next;
  }
  return problems;
}"""


def open_as(
    browser: Any,
    live_server: Any,
    client: Any,
    *,
    language: str,
    viewport: dict,
    bypass_csp: bool = False,
) -> Any:
    # Reduced motion: the focus ring and scrolling then take effect at once, so the walk reads
    # them as they settle rather than mid-transition.
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        locale="en-GB",
        reduced_motion="reduce",
        bypass_csp=bypass_csp,
    )
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if session is not None:
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": session.value, "url": live_server.url}
        )
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_of_every_role_passes_axe(browser, live_server, language, viewport):
    site = populated_site()
    axe = Axe()
    problems: list[str] = []
    checked = 0
    for persona in PERSONAS:
        client = signed_in_client(site.users[persona])
        pages = pages_for(client, site.params[persona])
        assert len(pages) >= MINIMUM_PAGES[persona], (persona, pages)
        page = open_as(browser, live_server, client, language=language, viewport=viewport)
        for url in pages:
            page.goto(url)
            page.wait_for_load_state("load")
            results = axe.run(page, options=AXE_OPTIONS)
            checked += 1
            problems.extend(f"{persona} {url}: {p}" for p in page.evaluate(HEADINGS_PROBE))
            for violation in results.response["violations"]:
                if violation["impact"] in BLOCKING:
                    targets = [" ".join(node["target"]) for node in violation["nodes"]][:3]
                    problems.append(
                        f"{persona} {url}: {violation['id']} ({violation['impact']}) {targets}"
                    )
        page.context.close()
    # Every role has its pages checked: a broken login would otherwise pass quietly.
    assert checked > 40, checked
    assert problems == [], "\n".join(problems)


# --- the keyboard walk ---------------------------------------------------------------------------

#: What the walk reads of the element that has focus: where it is, whether it can be seen, and
#: the contrast of its focus indicator against what surrounds it.
FOCUS_PROBE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const parse = (colour) => {
    const m = colour.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const luminance = (c) => {
    const channel = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  };
  const contrast = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  // What the ring is drawn against: the nearest ancestor with a background.
  let behind = { r: 255, g: 255, b: 255, a: 1 };
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour && colour.a > 0.5) { behind = colour; break; }
  }
  const style = getComputedStyle(el);
  const rings = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1) {
    rings.push(parse(style.outlineColor));
  }
  for (const match of style.boxShadow.matchAll(/rgba?\\([^)]+\\)/g)) rings.push(parse(match[0]));
  const best = Math.max(0, ...rings.filter((c) => c && c.a > 0.5).map((c) => contrast(c, behind)));
  const rect = el.getBoundingClientRect();
  const path = [];
  for (let node = el; node && node !== document.body; node = node.parentElement) {
    const siblings = node.parentElement ? Array.from(node.parentElement.children) : [node];
    path.unshift(`${node.tagName.toLowerCase()}${siblings.indexOf(node)}`);
  }
  return {
    key: path.join(">"),
    label: (el.getAttribute("aria-label") || el.textContent || el.name || el.id || "")
      .trim().replace(/\\s+/g, " ").slice(0, 60),
    visible: rect.width > 0 && rect.height > 0 && style.visibility !== "hidden",
    onScreen: rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth,
    indicator: best,
  };
}"""
MAX_STOPS = 400


def _walk(page: Any, key: str) -> list[dict]:
    """From no focus, press `key` until focus leaves the page or comes back round to the
    first stop; the stops, consecutive repeats merged (a date field takes several presses to
    cross). Never getting back round is a keyboard trap."""
    # Start from the top (or, going backwards, the bottom) of the page, whatever had focus:
    # a field with autofocus would otherwise be where the walk starts.
    page.evaluate(
        """(backwards) => {
          const start = document.createElement("span");
          start.tabIndex = -1;
          start.dataset.walkStart = "";
          backwards ? document.body.append(start) : document.body.prepend(start);
          start.focus();
        }""",
        key.startswith("Shift"),
    )
    stops: list[dict] = []
    for _ in range(MAX_STOPS):
        page.keyboard.press(key)
        page.evaluate("document.querySelectorAll('[data-walk-start]').forEach((s) => s.remove())")
        stop = page.evaluate(FOCUS_PROBE)
        if stop is None or (stops and stop["key"] == stops[0]["key"]):
            return stops
        if not stops or stops[-1]["key"] != stop["key"]:
            stops.append(stop)
    raise AssertionError(f"focus never came back round after {MAX_STOPS} presses: a trap?")


def keyboard_problems(page: Any, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    problems = []
    forward = _walk(page, "Tab")
    if not forward:
        return [f"{url}: no tab stop at all"]
    for stop in forward:
        if not stop["visible"] or not stop["onScreen"]:
            problems.append(f"{url}: stop not visible: {stop['label']!r} ({stop['key']})")
        elif stop["indicator"] < 3:
            problems.append(
                f"{url}: focus ring {stop['indicator']:.1f}:1 on {stop['label']!r} ({stop['key']})"
            )
    backward = _walk(page, "Shift+Tab")
    if [s["key"] for s in backward] != [s["key"] for s in reversed(forward)]:
        problems.append(f"{url}: Shift+Tab does not retrace Tab's order")
    return problems


def test_every_page_of_every_role_can_be_walked_with_the_keyboard(browser, live_server):
    site = populated_site()
    problems: list[str] = []
    walked = 0
    for persona in PERSONAS:
        client = signed_in_client(site.users[persona])
        page = open_as(browser, live_server, client, language="en", viewport=DESKTOP)
        for url in pages_for(client, site.params[persona]):
            problems.extend(f"{persona} {p}" for p in keyboard_problems(page, url))
            walked += 1
        page.context.close()
    assert walked > 40
    assert problems == [], "\n".join(problems)
