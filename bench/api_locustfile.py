"""Systems reading the API, for `make bench` (api/management/commands/bench_api.py).

BENCH_TOKENS: comma-separated API tokens (one per simulated user, round robin: a national
leader's first, then provincial leaders'); BENCH_YEAR: the year the counts and figures ask for.
"""

import itertools
import os

from locust import FastHttpUser, between, task

TOKENS = itertools.cycle(os.environ["BENCH_TOKENS"].split(","))
YEAR = os.environ.get("BENCH_YEAR", "2025")


class System(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.headers = {"Authorization": f"Bearer {next(TOKENS)}"}

    def get(self, path, name):
        self.client.get(path, headers=self.headers, name=name)

    @task(3)
    def organisations(self):
        self.get("/api/v1/organisations/?kind=htx", "organisations")

    @task(2)
    def organisations_rated(self):
        self.get("/api/v1/organisations/?kind=htx&rating=good", "organisations_rated")

    @task(2)
    def figures(self):
        self.get(f"/api/v1/figures/?year={YEAR}", "figures")

    @task(3)
    def targets(self):
        self.get("/api/v1/targets/?page_size=50", "targets")

    @task(1)
    def plans(self):
        self.get("/api/v1/plans/", "plans")

    @task(2)
    def counts(self):
        self.get(f"/api/v1/counts/?year={YEAR}", "counts")

    @task(1)
    def provinces(self):
        self.get("/api/v1/provinces/", "provinces")
