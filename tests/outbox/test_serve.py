"""``bin/serve`` keeps email going without ever taking the site down
(issue 11, point 3): a worker that dies is started again while gunicorn
keeps answering, the outbox sweep sends what no worker picked up, and only
gunicorn's own exit stops the script.

Everything runs in subprocesses against a temporary SQLite file, as in
tests/test_production.py, whose harness this borrows. The tests run in
order on one server; the last one stops it.
"""

import importlib.util
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_production import BASE_DIR, Server, session_processes, wait_for_mail

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("gunicorn") is None,
    reason="gunicorn is not installed: pip install -e . installs it",
)

DEADLINE_SECONDS = 60


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("serve"))
    server.env |= {"WEB_CONCURRENCY": "1", "EMAIL_SWEEP_SECONDS": "1"}
    try:
        server.start()
        yield server
    finally:
        server.stop()


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:  # gone meanwhile
        return ""


def processes_running(server: Server, command: str) -> list[int]:
    """The pids of ``bin/serve``'s processes whose command line has ``command``."""
    return [
        pid
        for pid in session_processes(server.process.pid)
        if command in command_line(pid)
    ]


def parent_of(pid: int) -> int:
    # /proc/<pid>/stat: "pid (command) state ppid ..."
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def wait_until(condition, what: str, server: Server):
    """Poll until ``condition()`` gives something true, and return it; fail
    with the server's log after the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} in {DEADLINE_SECONDS} s:\n{server.log.read_text()}")
        time.sleep(0.1)
    return result


def answers(server: Server) -> int:
    with urllib.request.urlopen(server.url + "/", timeout=10) as response:  # noqa: S310
        return response.status


def test_the_sweep_sends_an_email_no_worker_was_asked_to(server):
    """An email whose task never reached the queue (the database was down at
    the commit, say) is sent by the sweep bin/serve runs beside the worker."""
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from tests.builders import make_event; "
            "from registrations import services; "
            "event = make_event('Lost task'); "
            "services.register_for_event(event_id=event.pk, name='Ada', "
            "email='ada@example.org')",
        ],
        cwd=BASE_DIR,
        # The dummy backend queues nothing: only the sweep can send it.
        env=server.env | {"TASKS_BACKEND": "dummy"},
        check=True,
        capture_output=True,
    )
    [message] = wait_for_mail(server.mail_dir)
    assert "To: ada@example.org" in message
    assert "Lost task" in message


def test_a_killed_worker_is_started_again_and_the_site_stays_up(server):
    """kill -9 of the email worker: gunicorn goes on answering, bin/serve
    says what happened and starts a new worker."""
    [worker] = wait_until(
        lambda: processes_running(server, "db_worker"), "email worker", server
    )
    os.kill(worker, signal.SIGKILL)
    [restarted] = wait_until(
        lambda: [p for p in processes_running(server, "db_worker") if p != worker],
        "new email worker",
        server,
    )
    assert restarted != worker
    assert answers(server) == 200
    assert server.process.poll() is None
    assert "the email worker exited (status 137)" in server.log.read_text()


def test_a_web_server_that_exits_stops_everything(server):
    """If gunicorn itself goes, bin/serve stops the worker and the sweep and
    exits with a failure, for whatever supervises it to notice."""
    gunicorns = processes_running(server, "gunicorn")
    [master] = [pid for pid in gunicorns if parent_of(pid) not in gunicorns]
    os.kill(master, signal.SIGKILL)
    assert server.process.wait(timeout=DEADLINE_SECONDS) != 0
    wait_until(
        lambda: session_processes(server.process.pid) == [], "clean exit", server
    )
    assert "the web server exited" in server.log.read_text()
