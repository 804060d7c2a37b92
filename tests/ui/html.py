"""Just enough HTML inspection for the UI tests (the standard library parser, no extra package)."""

from html.parser import HTMLParser


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: (value if value is not None else "") for name, value in attrs}))

    handle_startendtag = handle_starttag


def elements(html: str, tag: str | None = None) -> list[tuple[str, dict[str, str]]]:
    collector = _Collector()
    collector.feed(str(html))
    return [(name, attrs) for name, attrs in collector.elements if tag is None or name == tag]


def attrs_of(html: str, element_id: str) -> dict[str, str]:
    """The attributes of the one element with this id (fails if there is not exactly one)."""
    found = [attrs for _, attrs in elements(html) if attrs.get("id") == element_id]
    assert len(found) == 1, f"expected one element with id={element_id!r}, found {len(found)}"
    return found[0]


def classes_of(html: str, element_id: str) -> set[str]:
    return set(attrs_of(html, element_id).get("class", "").split())
