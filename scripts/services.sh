#!/usr/bin/env bash
# Sourced by the scripts that run e2e tests (test.sh, attack.sh): starts the Kafka broker
# and PostgreSQL when they are not answering, and stops on the way out only what it
# started. Call start_services, and stop_started_services from an EXIT trap.

started_kafka=""
started_postgres=""

start_services() {
  if deploy/local/kafka.sh status >/dev/null 2>&1; then
    echo "Kafka: already answering on ${KAFKA_PORT:-9092}"
  else
    started_kafka=1 # set first: a failed start is stopped on the way out too
    deploy/local/kafka.sh start
  fi
  if scripts/postgres.sh status >/dev/null 2>&1; then
    echo "PostgreSQL: already running"
  else
    started_postgres=1
    scripts/postgres.sh start
  fi
}

stop_started_services() {
  if [[ -n $started_kafka ]]; then
    printf '\n== %s\n' "stopping the Kafka broker this run started"
    deploy/local/kafka.sh stop || true
  fi
  if [[ -n $started_postgres ]]; then
    printf '\n== %s\n' "stopping the PostgreSQL this run started"
    scripts/postgres.sh stop || true
  fi
}
