#!/bin/sh
# nats-server as the test harness starts it, plus its HTTP monitoring port (NATS_MONITOR_PORT),
# for messages-per-job.mjs, which points NATS_SERVER_BIN here.
exec "${NATS_SERVER_REAL_BIN:-nats-server}" "$@" -m "${NATS_MONITOR_PORT:?NATS_MONITOR_PORT is not set}"
