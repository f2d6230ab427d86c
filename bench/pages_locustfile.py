"""Every page type, as the roles that use it, for `make bench` (plans/management/commands/bench_pages.py).

BENCH_PAGES: a JSON list, one entry per simulated user: {"username", "cookie", "pages": {name:
[paths]}}; each user reads as its account (the session cookie bench_pages made for it) one of
its pages (a path drawn among the page's) after each 1–3 s pause.
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
        self.headers = {"Cookie": account["cookie"]}

    @task
    def page(self):
        name, paths = random.choice(self.pages)
        # Not redirected: a page answered with the login form (an expired session) is a failure.
        path = random.choice(paths)
        with self.client.get(path, name=name, headers=self.headers, allow_redirects=False, catch_response=True) as got:
            if got.status_code != 200:
                got.failure(f"{path}: {got.status_code}")
