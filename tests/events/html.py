"""Reading rendered pages in tests."""

import re
from html import unescape


def text_of(response) -> str:
    """The page's visible words: tags removed, entities decoded, spaces collapsed.

    Inline tags vanish without a space so "contact <a>x</a>." reads "contact x.".
    """
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(a|span|strong|em|time|code)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
