#!/bin/sh
# Writes <out-dir>/users.acl and <out-dir>/redis.conf for redis-server, with the passwords from
# the environment, so no file in the repository holds one:
#   CRUX_REDIS_JOB_STATE_PASSWORD  job-state's user (crux-job-state)
#   CRUX_REDIS_REPLICA_PASSWORD    the user a replica replicates with (crux-replica)
#   CRUX_REDIS_PRIMARY_HOST        set on a replica only: the primary to follow (port 6379)
# Passwords: letters and digits only (they are put into URLs and through sed).
set -eu
out=${1:?usage: render-config.sh <out-dir>}
here=$(cd "$(dirname "$0")" && pwd)
: "${CRUX_REDIS_JOB_STATE_PASSWORD:?set CRUX_REDIS_JOB_STATE_PASSWORD}"
: "${CRUX_REDIS_REPLICA_PASSWORD:?set CRUX_REDIS_REPLICA_PASSWORD}"
for password in "$CRUX_REDIS_JOB_STATE_PASSWORD" "$CRUX_REDIS_REPLICA_PASSWORD"; do
  case $password in
    *[!A-Za-z0-9]*) echo "render-config.sh: Redis passwords must be letters and digits only" >&2; exit 1 ;;
  esac
done

mkdir -p "$out"
umask 077
sed -e "s/>CHANGE-ME-REPLICA />$CRUX_REDIS_REPLICA_PASSWORD /" -e "s/>CHANGE-ME />$CRUX_REDIS_JOB_STATE_PASSWORD /" \
  "$here/users.acl" > "$out/users.acl"
{
  echo "include $here/redis.conf"
  echo "aclfile $out/users.acl"
  if [ -n "${CRUX_REDIS_PRIMARY_HOST:-}" ]; then
    echo "replicaof $CRUX_REDIS_PRIMARY_HOST 6379"
    echo "masteruser crux-replica"
    echo "masterauth $CRUX_REDIS_REPLICA_PASSWORD"
  fi
} > "$out/redis.conf"
# The official image starts redis-server as its redis user: let it read what was written as root.
if [ "$(id -u)" = 0 ] && id redis > /dev/null 2>&1; then chown -R redis:redis "$out"; fi
