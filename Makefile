# make run   – set up .venv, migrate, load demo data, serve http://127.0.0.1:5000 with a Huey consumer (Ctrl-C stops)
# make test  – set up .venv with test extras and run the whole suite
# make bench – performance figures as ratios against baselines measured in the same run
# make messages – collect the marked messages into the English catalogue, where each waits for its English
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# English for the pages: messages are German in the code, their English in the .po; the .mo is built, not kept,
# and so is the .pot that `make messages` extracts (babel.cfg says from where).
PO     := perspektive/web/translations/en/LC_MESSAGES/messages.po
MO     := $(PO:.po=.mo)
POT    := perspektive/web/translations/messages.pot

.PHONY: install run test bench check messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

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
