"""Settings as a fresh process reads them from its environment.

``calendar_site.settings`` reads environment variables once, when it is
imported, and the test run has imported it already (through
``tests.settings``). To see what a given environment gives, a test starts a
new Python in the project directory whose environment holds ``PATH``,
``DJANGO_SETTINGS_MODULE=calendar_site.settings`` and exactly the variables
the test names: nothing leaks in from the test run's own environment.
"""

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_MODULE = "calendar_site.settings"


def run_python(
    *args: str, env: Mapping[str, str], timeout: float = 120
) -> subprocess.CompletedProcess:
    """``python <args>`` (``-c <code>``, ``manage.py <command>``) in the
    project directory with only ``env`` set; the finished process, text
    output captured, whatever its exit status."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def settings_in_subprocess(
    env: Mapping[str, str], expression: str
) -> subprocess.CompletedProcess:
    """The process that printed ``expression`` (it may name ``settings``)
    with the settings read from ``env``; check its ``returncode`` and
    ``stderr`` when the settings may refuse to load."""
    code = f"from django.conf import settings; print({expression})"
    return run_python("-c", code, env=env)


def setting_value(env: Mapping[str, str], expression: str) -> str:
    """What ``expression`` prints with the settings read from ``env``; the
    test fails with the child's traceback if the settings refuse to load."""
    result = settings_in_subprocess(env, expression)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()
