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

# shellcheck source=scripts/services.sh
source scripts/services.sh
cleanup() {
  local code=$?
  stop_started_services
  summary
  exit $code
}
trap cleanup EXIT

step "services"
start_services
bash scripts/chromium.sh

step "build (the embedded-mode e2e test runs the built app, as npm start does)"
npm run -s build

step "integration and e2e tests (real Kafka, real PostgreSQL)"
npx jest --selectProjects e2e --runInBand --json --outputFile="$reports/e2e.json"

# On a broker and PostgreSQL of its own (ports 29092/25432), from the dist/ just built; a
# smaller run than `npm run fault` (20,000) to keep CI short, every scenario kept.
# RELIABILITY.md, "Fault injection".
step "fault injection (kills, broker and PostgreSQL outages, a hung webhook, a deleted topic, poison)"
FAULT_DIST=dist FAULT_REFERRALS=${FAULT_REFERRALS:-5000} FAULT_RATE=${FAULT_RATE:-40} \
  FAULT_KILLS=${FAULT_KILLS:-2} npm run -s fault
