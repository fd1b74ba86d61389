"""gunicorn's settings for Perspektive, shared by ``make run`` and every deployment (``gunicorn -c
gunicorn.conf.py``): above all the access-log format. gunicorn's default logs the request line with its query
string (``%(r)s``); the calendar feed's secret token is in the query string (``/calendar.ics?token=...``), so the
format logs the path without it (``%(U)s``) and never the query (``%(q)s``).

Environment: PERSPEKTIVE_BIND (default 127.0.0.1:8000), PERSPEKTIVE_WORKERS (default 2); the app reads its own
PERSPEKTIVE_* settings (docs/deployment.md)."""
import os

wsgi_app = "perspektive.worker:app"
bind = os.environ.get("PERSPEKTIVE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PERSPEKTIVE_WORKERS", "2"))
# A letter as PDF waits for LibreOffice (PDF_TIMEOUT_SECONDS, 60 s by default); gunicorn must not kill it first.
timeout = 90
graceful_timeout = 30
# Requests larger than this are refused before the app sees them (the app itself allows 2 MB bodies).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s"'
# The reverse proxy on the same host may say the request came by HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = "127.0.0.1,::1"
# No run-time control socket: nothing here uses it, and its default path (~/.gunicorn) would be shared by every
# gunicorn of the same user.
control_socket_disable = True
