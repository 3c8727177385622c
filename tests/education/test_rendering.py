"""What readers get is Markdown rendered and sanitised: no script, no raw HTML, no javascript:
links, no event handlers, whatever the editor types."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from education.rendering import ALLOWED_TAGS, reading_minutes, render_markdown


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        '<img src="x" onerror="alert(1)">',
        '<a href="https://example.com" onclick="steal()">x</a>',
        "[x](JaVaScRiPt:alert(1))",
        '<iframe src="https://evil.example"></iframe>',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_nothing_executable_survives(body):
    parser = _Elements()
    parser.feed(render_markdown(body))
    assert parser.tags <= ALLOWED_TAGS
    for tag, name, value in parser.attributes:
        assert not name.startswith("on"), (tag, name)
        if name == "href":
            assert value.split(":", 1)[0].lower() in {"http", "https", "mailto"}, value


class _Elements(HTMLParser):
    """The elements and attributes a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def test_markdown_becomes_the_allowed_html():
    html = render_markdown("# Title\n\n## Part\n\n- one\n- **two**\n\n[bank](https://bank.example)")
    assert "<h2>Title</h2>" in html  # the page's title is its only h1
    assert "<li><strong>two</strong></li>" in html
    assert 'href="https://bank.example"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_raw_html_is_shown_as_text():
    assert "&lt;b&gt;" in render_markdown("<b>bold</b>")


def test_reading_time_counts_english_words_and_chinese_characters():
    assert reading_minutes("word " * 400) == 2
    assert reading_minutes("字" * 800) == 2
    assert reading_minutes("") == 1
