#!/usr/bin/env bash
# Starts the services the distributed adapters are tested against, when they are down:
# PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres, database `test`) and Redis on
# 127.0.0.1:6379 (no persistence: test data only). Idempotent: running services are left alone.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
wait_for() { for _ in $(seq 1 60); do "$1" && return 0; sleep 0.5; done; echo "services: $2 did not come up" >&2; return 1; }

if ! command -v pg_ctlcluster >/dev/null || ! command -v redis-server >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql redis-server >/dev/null
  # A fresh cluster: let the tests connect over loopback as postgres without a password.
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    grep -q '^host all all 127.0.0.1/32 trust' "$hba" || sed -i '1ihost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  done
fi

if ! pg_up; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  wait_for pg_up PostgreSQL
fi
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -qc 'CREATE DATABASE test'

if ! redis_up; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for redis_up Redis
fi
echo "services: PostgreSQL and Redis are up"
