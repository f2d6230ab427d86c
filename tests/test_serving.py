"""Production serving on real processes: the Procfile's web (gunicorn with whitenoise) and worker
(Celery), with production settings, against PostgreSQL and Redis; a member of staff logs in over
HTTP, adds an organisation, and /health/ reports the recompute the worker ran; beat starts.

Marked `worker`: it needs PostgreSQL and Redis, and fails without them when CI requires them
(REQUIRE_SERVICES=1). It runs outside any test transaction (the processes only see committed
rows), before the worker test that empties the database (tests/conftest.py).
"""

import datetime
import http.client
import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from cooperatives.models import AdminUnit
from plans.models import RecomputeSchedule
from tests.workers import REQUIRED, SERVICES, require_services, wait_for

BASE = Path(settings.BASE_DIR)
pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not SERVICES and not REQUIRED, reason="needs PostgreSQL and Redis"),
]


def procfile():
    lines = (BASE / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def production(tmp_path, django_db_setup, django_db_blocker):
    """The environment of a production host, pointed at the test database and a free port."""
    require_services()
    db = connection.settings_dict
    port = free_port()
    # A production host: the project's own settings module, DEBUG off (the test run's are tests.settings, on).
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        PATH=f"{Path(sys.executable).parent}:{env['PATH']}",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        STATIC_ROOT=str(tmp_path / "static"),
        WEB_BIND=f"127.0.0.1:{port}",
        PROXY_COUNT="1",  # the test speaks plain HTTP and says, as a TLS proxy would, that it was HTTPS
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], env=env, cwd=BASE, check=True, timeout=300)
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "coop_tracker", "purge", "-f"], env=env, check=True, timeout=60
    )
    with django_db_blocker.unblock():  # committed: the processes must see it
        RecomputeSchedule.objects.update_or_create(pk=1, defaults={"queued_at": None})
    processes = {}

    def start(name, extra=""):
        log = tmp_path / f"{name}.log"
        with log.open("w") as out:
            processes[name] = (
                subprocess.Popen(shlex.split(procfile()[name] + extra), env=env, cwd=BASE, stdout=out, stderr=out),
                log,
            )
        return log

    yield port, start, django_db_blocker
    for process, log in processes.values():
        process.terminate()
        process.wait(timeout=30)
        print(f"--- {log.name}\n{log.read_text()[-6000:]}")


class HttpsBehindProxy:
    """A client that keeps cookies itself (they are Secure) and says it came over HTTPS."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {
            "X-Forwarded-Proto": "https",
            "Origin": f"https://127.0.0.1:{self.port}",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
            **(headers or {}),
        }
        body = urlencode(form) if form is not None else None
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body, sent)
        response = connection.getresponse()
        response.body = response.read()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";")[0]
        connection.close()
        return response

    def form_token(self, path):
        page = self.request("GET", path).body.decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def health(self):
        return json.loads(self.request("GET", "/health/").body)


def test_gunicorn_and_a_celery_worker_serve_a_staff_member_over_http(production):
    port, start, blocker = production
    worker_log = start("worker", " --concurrency 1 --without-mingle --without-gossip")
    assert wait_for(lambda: "ready." in worker_log.read_text(), seconds=60), worker_log.read_text()
    web_log = start("web")
    client = HttpsBehindProxy(port)
    assert wait_for(lambda: _answers(port), seconds=60), web_log.read_text()
    before = client.health()
    assert (before["database"], before["broker"]) == ("ok", "ok")

    login = {
        "username": "canbo.bacninh",
        "password": "coop-staff-2026",
        "csrfmiddlewaretoken": client.form_token("/login/"),
    }
    response = client.request("POST", "/login/", login)
    assert (response.status, response.headers["Location"]) == (302, "/")
    assert "Secure" in str(response.headers.get_all("Set-Cookie"))
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]

    overview = client.request("GET", "/")
    assert overview.status == 200 and "Tiến độ thực hiện kế hoạch" in overview.body.decode()
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', overview.body.decode()).group(1)
    static = client.request("GET", stylesheet, headers={"Accept-Encoding": "gzip"})
    assert (static.status, static.headers["Content-Encoding"]) == (200, "gzip")
    assert "immutable" in static.headers["Cache-Control"]

    with blocker.unblock():
        commune = AdminUnit.objects.communes().of_structure("34").filter(parent__code="24").order_by("code")[0]
    organisation = {
        "kind": "htx", "registration_code": "2400999001", "name": "HTX Thử qua gunicorn",
        "sector": "agriculture", "commune": commune.pk, "founded_on": datetime.date.today().isoformat(),
        "status": "active", "csrfmiddlewaretoken": client.form_token("/registry/new/"),
    }  # fmt: skip
    response = client.request("POST", "/registry/new/", organisation)
    assert response.status == 302, response.body.decode()[-3000:]

    assert wait_for(lambda: client.health()["last_recompute"] != before["last_recompute"], seconds=30), (
        worker_log.read_text()
    )
    assert "recompute_pending_progress" in worker_log.read_text()
    assert client.request("POST", "/logout/", {"csrfmiddlewaretoken": client.form_token("/")}).status == 302
    access = [json.loads(line) for line in web_log.read_text().splitlines() if '"gunicorn.access"' in line]
    assert any(
        line["method"] == "POST" and line["path"] == "/registry/new/" and line["status"] == "302" for line in access
    )

    beat_log = start("beat")
    assert wait_for(lambda: "beat: Starting" in beat_log.read_text(), seconds=60), beat_log.read_text()


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
