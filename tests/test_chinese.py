"""The Chinese catalogue follows docs/glossary.md; dates are never formatted by hand.

The catalogue is read from the compiled file the site uses, so what is checked is what readers
see.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
FORBIDDEN = [
    line.split("\t")
    for line in (ROOT / "docs" / "glossary-forbidden.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
CJK = r"[\u3400-\u9fff]"
HALF_WIDTH_NEXT_TO_CHINESE = re.compile(
    rf"{CJK}[():,;]|[():;](?=\s*{CJK})|{CJK}\s+[()]"  # 中文(…) 中文: …) 中文
)


def chinese_texts() -> dict[str, str]:
    with CATALOGUE.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    texts = {}
    for key, value in catalogue.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:
            texts[str(msgid)] = value
    return texts


def test_the_catalogue_is_not_empty():
    assert len(chinese_texts()) > 900


@pytest.mark.parametrize(("forbidden", "preferred"), FORBIDDEN, ids=[f for f, _p in FORBIDDEN])
def test_no_chinese_text_uses_a_term_the_glossary_forbids(forbidden, preferred):
    offenders = {msgid: text for msgid, text in chinese_texts().items() if forbidden in text}
    assert offenders == {}, f"use {preferred} instead of {forbidden}"


def test_chinese_text_uses_full_width_brackets_and_colons():
    offenders = {}
    for msgid, text in chinese_texts().items():
        # Placeholders and HTML are not prose: %(name)s, <strong>, and times like 09:00.
        prose = re.sub(r"%\([a-z_]+\)[sd]|%[sd]|<[^>]+>|\d+:\d+", "", text)
        if HALF_WIDTH_NEXT_TO_CHINESE.search(prose):
            offenders[msgid] = text
    assert offenders == {}


def test_no_template_formats_a_date_by_hand():
    # Named formats (DATE_FORMAT, …) are the locale's; "c" is ISO 8601 for machines (<time>).
    pattern = re.compile(r"""\|date:["'](?![A-Z_]+["']|c["'])""")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_code_writes_a_date_for_a_reader_with_strftime():
    # Dates for people are formatted with accounts.formatting or the locale's formats; ISO
    # text is for storage and machines only.
    offenders = []
    for path in [*(ROOT / "cases").rglob("*.py"), *(ROOT / "plans").rglob("*.py")]:
        if "migrations" in path.parts or "calculator" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if 'strftime("%Y-%m-%d")' in line or "strftime('%Y-%m-%d')" in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
