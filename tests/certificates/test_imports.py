"""WeasyPrint costs a process about 0.7 s and 35 MB to import: only the
code that makes a PDF loads it, never a web worker on its way up or a
management command that makes none."""

import subprocess
import sys

from django.conf import settings

CHECK = """
import sys
import django
django.setup()
import calendar_site.urls  # every view, the admin, the services
from django.core.management import call_command
assert "weasyprint" not in sys.modules, "loaded at import"
from registrations import documents
assert "weasyprint" in sys.modules, "the check itself is wrong"
"""


def test_weasyprint_is_loaded_only_where_a_pdf_is_made():
    """In a fresh Python process, loading every page, the admin, the services and
    the code that runs management commands does not load WeasyPrint; loading
    the code that makes the PDF does."""
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", CHECK],
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
