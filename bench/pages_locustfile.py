"""Every page type, as the roles that use it, for `make bench` (plans/management/commands/bench_pages.py).

BENCH_PAGES: a JSON list, one entry per simulated user: {"username", "pages": {name: [paths]}};
each user logs in as its account and asks for one of its pages (a path drawn among the page's)
after each 1–3 s pause. BENCH_PASSWORD: the accounts' password.
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, between, task

ACCOUNTS = itertools.cycle(json.loads(os.environ["BENCH_PAGES"]))


class Person(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        account = next(ACCOUNTS)
        self.pages = list(account["pages"].items())
        self.client.get("/login/", name="login")
        token = next(cookie.value for cookie in self.client.cookiejar if cookie.name == "csrftoken")
        self.client.post(
            "/login/",
            {"username": account["username"], "password": os.environ["BENCH_PASSWORD"], "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/login/"},
            name="login",
        )

    @task
    def page(self):
        name, paths = random.choice(self.pages)
        self.client.get(random.choice(paths), name=name)
