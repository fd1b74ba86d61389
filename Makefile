# make run   – set up .venv, migrate, load demo data, serve http://127.0.0.1:5000 with a Huey consumer (Ctrl-C stops)
# make test  – set up .venv with test extras and run the whole suite
# make bench – performance figures as ratios against baselines measured in the same run
# make messages – collect the marked messages into the English catalogue, where each waits for its English
# make lock  – pin the newest releases that pyproject.toml allows into requirements.lock (then `make test`)
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The exact release of every dependency, as a pip constraints file: `make install` (and so `make run`, `make test`
# and CI) and the deployment (docs/deployment.md) install these and nothing newer. `make lock` refreshes it.
LOCK   := requirements.lock
LOCK_VENV := .venv-lock
# English for the pages: messages are German in the code, their English in the .po; the .mo is built, not kept,
# and so is the .pot that `make messages` extracts (babel.cfg says from where).
PO     := perspektive/web/translations/en/LC_MESSAGES/messages.po
MO     := $(PO:.po=.mo)
POT    := perspektive/web/translations/messages.pot

.PHONY: install run test bench check messages lock

# Runs again whenever pyproject.toml or the lock changed: the constraints move every installed dependency to its
# locked release. pip itself is not locked.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[test]'
	$(BIN)/python -m pip check
	touch $(STAMP)

# A fresh venv with the newest releases pyproject.toml allows (no constraints), all extras, checked by pip check,
# then frozen (without perspektive itself, pip, setuptools and wheel) under a header that says how.
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/python -m pip install --quiet -e '.[test]'
	$(LOCK_VENV)/bin/python -m pip install --quiet async-timeout  # redis needs it below Python 3.11.3 (Debian 12)
	$(LOCK_VENV)/bin/python -m pip check
	{ echo "# The exact releases Perspektive is tested and deployed with: a pip constraints file"; \
	  echo "# (pip install -c requirements.lock ...), used by make install (make run, make test, CI) and by"; \
	  echo "# docs/deployment.md. Made by \`make lock\`: pip freeze --exclude-editable of a fresh venv with"; \
	  echo "# perspektive[test] (all extras) at the newest releases pyproject.toml allows, with"; \
	  echo "# $$($(LOCK_VENV)/bin/python -V) on $$(uname -m). Refresh: make lock && make test. async-timeout is installed on purpose before the"; \
	  echo "# freeze: redis needs it below Python 3.11.3, and Debian 12's Python is 3.11.2."; \
	  $(LOCK_VENV)/bin/python -m pip freeze --exclude-editable; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf $(LOCK_VENV)

$(MO): $(PO) $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d perspektive/web/translations -D messages -l en -i $(PO) -o $(MO)

# New messages arrive in the .po with an empty msgstr (tests/web/test_i18n.py fails until each has its English);
# messages gone from the code leave it. No fuzzy matching: a guessed translation would pass for a real one.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output -w 110 -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d perspektive/web/translations -D messages -l en --no-fuzzy-matching \
	  --ignore-obsolete -w 110

install: $(STAMP) $(MO)

run: $(STAMP) $(MO)
	@export PERSPEKTIVE_SECURE_COOKIES=false PERSPEKTIVE_SMTP_HOST=127.0.0.1 PERSPEKTIVE_SMTP_PORT=8025 \
	  PERSPEKTIVE_SMTP_SECURITY=none; \
	$(BIN)/flask --app app migrate && $(BIN)/flask --app app demo && \
	$(BIN)/flask --app app workflows check && \
	{ $(BIN)/python -m perspektive.devmail & mail=$$!; \
	  $(BIN)/huey_consumer app.huey -w 2 -k thread -m 1 & consumer=$$!; \
	  trap 'kill -INT $$consumer 2>/dev/null; kill $$mail 2>/dev/null; wait $$consumer $$mail' EXIT INT TERM; \
	  echo "Perspektive: http://127.0.0.1:5000 (Ctrl-C beendet)"; \
	  PERSPEKTIVE_BIND=127.0.0.1:5000 $(BIN)/gunicorn -c deploy/gunicorn.conf.py; }

test: $(STAMP) $(MO)
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check perspektive tests bench deploy
	$(BIN)/python -m pytest

bench: $(STAMP) $(MO)
	$(BIN)/python -m bench

check: $(STAMP) $(MO)
	$(BIN)/flask --app app workflows check
