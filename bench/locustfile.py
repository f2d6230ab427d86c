"""Leaders reading the dashboard, for `make bench` (plans/management/commands/bench_dashboard.py).

BENCH_USERS: comma-separated usernames to log in as (one per simulated user, round robin);
BENCH_PASSWORD: their password; BENCH_PLANS: plan ids each user may open, per username
("name=1 2 3;name2=4 5"). THINK=0 removes the 1–3 s pause between pages (saturation run).
"""

import datetime
import itertools
import os
import random

from locust import FastHttpUser, between, constant, task

REPORTING_YEAR = datetime.date.today().year - 1
USERS = itertools.cycle(os.environ["BENCH_USERS"].split(","))
PLANS = {
    name: [int(pk) for pk in ids.split()]
    for name, ids in (item.split("=") for item in os.environ["BENCH_PLANS"].split(";"))
}


class Leader(FastHttpUser):
    # FastHttpUser: the load tool shares the machine's two cores with gunicorn; it costs a
    # fraction of HttpUser's CPU.
    wait_time = constant(0) if os.environ.get("THINK") == "0" else between(1, 3)

    def on_start(self):
        self.username = next(USERS)
        self.client.get("/login/", name="login")
        token = next(cookie.value for cookie in self.client.cookiejar if cookie.name == "csrftoken")
        self.client.post(
            "/login/",
            {"username": self.username, "password": os.environ["BENCH_PASSWORD"], "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/login/"},
            name="login",
        )

    @task(3)
    def overview(self):
        self.client.get("/", name="overview")

    @task(2)
    def plan(self):
        self.client.get(f"/plans/{random.choice(PLANS[self.username])}/", name="plan")

    @task(1)
    def reporting(self):
        # Who has reported: the provinces' yearly reports of last year (issue 16).
        self.client.get(f"/reporting/?year={REPORTING_YEAR}", name="reporting")
