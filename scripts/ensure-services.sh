#!/usr/bin/env bash
# Start PostgreSQL and Redis when installed but down; fail loudly when they cannot run,
# so the scaled suite is never skipped in silence.
set -euo pipefail
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! up 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi
if ! up 6379; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 1 30); do up 5432 && up 6379 && exit 0; sleep 1; done
echo "PostgreSQL or Redis did not come up: the scaled suite cannot run" >&2
exit 1
