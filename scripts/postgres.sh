#!/usr/bin/env bash
# The machine's PostgreSQL server for tests and the cluster run mode:
#   scripts/postgres.sh status|start|stop
# Uses the Debian cluster (pg_ctlcluster); PGHOST/PGPORT select another server for status.
set -euo pipefail
host=${PGHOST:-127.0.0.1}
port=${PGPORT:-5432}

cluster_version() {
  ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1
}

case "${1:-}" in
  status)
    pg_isready -q -h "$host" -p "$port" && echo "PostgreSQL answers on $host:$port"
    ;;
  start)
    version=$(cluster_version)
    [[ -n $version ]] || { echo "no PostgreSQL cluster under /etc/postgresql: install the postgresql package" >&2; exit 1; }
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 60); do pg_isready -q -h "$host" -p "$port" && exit 0; sleep 0.5; done
    echo "PostgreSQL did not become ready on $host:$port" >&2
    exit 1
    ;;
  stop)
    version=$(cluster_version)
    pg_ctlcluster --skip-systemctl-redirect "$version" main stop
    ;;
  *)
    echo "usage: $0 status|start|stop" >&2
    exit 2
    ;;
esac
