"""The guides the product ships with: Markdown files with a short header in
`education/content/<key>.<language>.md`, loaded by `seed_demo` (and by a bank that wants them)
through the editorial services, so each has its history from the start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CONTENT = Path(__file__).resolve().parent / "content"
HEADER_FIELDS = ("title", "slug", "summary", "topics", "explains")


@dataclass(frozen=True)
class Guide:
    key: str
    language: str
    title: str
    slug: str
    summary: str
    topics: tuple[str, ...]
    explains: str
    body: str


def parse(path: Path) -> Guide:
    """One guide file: `---`, `name: value` lines, `---`, then the Markdown body."""
    key, language = path.name.removesuffix(".md").rsplit(".", 1)
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{path.name}: no header")
    header, body = text[4:].split("\n---\n", 1)
    values: dict[str, str] = {}
    for line in header.splitlines():
        name, _, value = line.partition(":")
        values[name.strip()] = value.strip()
    missing = [field for field in ("title", "slug", "summary", "topics") if not values.get(field)]
    if missing:
        raise ValueError(f"{path.name}: missing {', '.join(missing)}")
    return Guide(
        key=key,
        language=language,
        title=values["title"],
        slug=values["slug"],
        summary=values["summary"],
        topics=tuple(t.strip() for t in values["topics"].split(",") if t.strip()),
        explains=values.get("explains", ""),
        body=body.strip() + "\n",
    )


def guides() -> list[Guide]:
    return [parse(path) for path in sorted(CONTENT.glob("*.md"))]
