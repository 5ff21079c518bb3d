"""Every word a member or staff member reads in our templates is marked for
translation: the pages, the error pages and the emails, text and attributes.

Each template is read with Django's own template lexer. What is left once the
``{% translate %}`` and ``{% blocktranslate %}`` tags, the variables, the
other tags, the comments and the HTML markup are taken out must be made of
nothing but spaces and a few punctuation marks. A new sentence typed into a
template without a translate tag fails here, with its file and line.
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.template.loader import get_template

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"

# Not words: what may stay outside a translate tag between the variables.
ALLOWED_SYMBOLS = frozenset(
    " \t\n\r\N{NO-BREAK SPACE}"
    "|:;,.()[]-/!?&\"'"
    "\N{MIDDLE DOT}\N{EN DASH}\N{EM DASH}\N{HORIZONTAL ELLIPSIS}"
    "\N{SINGLE LEFT-POINTING ANGLE QUOTATION MARK}"
    "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}"
)

# Attributes whose values people read (or hear, from a screen reader).
READ_ATTRIBUTES = frozenset(
    {
        "alt",
        "title",
        "label",
        "placeholder",
        "aria-label",
        "aria-description",
        "aria-placeholder",
        "aria-roledescription",
        "aria-valuetext",
    }
)
READ_META_NAMES = frozenset({"description", "keywords"})
BUTTON_INPUT_TYPES = frozenset({"submit", "button", "reset"})

# Blocks whose parent puts them where nobody reads them (Django admin's
# <body class="{% block bodyclass %}">).
UNREAD_BLOCKS = frozenset({"bodyclass"})

# Stands for what a tag or a variable prints: dynamic, so not checked here.
DYNAMIC = "\ue000"


def _template_names() -> list[str]:
    return sorted(
        path.relative_to(TEMPLATES_DIR).as_posix()
        for path in TEMPLATES_DIR.rglob("*")
        if path.is_file() and path.suffix in {".html", ".txt"}
    )


def has_words(text: str) -> bool:
    """True if ``text`` holds anything but spaces, dynamic parts and the
    allowed punctuation: a letter, a digit, any other symbol."""
    return any(ch not in ALLOWED_SYMBOLS and ch != DYNAMIC for ch in text)


def _visible_source(source: str) -> tuple[str, list[str]]:
    """The template as its readers would see it if every tag and variable
    printed nothing readable: translated parts, variables and other tags
    become ``DYNAMIC``, comments vanish, lines keep their numbers.

    Also returns the problems the tokens show on their own (an English-only
    ``|pluralize``)."""
    problems = []
    parts = []
    skip_until = None
    for token in Lexer(source).tokenize():
        if skip_until is not None:
            # Inside a blocktranslate (translated whole), a comment or an
            # unread block. Keep the line count.
            if token.token_type == TokenType.TEXT:
                parts.append("\n" * token.contents.count("\n"))
            elif (
                token.token_type == TokenType.BLOCK
                and token.split_contents()[0] == skip_until
            ):
                skip_until = None
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
        elif token.token_type == TokenType.VAR:
            if "|pluralize" in token.contents.replace(" ", ""):
                problems.append(
                    f"line {token.lineno}: {{{{ {token.contents} }}}} makes an "
                    "English plural; use {% blocktranslate count %} instead"
                )
            parts.append(DYNAMIC)
        elif token.token_type == TokenType.BLOCK:
            name, *arguments = token.split_contents()
            if name in {"blocktranslate", "blocktrans"}:
                skip_until = f"end{name}"
            elif name == "comment":
                skip_until = "endcomment"
                continue
            elif name == "block" and arguments[0] in UNREAD_BLOCKS:
                skip_until = "endblock"
            parts.append(DYNAMIC)
    return "".join(parts), problems


def _shown(line: str) -> str:
    return " ".join(line.replace(DYNAMIC, "{…}").split())


class _ReadTextFinder(HTMLParser):
    """Collects (line, text) for the words left in text and read attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._hidden_depth = 0

    def _check(self, text: str | None) -> None:
        first_line = self.getpos()[0]
        for offset, line in enumerate((text or "").split("\n")):
            if has_words(line):
                self.found.append((first_line + offset, _shown(line)))

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._hidden_depth += 1
        values = dict(attrs)
        for name, value in attrs:
            if name in READ_ATTRIBUTES:
                self._check(value)
        if tag == "meta" and values.get("name") in READ_META_NAMES:
            self._check(values.get("content"))
        if tag == "input" and values.get("type") in BUTTON_INPUT_TYPES:
            self._check(values.get("value"))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in {"script", "style"}:
            self._hidden_depth -= 1

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data):
        if not self._hidden_depth:
            self._check(data)


