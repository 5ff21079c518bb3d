"""Gunicorn's settings for production: `gunicorn -c calendar_site/gunicorn.conf.py
calendar_site.wsgi`. Like Django's, every knob is an environment variable."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000").split(",")

# Gunicorn's rule of thumb, capped: each worker holds a database connection,
# and several app servers share one PostgreSQL.
workers = int(
    os.environ.get("WEB_CONCURRENCY") or min(2 * (os.cpu_count() or 1) + 1, 8)
)

# The proxies trusted to say, in X-Forwarded-Proto, that the request came
# over HTTPS. Pair with BEHIND_PROXY=1 for Django.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# A page renders in well under a second; a worker stuck for 30 is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5

# Logs to stdout/stderr, for the process manager to keep.
accesslog = "-"
errorlog = "-"

# The control socket lives in one fixed place per user, so two servers on one
# host would fight over it; nothing of ours uses it.
control_socket_disable = True
