"""Markdown to safe HTML, the one way every article body is turned into what readers see.

markdown-it-py (CommonMark) renders with raw HTML disabled, so `<script>` typed in the body is
shown as text; nh3 (the Ammonia sanitiser) then keeps only the tags and attributes below and
links to http, https and mailto, so `javascript:` links and event-handler attributes never
reach a page. The editor's live preview calls the same function.
"""

from __future__ import annotations

import math
import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code", "pre",
    "hr", "br", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


def render_markdown(body: str) -> str:
    """The sanitised HTML of a Markdown body. A heading 1 becomes a heading 2: the page's own
    title is its only h1."""
    html = _markdown.render(body or "")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def reading_minutes(body: str) -> int:
    """About 200 English words or 400 Chinese characters a minute; at least one."""
    characters = len(_CJK.findall(body or ""))
    words = len(_WORD.findall(body or ""))
    return max(1, math.ceil(words / 200 + characters / 400))
