#!/usr/bin/env bash
# `npm run start:cluster`: Wissel's cluster mode on this machine, from a fresh clone.
# Installs what is missing, starts a local Kafka broker (and PostgreSQL if it is down),
# creates the database and topics, and runs the gateway, router and dispatcher until
# Ctrl-C, which drains the apps and stops the broker if this script started it
# (PostgreSQL is left running: it is the machine's shared server).
# (`npm start` runs the one-process embedded mode instead; see docs/embedded.md.)
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wissel}
export KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}
say() { printf '\033[1mwissel:\033[0m %s\n' "$*"; }

[[ -d node_modules ]] || { say "installing dependencies"; npm ci --no-audit --no-fund; }
say "building"
npm run -s build

started_kafka=""
pids=()
cleanup() {
  local code=$?
  trap - INT TERM EXIT
  if ((${#pids[@]})); then
    say "stopping the apps (they finish the work in hand first)"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  [[ -n $started_kafka ]] && deploy/local/kafka.sh stop
  exit "$code"
}
# Ctrl-C is the normal way to stop: exit 0 then; any other way out keeps its code.
trap 'exit 0' INT TERM
trap cleanup EXIT

if ! deploy/local/kafka.sh status >/dev/null 2>&1; then
  started_kafka=1
  deploy/local/kafka.sh start
fi
scripts/postgres.sh status >/dev/null 2>&1 || scripts/postgres.sh start

npm run -s migrate -- --create-database
npm run -s topics

mkdir -p .cache/logs
for app in gateway router dispatcher; do
  node "dist/apps/$app/src/main.js" >".cache/logs/$app.log" 2>&1 &
  pids+=($!)
done

for port in 3000 3001 3002; do
  ready=""
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && { ready=1; break; }
    sleep 0.5
  done
  [[ -n $ready ]] || { say "the app on port $port is not ready after 60 s; see .cache/logs"; exit 1; }
done

cat <<TXT

  Wissel is running (cluster mode, local broker on $KAFKA_BROKERS).
    gateway     http://127.0.0.1:3000/health/ready
    router      http://127.0.0.1:3001/health/ready
    dispatcher  http://127.0.0.1:3002/health/ready
  Logs: .cache/logs/{gateway,router,dispatcher}.log (JSON lines)

  Try it, in another terminal:
    npm run kafka -- produce test/fixtures/canonical/iwf-nl-hosted.json
    npm run kafka -- tail referrals.out.nl-hotline.v1

  Ctrl-C stops everything this command started.
TXT
wait -n "${pids[@]}" || true
say "an app exited; see .cache/logs"
exit 1
