# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
ADMIN_UNITS ?= ../shared/data/admin_units/derived
MAPS ?= ../shared/data/maps

# `var` is a folder, made before anything writes there (the SQLite database, static files).
.PHONY: chromium run serve test lint fmt migrate demo bench clean messages

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Debian packages (libpq-dev; Chromium for the browser tests) are installed when missing:
# bin/system-packages says what to run where it is not root.
$(VENV)/.installed: requirements.txt | $(PY)
	bin/system-packages run
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# DEBUG is off unless set (coop_tracker/settings.py): the development targets turn it on, each
# command explicitly; `serve` and `bench` turn it off.
DEV := DEBUG=true

# The compiled catalogues (.mo) are committed so that a machine without gettext serves English;
# with gettext installed, this refreshes them from the .po files (a build step, which needs no key).
messages: $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then $(DEV) $(PY) manage.py compilemessages --ignore .venv --ignore var -v0; \
	else echo "gettext is not installed: using the committed .mo files"; fi

var:
	mkdir -p var

migrate: $(VENV)/.installed messages | var
	$(DEV) $(PY) manage.py migrate --no-input

demo: migrate
	@if [ -d "$(ADMIN_UNITS)" ]; then $(DEV) $(PY) manage.py import_admin_units $(ADMIN_UNITS); \
	else echo "No administrative-unit lists at $(ADMIN_UNITS): set ADMIN_UNITS=... to load communes."; fi
	@if [ -d "$(MAPS)" ]; then $(DEV) $(PY) manage.py import_province_maps $(MAPS); \
	else echo "No province maps at $(MAPS): set MAPS=... to draw the maps."; fi
	$(DEV) $(PY) manage.py load_demo

run: demo
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

# Production on this host: web (gunicorn + whitenoise), Celery worker and beat, from the Procfile,
# against DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis or RabbitMQ), with DEBUG=false.
# PROCESSES="web" (or "worker", "web worker"…) runs only some of them: see README, "Production serving".
# MIGRATE=0 on all web and worker hosts but the one that migrates a release (README).
MIGRATE ?= 1
serve: $(VENV)/.installed messages
	@test -n "$$DATABASE_URL" -a -n "$$CELERY_BROKER_URL" -a -n "$$SECRET_KEY" \
		|| { echo "Set DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY and ALLOWED_HOSTS (README, Production serving)"; exit 1; }
	DEBUG=false $(PY) manage.py check --deploy --fail-level ERROR
	@if [ "$(MIGRATE)" != "0" ]; then DEBUG=false $(PY) manage.py migrate --no-input; fi
	DEBUG=false $(PY) manage.py collectstatic --no-input -v0
	DEBUG=false PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bin/serve

# The browser tests drive Debian's Chromium at /usr/bin/chromium: installed (apt-get, as root)
# before anything else when it is missing; otherwise bin/system-packages says what to run.
chromium:
	bin/system-packages test

test: chromium $(VENV)/.installed-dev messages | var
	$(DEV) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(DEV) $(VENV)/bin/pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The benchmarks run on PostgreSQL and Redis (DEVELOPERS.md's local services); the
# synthetic national data set is built once in its own database and kept.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/coop_tracker_bench
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/1
BENCH_ENV = DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) DEBUG=false \
	SECRET_KEY=bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz ALLOWED_HOSTS=127.0.0.1,localhost \
	SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0 \
	CACHE_URL=redis://127.0.0.1:6379/6

$(VENV)/.installed-bench: requirements-bench.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

bench: $(VENV)/.installed-bench messages
	psql "$(dir $(BENCH_DATABASE_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'coop_tracker_bench'" \
		| grep -q 1 || psql "$(dir $(BENCH_DATABASE_URL))postgres" -c "CREATE DATABASE coop_tracker_bench"
	$(BENCH_ENV) $(PY) manage.py migrate --no-input -v0
	$(BENCH_ENV) $(PY) manage.py bench_progress
	$(BENCH_ENV) $(PY) manage.py collectstatic --no-input -v0
	$(BENCH_ENV) $(PY) manage.py bench_dashboard
	$(BENCH_ENV) $(PY) manage.py bench_pages
	$(BENCH_ENV) $(PY) manage.py bench_api
	$(BENCH_ENV) $(PY) manage.py bench_import
	$(BENCH_ENV) $(PY) manage.py bench_export

clean:
	rm -rf var .pytest_cache
