"""Issue 11, point 5: slow clients cannot stall the site. nginx, run with
the shipped ``deploy/nginx/almanac.conf``, stands in front of gunicorn with
ONE sync worker (which, reached directly, serves one connection at a time,
start to finish). Eight clients send their requests a line, or a byte, at a
time; another visitor still gets a page, and the slow ones get theirs once
they finish.

Nothing here measures time: each wait has only a generous guard against a
hung server.
"""

import socket
import threading
from collections.abc import Callable

import pytest

from .servers import (
    DEADLINE,
    NGINX,
    OPENSSL,
    Nginx,
    read_response_head,
    status_of,
)

pytestmark = [
    pytest.mark.skipif(
        NGINX is None,
        reason="nginx is not installed: `make test` installs it as root "
        "(or apt-get install nginx)",
    ),
    pytest.mark.skipif(
        OPENSSL is None,
        reason="openssl is not installed: `make test` installs it as root "
        "(or apt-get install openssl)",
    ),
]

SLOW_CLIENTS = 8


@pytest.fixture(scope="module")
def nginx(gunicorn, tmp_path_factory):
    # The shipped timeouts close a client that takes 10 s over its headers.
    # This test shows the buffering, not the timeout, so the slow clients
    # are given all the time they need: on a busy machine the visitor's page
    # might otherwise come after they were cut off, and prove nothing.
    server = Nginx(
        tmp_path_factory.mktemp("nginx"),
        upstream_port=gunicorn.port,
        overrides={
            "client_header_timeout 10s;": "client_header_timeout 300s;",
            "client_body_timeout 10s;": "client_body_timeout 300s;",
        },
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()


def get(nginx: Nginx, path: str, **headers: str) -> tuple[bytes, bytes]:
    """One complete request, as a browser sends it: the response's head and
    its body."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with nginx.connect() as conn:
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


class SlowClient(threading.Thread):
    """Sends ``start``, then ``piece(n)`` every half second until told to
    finish, then ``end(pieces sent)``, and reads the status of the answer."""

    def __init__(
        self,
        nginx: Nginx,
        start: bytes,
        piece: Callable[[int], bytes],
        end: Callable[[int], bytes],
    ):
        super().__init__(daemon=True)
        self.nginx, self.head, self.piece, self.end = nginx, start, piece, end
        self.sending = threading.Event()
        self.finish = threading.Event()
        self.status: int | None = None
        self.error: BaseException | None = None

    def run(self):
        try:
            with self.nginx.connect() as conn:
                conn.sendall(self.head)
                self.sending.set()
                pieces = 0
                while not self.finish.wait(0.5):
                    conn.sendall(self.piece(pieces))
                    pieces += 1
                conn.sendall(self.end(pieces))
                self.status = status_of(read_response_head(conn))
        except BaseException as error:  # reported by the test
            self.error = error
            self.sending.set()


def header_trickler(nginx: Nginx) -> SlowClient:
    """A GET whose headers come a line at a time."""
    return SlowClient(
        nginx,
        b"GET /accessibility/ HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        lambda n: f"X-Slow-{n}: still typing\r\n".encode(),
        lambda _pieces: b"Connection: close\r\n\r\n",
    )


BODY_SIZE = 100_000


def body_trickler(nginx: Nginx) -> SlowClient:
    """A form POST whose body comes a byte at a time (it is long enough never
    to run out before it is told to finish; then the rest goes at once)."""
    head = (
        "POST /events/no-such-event/register/ HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {BODY_SIZE}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    return SlowClient(
        nginx, head, lambda _n: b"x", lambda pieces: b"x" * (BODY_SIZE - pieces)
    )


@pytest.mark.parametrize(
    ("make_client", "finished_status"),
    [
        pytest.param(header_trickler, 200, id="headers a line at a time"),
        pytest.param(body_trickler, 403, id="a form a byte at a time"),
    ],
)
def test_slow_clients_do_not_stall_the_site(nginx, make_client, finished_status):
    """While eight slow clients are still sending, another visitor gets the
    home page; each slow client, once it finishes, gets its answer (the
    accessibility page; for the form, the CSRF refusal), so each held its
    connection open throughout."""
    clients = [make_client(nginx) for _ in range(SLOW_CLIENTS)]
    for client in clients:
        client.start()
    try:
        for client in clients:
            assert client.sending.wait(DEADLINE), "a slow client never connected"
            assert client.error is None, client.error
        head, body = get(nginx, "/")
    finally:
        for client in clients:
            client.finish.set()
        for client in clients:
            client.join(DEADLINE)
    assert status_of(head) == 200, head
    assert b"</html>" in body
    for client in clients:
        assert client.error is None, client.error
        assert client.status == finished_status, nginx.log()


def test_plain_http_is_sent_to_https(nginx):
    """The port-80 server only redirects to the same address over HTTPS."""
    with socket.create_connection(("127.0.0.1", nginx.http_port), DEADLINE) as conn:
        conn.sendall(b"GET /events/?q=1 HTTP/1.1\r\nHost: calendar.example.org\r\n\r\n")
        head = read_response_head(conn)
    assert status_of(head) == 301
    assert b"\r\nLocation: https://calendar.example.org/events/?q=1" in head


def test_an_oversized_body_is_refused_by_nginx(nginx):
    """A body over client_max_body_size (10 MB) is answered 413 by nginx as
    soon as it says its size: gunicorn never waits for it."""
    with nginx.connect() as conn:
        conn.sendall(
            b"POST /events/x/register/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 11000000\r\n\r\n"
        )
        assert status_of(read_response_head(conn)) == 413
