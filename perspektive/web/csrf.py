"""The one CSRF guard of the app: every POST of every page needs its token; the JSON API exempts itself and checks
the header instead (``api``)."""
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
