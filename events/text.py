"""Staff-written text (descriptions, bios): Markdown in, safe HTML or plain text out.

Staff may paste HTML from elsewhere into a description; Markdown passes it
through, so everything is sanitized with nh3 after rendering, never before.
"""

import html
import re
from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {"p", "ul", "ol", "li", "a", "strong", "em", "h2", "h3", "h4"}
    | {"blockquote", "br", "code"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Dropped with their content, not just unwrapped: their text is code, not prose.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object"})


# A pure function of the text, asked for several times per event (page body,
# feed, calendar links): remember recent answers in each process.
@lru_cache(maxsize=1024)
def _sanitized_html(text: str) -> str:
    rendered = markdown.markdown(text, extensions=["sane_lists"])
    return nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str | None) -> SafeString:
    """Markdown to HTML that is safe to put in a page as is."""
    if not text or not text.strip():
        return mark_safe("")
    return mark_safe(_sanitized_html(text))  # noqa: S308 - sanitized by nh3


@lru_cache(maxsize=1024)
def plain_text(text: str | None) -> str:
    """The same text for places that take no HTML (iCalendar, RSS summaries).

    List items keep a leading "- " so a list still reads as one.
    """
    if not text or not text.strip():
        return ""
    cleaned = _sanitized_html(text)
    cleaned = re.sub(r"<li>", "<li>- ", cleaned)
    cleaned = re.sub(r"<br\s*/?>", "\n", cleaned)
    # Block ends become line breaks so paragraphs don't run together.
    cleaned = re.sub(r"</li>\s*", "\n", cleaned)
    cleaned = re.sub(r"</(p|ul|ol|h[2-4]|blockquote)>\s*", "\n\n", cleaned)
    stripped = html.unescape(nh3.clean(cleaned, tags=set()))
    lines = [
        re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in stripped.split("\n")
    ]
    tidy = "\n".join(lines)
    tidy = re.sub(r"\n{3,}", "\n\n", tidy)
    return tidy.strip()
