#!/usr/bin/env bash
# The whole test suite (`npm test`): static checks, unit tests, then integration and e2e
# tests against a real Kafka broker and PostgreSQL. Starts whichever of the two is not
# running, and stops what it started on the way out, also when tests fail.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

if [[ ! -d node_modules ]]; then
  step "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

reports=.cache/test-reports
rm -rf "$reports" && mkdir -p "$reports"
summary() { node scripts/test-summary.js "$reports/unit.json" "$reports/e2e.json"; }

step "lint (eslint) and format (prettier)"
npm run -s lint
step "typecheck (tsc)"
npm run -s typecheck
step "unit tests"
npx jest --selectProjects unit --json --outputFile="$reports/unit.json" ||
  { summary; exit 1; }

started_kafka=""
started_postgres=""
cleanup() {
  local code=$?
  if [[ -n $started_kafka ]]; then step "stopping the Kafka broker this run started"; deploy/local/kafka.sh stop || true; fi
  if [[ -n $started_postgres ]]; then step "stopping the PostgreSQL this run started"; scripts/postgres.sh stop || true; fi
  summary
  exit $code
}
trap cleanup EXIT

step "services"
if deploy/local/kafka.sh status >/dev/null 2>&1; then
  echo "Kafka: already answering on ${KAFKA_PORT:-9092}"
else
  started_kafka=1 # set first: a failed start is stopped on the way out too
  deploy/local/kafka.sh start
fi
bash scripts/chromium.sh
if scripts/postgres.sh status >/dev/null 2>&1; then
  echo "PostgreSQL: already running"
else
  started_postgres=1
  scripts/postgres.sh start
fi

step "build (the embedded-mode e2e test runs the built app, as npm start does)"
npm run -s build

step "integration and e2e tests (real Kafka, real PostgreSQL)"
npx jest --selectProjects e2e --runInBand --json --outputFile="$reports/e2e.json"

# On a broker and PostgreSQL of its own (ports 29092/25432), from the dist/ just built; a
# smaller run than `npm run fault` (20,000) to keep CI short. RELIABILITY.md, "Fault injection".
step "fault injection (kill -9 router and dispatcher, restart Kafka and PostgreSQL mid-run)"
FAULT_DIST=dist FAULT_REFERRALS=${FAULT_REFERRALS:-5000} FAULT_KILLS=${FAULT_KILLS:-2} npm run -s fault
