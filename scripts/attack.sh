#!/usr/bin/env bash
# `npm run attack`: the attack table (test/e2e/attack-table.e2e-spec.ts) against the built
# all-in-one app, printed and written to docs/security/attack-table.md. Builds first, and
# starts Kafka and PostgreSQL for the e2e harness when they are not running.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund
# shellcheck source=scripts/services.sh
source scripts/services.sh
trap stop_started_services EXIT
start_services
npm run -s build
ATTACK_TABLE_OUT=docs/security/attack-table.md \
  npx jest --selectProjects e2e --runInBand -- test/e2e/attack-table.e2e-spec.ts
npx prettier --write docs/security/attack-table.md >/dev/null
