"""Pages read as HTML, not as bytes: find elements by tag and attributes,
and read a page's words as a member sees them.

Built on Django's own test parser (``django.test.html.parse_html``, the one
behind ``assertInHTML``), so attribute order, quoting, whitespace and class
order do not matter, and an escaped ``&lt;b&gt;`` is text, never an element.
``text_of`` reads a whole page's sentences instead, where the words run across
inline tags.
"""

import re
from html import unescape

from django.test.html import Element, parse_html


def _markup(page) -> str:
    """The HTML of a response, bytes or str."""
    if hasattr(page, "content"):
        page = page.content
    if isinstance(page, bytes):
        page = page.decode()
    return page


def parse(page) -> Element:
    """A response, bytes or str as a parsed element tree."""
    return parse_html(_markup(page))


def attribute(element: Element, name: str) -> str | None:
    """The attribute's value; "" for a bare one, None when it is absent."""
    for key, value in element.attributes:
        if key == name:
            return "" if value is None else value
    return None


def _matches(element: Element, tag: str | None, attrs: dict) -> bool:
    if tag is not None and element.name != tag:
        return False
    for name, wanted in attrs.items():
        name = name.rstrip("_").replace("_", "-")
        value = attribute(element, name)
        if wanted is True:
            if value is None:
                return False
        elif name == "class":
            if value is None or wanted not in value.split():
                return False
        elif value != wanted:
            return False
    return True


def find_all(root: Element, tag: str | None = None, **attrs) -> list[Element]:
    """Every element under ``root`` (itself included), in document order,
    with the tag and attributes given: ``class_="btn"`` matches one class
    among several, ``href=True`` any value, ``data_end=`` ``data-end``."""
    found = []
    stack = [root]
    while stack:
        element = stack.pop()
        if _matches(element, tag, attrs):
            found.append(element)
        children = [child for child in element.children if not isinstance(child, str)]
        stack.extend(reversed(children))
    return found


def find(root: Element, tag: str | None = None, **attrs) -> Element:
    """The one element under ``root`` that ``find_all`` would give."""
    found = find_all(root, tag, **attrs)
    assert len(found) == 1, f"{len(found)} <{tag or '*'} {attrs}> elements, not 1"
    return found[0]


def text(element: Element | str) -> str:
    """The element's text as a reader sees it, spaces collapsed."""
    if isinstance(element, str):
        return element
    return " ".join(" ".join(text(child) for child in element.children).split())


def text_of(page) -> str:
    """The page's visible words: tags removed, entities decoded, spaces collapsed.

    Unlike ``text``, inline tags vanish without a space, so "contact <a>x</a>."
    reads "contact x.": a sentence with a link or a time in it can be checked
    whole. ``page`` is a response, bytes or str, as for ``parse``.
    """
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", _markup(page), flags=re.S)
    html = re.sub(r"</?(a|span|strong|em|time|code)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def submit_labels(root: Element) -> list[str]:
    """What each submit button under ``root`` says."""
    labels = [
        attribute(button, "value") or ""
        for button in find_all(root, "input", type="submit")
    ]
    labels += [
        text(button)
        for button in find_all(root, "button")
        if attribute(button, "type") in {None, "submit"}
    ]
    return labels


def control_names(root: Element) -> set[str]:
    """The names of the form controls under ``root``."""
    return {
        attribute(control, "name")
        for tag in ("input", "select", "textarea")
        for control in find_all(root, tag, name=True)
    }


def hrefs(root: Element) -> list[str]:
    """Where each link under ``root`` points, in order."""
    return [attribute(link, "href") for link in find_all(root, "a", href=True)]
