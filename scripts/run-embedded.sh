#!/usr/bin/env bash
# `npm start`: Wissel's embedded mode, from a fresh clone with only Node installed.
# Installs what is missing and builds (when a source changed since the last build), then
# runs one process (apps/wissel) that starts its own PostgreSQL (the embedded-postgres
# package; data in WISSEL_DATA_DIR, default .cache/wissel-data), migrates and serves
# intake, routing, delivery and the dashboard.
# Arguments go to the app: `npm start -- --demo` feeds synthetic referrals.
# Ctrl-C, or SIGINT/SIGTERM/SIGHUP sent to npm or to this script, drains the work in hand,
# stops PostgreSQL and exits. The cluster mode on Kafka is `npm run start:cluster`.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1mwissel:\033[0m %s\n' "$*"; }

app=(node dist/apps/wissel/src/main.js "$@")
stale() {
  [[ ! -f dist/.built ]] ||
    [[ -n "$(find apps libs scripts package.json package-lock.json tsconfig.json tsconfig.build.json \
      -newer dist/.built -print -quit)" ]]
}
# Without setsid (e.g. on macOS) everything runs in the foreground, the app as this process.
if ! command -v setsid >/dev/null; then
  [[ -d node_modules ]] || { say "installing dependencies"; npm ci --no-audit --no-fund; }
  if stale; then say "building"; npm run -s build; fi
  exec "${app[@]}"
fi

# Each step runs in a session of its own and this shell hands every signal on. A signal
# sent to npm reaches this shell alone (npm runs it as `exec bash …`), and Ctrl-C would
# signal PostgreSQL (the app's child) too, which would then shut down at once, under the
# app's feet. So the app alone gets SIGINT (it drains, stops PostgreSQL and exits); an
# install or a build, with nothing to finish, is ended as a whole process group.
pid='' group='' stopping=''
pass_on() {
  stopping=1
  [[ -n $pid ]] || return 0
  if [[ -n $group ]]; then kill -TERM -- "-$pid"; else kill -INT "$pid"; fi 2>/dev/null || true
}
trap pass_on INT TERM HUP
# run group|app command…: starts it, waits for it through any signal, returns its status.
run() {
  group=''
  [[ $1 == group ]] && group=1
  shift
  setsid "$@" &
  pid=$!
  [[ -z $stopping ]] || pass_on # a signal before $pid was known
  while kill -0 "$pid" 2>/dev/null; do wait "$pid" || true; done
  local code=0
  wait "$pid" || code=$? # bash keeps the status of a child it reaped during a trap
  pid=''
  return "$code"
}

if [[ ! -d node_modules ]]; then
  say "installing dependencies"
  run group npm ci --no-audit --no-fund
fi
if [[ -z $stopping ]] && stale; then
  say "building"
  run group npm run -s build
fi
[[ -z $stopping ]] || exit 130
code=0
run app "${app[@]}" || code=$?
exit "$code"
