import time

from django.core.management.base import BaseCommand

from plans.services import progress_recompute


class Command(BaseCommand):
    help = "Recompute the progress of every target now (the nightly task does the same)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = progress_recompute()
        self.stdout.write(f"{count} targets recomputed in {time.perf_counter() - started:.2f} s")
