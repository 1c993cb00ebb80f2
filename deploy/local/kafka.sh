#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft) on loopback, from Maven Central jars.
# No Docker: Maven collects the broker's runtime classpath once into a cache folder, and
# later runs need no network.
#
#   deploy/local/kafka.sh fetch    collect the jars (skipped when cached)
#   deploy/local/kafka.sh start    fetch, format storage if new, start, wait until ready
#   deploy/local/kafka.sh stop     stop the broker this script started
#   deploy/local/kafka.sh status   exit 0 and say "ready" only if the broker answers
#   deploy/local/kafka.sh ready    wait (up to KAFKA_READY_TIMEOUT s) for a real answer
#   deploy/local/kafka.sh reset    stop and delete the broker's data
#
# Environment (all optional):
#   KAFKA_HOME_DIR        cache and run folder        default <repo>/.cache/kafka
#   KAFKA_PORT            client listener port        default 9092
#   KAFKA_CONTROLLER_PORT KRaft controller port       default 9093
#   KAFKA_READY_TIMEOUT   seconds to wait for ready   default 90
#   KAFKA_HEAP            JVM heap                    default 512m
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
home_dir=${KAFKA_HOME_DIR:-$repo/.cache/kafka}
port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
ready_timeout=${KAFKA_READY_TIMEOUT:-90}
heap=${KAFKA_HEAP:-512m}
lib=$home_dir/lib
run=$home_dir/run-$port
pid_file=$run/kafka.pid
log_file=$run/server.log

say() { printf 'kafka: %s\n' "$*" >&2; }

fetch() {
  # The pom pins the Kafka and Log4j versions; a finished fetch leaves a stamp naming it.
  local stamp=$lib/.pom-sha
  local want
  want=$(sha256sum "$here/kafka/pom.xml" | cut -d' ' -f1)
  if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
    return 0
  fi
  say "fetching the broker's jars through Maven into $lib"
  rm -rf "$lib.tmp"
  mkdir -p "$home_dir"
  # Maven's output goes to a log, shown only when the fetch fails.
  if ! mvn -B -q -Dstyle.color=never -f "$here/kafka/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DoutputDirectory="$lib.tmp" -DincludeScope=runtime -Dmdep.prependGroupId=true \
    >"$home_dir/fetch.log" 2>&1; then
    cat "$home_dir/fetch.log" >&2
    say "fetching the jars failed (is Maven Central reachable?)"
    exit 1
  fi
  echo "$want" >"$lib.tmp/.pom-sha"
  rm -rf "$lib"
  mv "$lib.tmp" "$lib"
}

write_config() {
  mkdir -p "$run/data"
  cat >"$run/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$run/data
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
log.segment.bytes=1048576
log.cleaner.dedupe.buffer.size=16777216
EOF
  cat >"$run/log4j2.properties" <<EOF
status=warn
appender.file.type=File
appender.file.name=file
appender.file.fileName=$log_file
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
logger.kafka.name=kafka
logger.kafka.level=INFO
logger.state.name=state.change.logger
logger.state.level=WARN
EOF
}

# A real Kafka answer, not a TCP connect: send an ApiVersions (key 18, v0) request and
# check the reply carries our correlation id and error code 0. Pure bash, so it works
# before npm ci and on a machine with no Kafka client tools.
answers() {
  local reply
  reply=$(
    timeout 3 bash -c '
      exec 3<>/dev/tcp/127.0.0.1/'"$port"' || exit 1
      # size=22 | api_key=18 | api_version=0 | correlation_id=7 | client_id="wissel-ready"
      printf "\x00\x00\x00\x16\x00\x12\x00\x00\x00\x00\x00\x07\x00\x0cwissel-ready" >&3
      head -c 10 <&3 | od -An -tx1 | tr -d " \n"
    ' 2>/dev/null
  ) || return 1
  # 4 bytes size, then correlation id 7, then error code 0
  [[ ${reply:8:8} == "00000007" && ${reply:16:4} == "0000" ]]
}

started() {
  [[ -f $log_file ]] && grep -q "Kafka Server started" "$log_file"
}

running_pid() {
  [[ -f $pid_file ]] || return 1
  local pid
  pid=$(cat "$pid_file")
  kill -0 "$pid" 2>/dev/null && grep -q "kafka.Kafka" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

wait_ready() {
  local deadline=$((SECONDS + ready_timeout))
  while ((SECONDS < deadline)); do
    if answers && { started || ! running_pid >/dev/null; }; then
      # Our broker logged its start, or a broker we did not start answers: both are ready.
      say "ready on 127.0.0.1:$port"
      return 0
    fi
    if [[ -f $pid_file ]] && ! running_pid >/dev/null; then
      say "the broker exited during start-up; last lines of $log_file:"
      tail -n 30 "$log_file" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  say "not ready after ${ready_timeout}s"
  [[ -f $log_file ]] && tail -n 30 "$log_file" >&2
  return 1
}

start() {
  if answers; then
    say "a broker already answers on 127.0.0.1:$port; not starting another"
    return 0
  fi
  if running_pid >/dev/null; then
    say "our broker is running but not answering yet; waiting for it"
    wait_ready
    return
  fi
  command -v java >/dev/null || { say "java is required (OpenJDK 17)"; exit 1; }
  fetch
  write_config
  if [[ ! -f $run/data/meta.properties ]]; then
    local cluster_id
    cluster_id=$(java -cp "$lib/*" kafka.tools.StorageTool random-uuid)
    java -cp "$lib/*" -Dlog4j2.configurationFile="$run/log4j2.properties" \
      kafka.tools.StorageTool format --config "$run/server.properties" \
      --cluster-id "$cluster_id" --ignore-formatted >"$run/format.log" 2>&1 ||
      { cat "$run/format.log" >&2; exit 1; }
  fi
  : >"$log_file"
  say "starting on 127.0.0.1:$port (data in $run/data)"
  nohup java -Xms256m -Xmx"$heap" -XX:+UseG1GC \
    -Dlog4j2.configurationFile="$run/log4j2.properties" \
    -cp "$lib/*" kafka.Kafka "$run/server.properties" >"$run/stdout.log" 2>&1 &
  echo $! >"$pid_file"
  if ! wait_ready; then
    # Never leave a half-started broker behind.
    stop
    return 1
  fi
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$pid_file"
    say "no broker started by this script is running on port $port"
    return 0
  fi
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "broker did not stop in 30 s; killing it"
    kill -9 "$pid" || true
  fi
  rm -f "$pid_file"
  say "stopped"
}

status() {
  if answers; then
    echo "ready on 127.0.0.1:$port$(running_pid >/dev/null && echo " (pid $(cat "$pid_file"))")"
  else
    echo "not answering on 127.0.0.1:$port"
    return 1
  fi
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  ready) wait_ready ;;
  reset) stop && rm -rf "$run" ;;
  *)
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
