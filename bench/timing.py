"""What every bench times with: the 95th percentile, a GET that must answer 200, and a timed page.

Shared so that every bench reports the same statistic the same way.
"""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def percentile_95(samples):
    """The 95th percentile of the samples (inclusive method); a single sample is its own."""
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def get_ok(client, url):
    """GET ``url``; a bench that timed a redirect or an error page would time the wrong thing."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(
            f"GET {url} answered {response.status_code} {response.get('Location', '')}, not 200"
        )
    return response


def time_page_ms(client, url, repeats):
    """Median and p95 ms of ``repeats`` GETs after one warm-up, and the queries one GET makes."""
    get_ok(client, url)  # warm-up: caches filled, as on a live site
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        get_ok(client, url)
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, url)
    return statistics.median(samples), percentile_95(samples), len(queries)
