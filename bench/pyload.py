"""A threaded keep-alive HTTP load generator for bench/run.py, for machines without wrk."""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass


@dataclass
class Result:
    """One load run."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int = 0
    requests: int = 0


def python_load(url: str, seconds: float, connections: int, cookie: str) -> Result:
    """A threaded keep-alive load generator, for machines without wrk (less precise than wrk)."""
    host, port_path = url.split("//", 1)[1].split(":", 1)
    port, path = port_path.split("/", 1)
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    stop = time.perf_counter() + seconds

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", "/" + path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[n] += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except OSError:
                errors[n] += 1
                conn.close()
            latencies[n].append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples = sorted(x for part in latencies for x in part)
    return Result(
        len(samples) / seconds,
        samples[len(samples) // 2],
        samples[min(len(samples) - 1, int(len(samples) * 0.99))],
        sum(errors),
    )