def untranslated_text(source: str, *, plain_text: bool = False) -> list[str]:
    """What readers of the template would see that no translate tag covers,
    as "line N: text", for a template's source; ``plain_text`` for a .txt
    email, whose angle brackets are not markup."""
    visible, problems = _visible_source(source)
    if plain_text:
        found = [
            (number, _shown(line))
            for number, line in enumerate(visible.split("\n"), start=1)
            if has_words(line)
        ]
    else:
        finder = _ReadTextFinder()
        finder.feed(visible)
        finder.close()
        found = finder.found
    return problems + [f"line {number}: {text}" for number, text in found]


@pytest.mark.parametrize(
    "source",
    [
        "<p>Upcoming events</p>",
        "{% load i18n %}<p>{% translate 'Upcoming' %} events</p>",
        '<img src="{{ url }}" alt="Photo of {{ name }}">',
        '<nav aria-label="Pages">{{ links }}</nav>',
        '<meta name="description" content="Events for library staff.">',
        '<input type="submit" value="Search">',
        "<li{% if a %} class='x'{% endif %}>{% if a %}Cancelled: {% endif %}</li>",
        "{{ count }} event{{ count|pluralize }}",
        "{% comment %}Why.{% endcomment %}<p>No events.</p>",
        "{% blocktranslate %}Hello {{ name }},{% endblocktranslate %} Welcome",
        "<p>&nbsp;200&percnt;</p>",
        "{% block title %}Bad request{% endblock %}",
    ],
)
def test_the_check_finds_words_left_untranslated(source):
    """Words in text, in read attributes, after a translated part, between
    tags, beside a comment or a blocktranslate, an English |pluralize, and
    digits are all reported."""
    assert untranslated_text(source)


@pytest.mark.parametrize(
    "source",
    [
        "{% load i18n %}<p>{% translate 'Upcoming events' %}</p>",
        "{% load i18n %}<p>{% blocktranslate trimmed with n=x %}\n"
        "  Hello {{ n }},\n{% endblocktranslate %}</p>",
        '<a href="/events/" class="btn btn-primary" id="all-events">{{ x }}</a>',
        '<img src="{{ url }}" alt="{{ alt }}">',
        "{# A note for developers. #}{% comment %}\nWhy.\n{% endcomment %}",
        "{{ a }} · {{ b }} \N{EN DASH} {{ c }}: ({{ d }}), …&amp;",
        "<!doctype html><html lang='en'><!-- a note --></html>",
        '<script src="x.js">var words = "not read";</script>',
        "{% block bodyclass %}{{ block.super }} login{% endblock bodyclass %}",
    ],
)
def test_the_check_accepts_translated_templates(source):
    """Translated text, markup, attribute names and values nobody reads,
    comments, punctuation between variables and scripts pass."""
    assert untranslated_text(source) == []


@pytest.mark.parametrize("plain_text", [True, False])
def test_the_check_reports_the_line_of_the_words(plain_text):
    """Each line with words is named, so the fix is easy to find."""
    source = "{% load i18n %}{% translate 'Hi' %}\n\n{% if x %}Join: {{ url }}\nNow\n"
    assert untranslated_text(source, plain_text=plain_text) == [
        "line 3: {…}Join: {…}",
        "line 4: Now",
    ]


@pytest.mark.parametrize("name", _template_names())
def test_every_word_read_in_a_template_is_translated(name):
    """No text or read attribute outside a translate tag holds a word."""
    source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
    found = untranslated_text(source, plain_text=name.endswith(".txt"))
    assert found == [], f"{name} has words not marked for translation:\n" + "\n".join(
        found
    )


@pytest.mark.parametrize("name", _template_names())
def test_every_template_compiles(name):
    """Each template loads the i18n library it uses (a translate tag without
    ``{% load i18n %}`` is an error only when the template is compiled)."""
    assert get_template(name)
