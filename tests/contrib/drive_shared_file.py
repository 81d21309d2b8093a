"""Two processes log to one file with contrib/sqlalchemy/pooltide_log.py, as gunicorn workers
forked from a master that created the engine (--preload) would; tests/test_contrib.c reads it.

Usage: /usr/bin/python3 tests/contrib/drive_shared_file.py OUT.csv

The parent creates the engine (a SQLite QueuePool of 2) and the PoolLog on OUT.csv (no {pid}
in the path), makes no checkout, and forks two children. Each child runs 40 checkouts from 2
threads (20 each, holding 2 ms) with rows flushed every 5, so the two processes append to the
file at the same time. Then the parent waits for both. OUT.csv.pids gets the children's pids,
one a line. Exit status 0 only when both children exited 0.
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "contrib", "sqlalchemy"))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.pool import QueuePool  # noqa: E402

from pooltide_log import PoolLog  # noqa: E402


def child(engine, log):
    def work():
        for _ in range(20):
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                time.sleep(0.002)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()


def main():
    out = sys.argv[1]
    engine = create_engine("sqlite:///" + out + ".sqlite", poolclass=QueuePool, pool_size=2,
                           max_overflow=0, pool_timeout=30,
                           connect_args={"check_same_thread": False})
    log = PoolLog(engine, out, name="main", flush_every=5)
    pids = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                child(engine, log)
                status = 0
            finally:
                os._exit(status)
        pids.append(pid)
    ok = all(os.waitpid(p, 0)[1] == 0 for p in pids)
    with open(out + ".pids", "w") as f:
        f.write("".join("%d\n" % p for p in pids))
    os.remove(out + ".sqlite")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
