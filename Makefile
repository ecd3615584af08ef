# 京质贷 portal — developer entry points. See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= jingzhidai.settings.local

.PHONY: run test install lint messages check-messages worker beat clean

$(VENV)/.installed: requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（$(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Portal: http://127.0.0.1:$(PORT)/"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Whole suite. SQLite by default; PostgreSQL when DATABASE_URL is set.
test: install
	DJANGO_SETTINGS_MODULE=jingzhidai.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

messages: install
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --no-location --ignore=.venv --ignore=bench --ignore=tests --ignore=.ci
	$(PY) manage.py compilemessages --ignore=.venv

worker: install
	$(VENV)/bin/celery -A jingzhidai worker -l info

beat: install
	$(VENV)/bin/celery -A jingzhidai beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
