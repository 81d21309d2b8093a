"""pooltide_log: record every connection checkout of a SQLAlchemy pool as one CSV row.

Add it where the engine is created::

    from pooltide_log import PoolLog
    engine = create_engine(url, pool_size=10, max_overflow=0, pool_timeout=30)
    PoolLog(engine, "pool-{pid}.csv", name="main")

Columns (what `pooltide fit` and `pooltide validate` read by default):

    time    when the checkout was requested (Unix time, seconds)
    wait    seconds until the connection was handed over, or until the pool gave up
    hold    seconds the connection was checked out (empty unless status is ok)
    status  ok, timeout (sqlalchemy.exc.TimeoutError: "QueuePool limit of size ... reached,
            connection timed out, timeout ...") or error (any other failure to check out)
    pool    the name given here
    pid     the process id: `pooltide fit` counts each process's pool apart
    fresh   1 when the checkout opened a new DBAPI connection (the pool's "connect" event)

A process's rows are written in order of request time (a row waits until every earlier request
of this process is complete). Several processes may share one file (no {pid} in the path, as
gunicorn or uvicorn workers would): the header is written once, by whoever finds the file
empty, and each flush appends whole lines in one write under a POSIX record lock (lockf), so
the processes' rows interleave in blocks, each process's in order, which is what `pooltide fit`
reads. A forked child (gunicorn --preload) drops the rows it inherited and writes its own pid.
Costs per checkout: two clock reads, a dict update and a CSV row under a lock; rows are
buffered and flushed every `flush_every` rows and at exit.

How: Engine.connect() and Session take connections through pool.connect(); PoolLog replaces
that method on this pool object with a thin wrapper that notes the request time and catches
the timeout, and listens to the pool's "connect", "checkout" and "checkin" events for the
rest. Call it again after engine.dispose() (which makes a new pool). Works with SQLAlchemy 1.4
and 2.0.
"""
import atexit
import csv
import fcntl
import io
import os
import threading
import time

from sqlalchemy import event, exc

COLUMNS = ("time", "wait", "hold", "status", "pool", "pid", "fresh")
_KEY = "pooltide_log"


class PoolLog:
    def __init__(self, engine, path, name="main", flush_every=1000):
        self.name = name
        self.pid = os.getpid()
        self.path = path.format(pid=self.pid)
        self._pool = engine.pool
        self._lock = threading.Lock()
        self._local = threading.local()
        self._seq = 0          # requests so far
        self._next = 0         # the next request whose row is due
        self._done = {}        # seq -> row, completed but behind an earlier open request
        self._unflushed = 0
        self._flush_every = flush_every
        self._buf = io.StringIO()
        self._csv = csv.writer(self._buf, lineterminator="\n")
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        header = io.StringIO()
        csv.writer(header, lineterminator="\n").writerow(COLUMNS)
        self._append(header.getvalue(), only_if_empty=True)
        os.register_at_fork(after_in_child=self._after_fork)
        event.listen(self._pool, "connect", self._on_connect)
        event.listen(self._pool, "checkout", self._on_checkout)
        event.listen(self._pool, "checkin", self._on_checkin)
        self._connect = self._pool.connect
        self._pool.connect = self._checkout
        atexit.register(self.close)

    # the wrapper around pool.connect(): the request time and a failed checkout
    def _checkout(self):
        with self._lock:
            seq = self._seq
            self._seq += 1
            requested = time.time()  # inside the lock: times ascend with seq
        t0 = time.perf_counter()
        self._local.pending = (seq, requested, t0)
        self._local.fresh = False
        try:
            return self._connect()
        except exc.TimeoutError:
            self._finish(seq, requested, time.perf_counter() - t0, None, "timeout", False)
            raise
        except Exception:
            self._finish(seq, requested, time.perf_counter() - t0, None, "error",
                         self._local.fresh)
            raise
        finally:
            self._local.pending = None

    def _on_connect(self, dbapi_connection, connection_record):
        self._local.fresh = True

    def _on_checkout(self, dbapi_connection, connection_record, connection_proxy):
        pending = getattr(self._local, "pending", None)
        if pending is None:  # a checkout that did not come through pool.connect()
            return
        seq, requested, t0 = pending
        acquired = time.perf_counter()
        connection_record.info[_KEY] = (seq, requested, acquired - t0, acquired,
                                        self._local.fresh)

    def _on_checkin(self, dbapi_connection, connection_record):
        noted = connection_record.info.pop(_KEY, None)
        if noted is None:
            return
        seq, requested, wait, acquired, fresh = noted
        self._finish(seq, requested, wait, time.perf_counter() - acquired, "ok", fresh)

    def _append(self, data, only_if_empty=False):
        """Append whole lines in one write under the file's record lock (other processes
        may append to the same file); only_if_empty: only into an empty file (the header)."""
        raw = data.encode()
        fcntl.lockf(self._fd, fcntl.LOCK_EX)
        try:
            if only_if_empty and os.fstat(self._fd).st_size > 0:
                return
            while raw:
                raw = raw[os.write(self._fd, raw):]
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN)

    def _flush(self):
        data = self._buf.getvalue()
        if data:
            self._append(data)
            self._buf.seek(0)
            self._buf.truncate()
        self._unflushed = 0

    def _after_fork(self):
        # the child's own rows from here: the parent's pending ones stay the parent's
        self._lock = threading.Lock()
        self.pid = os.getpid()
        self._buf.seek(0)
        self._buf.truncate()
        self._done.clear()
        self._next = self._seq
        self._unflushed = 0

    def _finish(self, seq, requested, wait, hold, status, fresh):
        row = ("%.6f" % requested, "%.6f" % wait, "" if hold is None else "%.6f" % hold,
               status, self.name, self.pid, 1 if fresh else 0)
        with self._lock:
            self._done[seq] = row
            while self._next in self._done:
                self._csv.writerow(self._done.pop(self._next))
                self._next += 1
                self._unflushed += 1
            if self._unflushed >= self._flush_every:
                self._flush()

    def close(self):
        """Write what is complete and close the file (also done at exit)."""
        with self._lock:
            if self._fd < 0:
                return
            for seq in sorted(self._done):  # rows behind a request still open at exit
                self._csv.writerow(self._done[seq])
            self._done.clear()
            self._flush()
            os.close(self._fd)
            self._fd = -1
