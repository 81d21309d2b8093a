"""Drive a real SQLAlchemy QueuePool (SQLite) through a known sequence and log it with
contrib/sqlalchemy/pooltide_log.py; tests/test_contrib.c checks the rows.

Usage: /usr/bin/python3 tests/contrib/drive_queuepool.py OUT.csv

pool_size=1, max_overflow=0, pool_timeout=0.3:
  A checks out (opens the only connection: fresh) and holds it until B is asking, then 0.2 s;
  B asks once A has it: waits until A checks in, holds 0.1 s;
  C asks after B is done: takes the idle connection at once, holds it until D has given up,
    then 0.2 s more (so at least 0.5 s);
  D asks while C holds it: times out after 0.3 s (QueuePool's TimeoutError).
The order is kept by events, not by sleeps, so a loaded machine that delays a thread changes
the durations, never the sequence. Exit status 0 only when D did time out and the others did
not.
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "contrib", "sqlalchemy"))

from sqlalchemy import create_engine, exc, text  # noqa: E402
from sqlalchemy.pool import QueuePool  # noqa: E402

from pooltide_log import PoolLog  # noqa: E402


def main():
    out = sys.argv[1]
    db = out + ".sqlite"
    engine = create_engine("sqlite:///" + db, poolclass=QueuePool, pool_size=1, max_overflow=0,
                           pool_timeout=0.3, connect_args={"check_same_thread": False})
    log = PoolLog(engine, out, name="main")
    have_a = threading.Event()
    b_asking = threading.Event()
    c_has = threading.Event()
    d_done = threading.Event()
    failures = []

    def hold(name, seconds, got=None, asking=None, until=None):
        try:
            if asking:
                asking.set()
            with engine.connect() as conn:
                if got:
                    got.set()
                conn.execute(text("SELECT 1"))
                if until and not until.wait(60):
                    failures.append((name, "gave up waiting for the next step"))
                time.sleep(seconds)
        except Exception as e:  # noqa: BLE001
            failures.append((name, e))

    a = threading.Thread(target=hold, args=("A", 0.2, have_a, None, b_asking))
    a.start()
    have_a.wait()
    b = threading.Thread(target=hold, args=("B", 0.1, None, b_asking))
    b.start()
    a.join()
    b.join()
    c = threading.Thread(target=hold, args=("C", 0.2, c_has, None, d_done))
    c.start()
    c_has.wait()
    try:
        with engine.connect():
            failures.append(("D", "no timeout"))
    except exc.TimeoutError as e:
        print("D:", e)
    d_done.set()
    c.join()
    log.close()
    engine.dispose()
    os.remove(db)
    if failures:
        print("unexpected:", failures, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
