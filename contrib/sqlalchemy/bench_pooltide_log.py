"""What pooltide_log costs per checkout: 50 000 checkouts and checkins of a QueuePool (SQLite,
no query) without and with the logger, three rounds.

Usage (from the repository root): /usr/bin/python3 contrib/sqlalchemy/bench_pooltide_log.py
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.pool import QueuePool  # noqa: E402

from pooltide_log import PoolLog  # noqa: E402

N = 50000


def bench(folder, log):
    engine = create_engine("sqlite:///" + os.path.join(folder, "bench.sqlite"),
                           poolclass=QueuePool, pool_size=2, max_overflow=0)
    logger = PoolLog(engine, os.path.join(folder, "bench-{pid}.csv")) if log else None
    engine.raw_connection().close()
    t = time.perf_counter()
    for _ in range(N):
        engine.raw_connection().close()
    per = (time.perf_counter() - t) / N
    if logger:
        logger.close()
    engine.dispose()
    return per


def main():
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(3):
            a, b = bench(folder, False), bench(folder, True)
            print("checkout + checkin: %.1f us without the logger, %.1f us with it (+%.1f us)"
                  % (a * 1e6, b * 1e6, (b - a) * 1e6))


if __name__ == "__main__":
    main()
