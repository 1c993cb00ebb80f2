#!/usr/bin/env bash
# `npm start`: Wissel's embedded mode, from a fresh clone with only Node installed.
# Installs what is missing and builds, then runs one process (apps/wissel) that starts its
# own PostgreSQL (the embedded-postgres package; data in WISSEL_DATA_DIR, default
# .cache/wissel-data), migrates and serves intake, routing, delivery and the dashboard.
# Arguments go to the app: `npm start -- --demo` feeds synthetic referrals.
# Ctrl-C drains the work in hand, stops PostgreSQL and exits. The cluster mode on Kafka is
# `npm run start:cluster`.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1mwissel:\033[0m %s\n' "$*"; }

[[ -d node_modules ]] || { say "installing dependencies"; npm ci --no-audit --no-fund; }
say "building"
npm run -s build
app=(node dist/apps/wissel/src/main.js "$@")
# Ctrl-C signals the whole terminal process group, and PostgreSQL (the app's child) would
# then shut down at once, under the app's feet. So the app runs in a session of its own
# and this script hands the signal to the app alone, which drains, stops PostgreSQL and
# exits. (Without setsid, e.g. on macOS, it runs in the foreground as is.)
command -v setsid >/dev/null || exec "${app[@]}"
setsid "${app[@]}" &
pid=$!
trap 'kill -INT "$pid" 2>/dev/null || true' INT TERM
code=0
while kill -0 "$pid" 2>/dev/null; do wait "$pid" && code=0 || code=$?; done
exit "$code"
