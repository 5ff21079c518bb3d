from events.text import plain_text, render_markdown


def test_markdown_renders_paragraphs_lists_and_safe_links():
    """Staff write Markdown; members see paragraphs, lists and safe links."""
    html = render_markdown(
        "First *paragraph* with **bold**.\n\n"
        "- one\n- two\n\n"
        "See [ALA](https://www.ala.org) or [write](mailto:ce@ala.org)."
    )
    assert "<p>First <em>paragraph</em> with <strong>bold</strong>.</p>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<a href="https://www.ala.org" rel="noopener noreferrer">ALA</a>' in html
    assert 'href="mailto:ce@ala.org"' in html


def test_scripts_event_handlers_and_javascript_links_are_removed():
    """Nothing executable survives, whether typed as HTML or as Markdown."""
    html = render_markdown(
        "Hello <script>alert('x')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        '<p onclick="steal()">Click</p>\n\n'
        '[trap](javascript:alert(1)) and <a href="javascript:alert(2)">two</a>\n\n'
        '<iframe src="https://evil.example"></iframe><style>p{}</style>'
    )
    lowered = html.lower()
    for forbidden in ("<script", "alert(", "onerror", "onclick", "javascript:"):
        assert forbidden not in lowered
    for forbidden in ("<img", "<iframe", "<style", "evil.example"):
        assert forbidden not in lowered
    assert "Hello" in html
    assert "Click" in html
    assert "trap" in html


def test_only_the_allowed_tags_are_kept():
    """Headings below h2 keep the page's outline; tables and spans are unwrapped."""
    html = render_markdown(
        "# Top\n\n## Section\n\n> quoted\n\nuse `code`\n\n<span class=x>plain</span>"
    )
    assert "<h1" not in html
    assert "Top" in html
    assert "<h2>Section</h2>" in html
    assert "<blockquote>" in html
    assert "<code>code</code>" in html
    assert "<span" not in html
    assert "plain" in html


def test_empty_text_renders_nothing():
    """Empty or missing text renders as nothing, and blank text as empty plain text."""
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
    assert plain_text("  ") == ""


def test_plain_text_strips_tags_unescapes_entities_and_tidies_whitespace():
    """The iCalendar description reads as text: no tags, no entities, no clutter."""
    text = plain_text(
        "Libraries &amp; **people**  and   <em>caf&eacute;</em>.\n\n\n"
        "- first\n- second <script>alert(1)</script>\n\n"
        "[ALA](https://www.ala.org) 5 < 6"
    )
    assert text == ("Libraries & people and café.\n\n- first\n- second\n\nALA 5 < 6")
