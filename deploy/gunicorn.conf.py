"""Gunicorn's settings for production: `gunicorn -c deploy/gunicorn.conf.py
calendar_site.wsgi`. Like Django's, every knob is an environment variable."""

import os

from gunicorn.glogging import Logger

from serving.logs import RedactTokens, redact_tokens

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


class RedactingLogger(Logger):
    """Gunicorn's logger, with self-service tokens taken out of every field of
    the access log (whatever access_log_format picks) and of the error log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact_tokens(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, RedactTokens) for f in self.error_log.filters):
            self.error_log.addFilter(RedactTokens())


logger_class = RedactingLogger

# The control socket lives in one fixed place per user, so two servers on one
# host would fight over it; nothing of ours uses it.
control_socket_disable = True
