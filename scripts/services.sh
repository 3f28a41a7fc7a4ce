#!/usr/bin/env bash
# Make sure the services the tests use are up: PostgreSQL (127.0.0.1:5432, trust auth)
# and Redis (127.0.0.1:6379). Starts the Debian-packaged ones when they are installed but
# stopped; otherwise says how to get them. Never fails by itself: the tests that need a
# service fail under CI=true (and skip with a visible reason elsewhere) when it is absent.
set -u
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! up 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "services: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  else
    echo "services: PostgreSQL not reachable on 127.0.0.1:5432 (apt-get install postgresql)"
  fi
fi
if ! up 6379; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "services: starting Redis"
    mkdir -p /tmp/hpsync-redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp/hpsync-redis --logfile /tmp/hpsync-redis/redis.log || true
  else
    echo "services: Redis not reachable on 127.0.0.1:6379 (apt-get install redis-server)"
  fi
fi
for _ in $(seq 1 20); do up 5432 && up 6379 && break; sleep 0.5; done
exit 0
