"""The Celery baseline: the original system's stack (Celery 5, Redis broker and result
backend, prefork pool) running the same trivial work as the Crux and BullMQ lifecycle runs.

Environment: BENCH_CELERY_BROKER (a redis:// URL); BENCH_CELERY_BACKEND (the same URL for
the worker, which stores every result; unset for the client, which sends and revokes but
never waits for a result, so apply_async does not subscribe to each task's result).
Celery's defaults otherwise (JSON, prefetch multiplier 4, results kept for a day).
"""
import hashlib
import os
import sys
import time

from celery import Celery
from celery.signals import worker_ready

app = Celery(
    "crux_bench",
    broker=os.environ["BENCH_CELERY_BROKER"],
    backend=os.environ.get("BENCH_CELERY_BACKEND") or None,
)


def _solve(request, started):
    """A draft and a review, each a sha256 of the text: the simulated provider at 0 ms with n_iters 1."""
    question = request["question"]
    ref = hashlib.sha256(question.encode()).hexdigest()[:8]
    output = f'[bench] draft r1 ref {ref}: an answer to "{question}"'
    review = hashlib.sha256(output.encode()).hexdigest()
    return {
        "output": output,
        "iterations": 1,
        "total_tokens": -(-(len(question) + len(output)) // 4),
        "processing_time": time.time() - started,
        "converged": False,
        "stop_reason": "max_iters",
        # started_at: when the task body began, for the benchmark's stage table (epoch ms).
        "metadata": {"review": review[:8], "started_at": started * 1000},
    }


@app.task(name="bench.solve")
def solve(request):
    return _solve(request, time.time())


@app.task(name="bench.long_solve", track_started=True)
def long_solve(request, n_iters, latency_s):
    """A job still running when it is revoked: n_iters model calls of latency_s each.

    track_started makes the worker store a STARTED state naming the pool child's pid."""
    started = time.time()
    for _ in range(n_iters):
        time.sleep(latency_s)
        hashlib.sha256(request["question"].encode()).hexdigest()
    return _solve(request, started)


@worker_ready.connect
def _ready(**_):
    print("celery-worker ready", flush=True)
    sys.stdout.flush()
