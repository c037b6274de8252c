"""The Celery client of the baseline, as the original API used it: apply_async to add a
task, app.control.revoke(id, terminate=True, signal="SIGKILL") to cancel one.

Commands on stdin, one per line, answered on stdout in the order they are done:
  add <id>                      bench.solve.apply_async(args=[request], task_id=id)
  long <id> <n_iters> <latency> bench.long_solve.apply_async(...), a task to revoke
  revoke <id>                   app.control.revoke(id, terminate=True, signal="SIGKILL")
Answer: "<command> <id> <epoch ms before the call> <epoch ms after it>", or
"error <command> <id> <message>". Prints "ready" once connected. Exits at end of input.
"""
import json
import os
import sys
import time

from celery_app import app, long_solve, solve

REQUEST = json.loads(os.environ["BENCH_CELERY_REQUEST"])


def main():
    # Connect (and declare the queue) before the first measured command.
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=3)
    print("ready", flush=True)
    out = sys.stdout
    for line in sys.stdin:
        parts = line.split()
        if len(parts) < 2:
            continue
        command, task_id = parts[0], parts[1]
        try:
            before = time.time()
            if command == "add":
                solve.apply_async(args=[REQUEST], task_id=task_id)
            elif command == "long":
                long_solve.apply_async(args=[REQUEST, int(parts[2]), float(parts[3])], task_id=task_id)
            elif command == "revoke":
                app.control.revoke(task_id, terminate=True, signal="SIGKILL")
            else:
                raise ValueError(f"unknown command {command!r}")
            after = time.time()
            out.write(f"{command} {task_id} {before * 1000:.3f} {after * 1000:.3f}\n")
        except Exception as error:  # noqa: BLE001 - reported to the benchmark, which fails the run
            message = f"{type(error).__name__}: {error}".replace("\n", " ")
            out.write(f"error {command} {task_id} {message}\n")
        out.flush()


if __name__ == "__main__":
    main()
