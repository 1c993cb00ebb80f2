#!/usr/bin/env bash
# `npm run fault`: the fault-injection run (scripts/fault/main.ts; RELIABILITY.md says what
# it proves). Compiles the apps and the runner into .cache/fault-dist, unless FAULT_DIST
# names a tree already built (CI passes dist/, built by scripts/test.sh). Whatever happens
# to the runner, its own broker and PostgreSQL are stopped on the way out.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ -z ${FAULT_DIST:-} ]]; then
  export FAULT_DIST=.cache/fault-dist
  echo "fault: compiling into $FAULT_DIST"
  rm -rf "$FAULT_DIST"
  npx tsc -p tsconfig.build.json --outDir "$FAULT_DIST"
  npx tsc-alias -p tsconfig.build.json --outDir "$FAULT_DIST"
fi
[[ -f $FAULT_DIST/scripts/fault/main.js ]] || { echo "fault: $FAULT_DIST has no scripts/fault/main.js (build first)" >&2; exit 1; }

kafka_port=${FAULT_KAFKA_PORT:-29092}
pg_dir=${TMPDIR:-/tmp}/wissel-fault-pg-${FAULT_PG_PORT:-25432}
backstop() {
  # The runner cleans up itself; this only catches a runner that was killed.
  KAFKA_PORT=$kafka_port KAFKA_CONTROLLER_PORT=${FAULT_KAFKA_CONTROLLER_PORT:-29093} \
    deploy/local/kafka.sh reset >/dev/null 2>&1 || true
  if [[ -f $pg_dir/data/postmaster.pid ]]; then
    kill -9 "$(head -n 1 "$pg_dir/data/postmaster.pid")" 2>/dev/null || true
  fi
  rm -rf "$pg_dir"
}
trap backstop EXIT
node "$FAULT_DIST/scripts/fault/main.js"
