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
#   deploy/local/kafka.sh add-user NAME   (KAFKA_SASL=scram) create or update a SCRAM user;
#                                  the password is read from stdin, never from argv
#
# Environment (all optional):
#   KAFKA_HOME_DIR        cache and run folder        default <repo>/.cache/kafka
#   KAFKA_PORT            client listener port        default 9092
#   KAFKA_CONTROLLER_PORT KRaft controller port       default 9093
#   KAFKA_READY_TIMEOUT   seconds to wait for ready   default 90
#   KAFKA_HEAP            JVM heap                    default 512m
#   KAFKA_SASL            "scram": a SASL_PLAINTEXT client listener with SCRAM-SHA-512, the
#                         StandardAuthorizer and no access without an ACL (docs/kafka-security.md)
#   KAFKA_SASL_ADMIN_PASSWORD  the super user "admin"'s password, set when storage is
#                         formatted; default: generated into <run>/admin.password (0600)
#   KAFKA_SASL_USERS_FILE more SCRAM users written at format time, one "name:password" a line
#                         (a fresh broker for tests; later users: add-user)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
home_dir=${KAFKA_HOME_DIR:-$repo/.cache/kafka}
port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
ready_timeout=${KAFKA_READY_TIMEOUT:-90}
heap=${KAFKA_HEAP:-512m}
sasl=${KAFKA_SASL:-}
lib=$home_dir/lib
run=$home_dir/run-$port
pid_file=$run/kafka.pid
log_file=$run/server.log
admin_password_file=$run/admin.password
admin_client_config=$run/admin-client.properties
case "$sasl" in
  "" | scram) ;;
  *)
    printf 'kafka: KAFKA_SASL must be empty or "scram", not "%s"\n' "$sasl" >&2
    exit 2
    ;;
esac

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

# The super user's password: given, or generated once and kept with the broker's data.
admin_password() {
  if [[ -n ${KAFKA_SASL_ADMIN_PASSWORD:-} ]]; then
    printf '%s' "$KAFKA_SASL_ADMIN_PASSWORD"
    return
  fi
  if [[ ! -s $admin_password_file ]]; then
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$admin_password_file")
  fi
  cat "$admin_password_file"
}

listener_config() {
  if [[ -z $sasl ]]; then
    cat <<EOF
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
EOF
    return
  fi
  local password
  password=$(admin_password)
  # Clients and the broker itself authenticate with SCRAM-SHA-512 on SASL_PLAINTEXT (use
  # SASL_SSL in production). The controller listener stays PLAINTEXT on loopback; KRaft
  # cannot use SCRAM there (the credentials live in the metadata it serves), so its
  # connections arrive as ANONYMOUS and must be a super user. Nothing but the controller
  # port is plain text, and it is bound to 127.0.0.1 (see docs/kafka-security.md).
  cat <<EOF
listeners=SASL_PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=SASL_PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$password";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:ANONYMOUS
EOF
}

write_config() {
  mkdir -p "$run/data"
  chmod 700 "$run"
  {
    cat <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
controller.listener.names=CONTROLLER
EOF
    listener_config
    cat <<EOF
log.dirs=$run/data
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
# Small segments keep a test broker's disk small, but a segment must hold the largest
# record batch a topic takes (max.message.bytes: a 5 MiB referral's dead letter in base64).
log.segment.bytes=16777216
log.cleaner.dedupe.buffer.size=16777216
EOF
  } >"$run/server.properties"
  chmod 600 "$run/server.properties"
  if [[ -n $sasl ]]; then
    (
      umask 077
      cat >"$admin_client_config" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(admin_password)";
EOF
    )
  fi
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
    # With SASL the super user's SCRAM credential is written into the first metadata, so
    # the broker can authenticate itself (and the operator) before any user was created.
    local scram=()
    [[ -n $sasl ]] && scram=(--add-scram "SCRAM-SHA-512=[name=admin,password=$(admin_password)]")
    if [[ -n $sasl && -n ${KAFKA_SASL_USERS_FILE:-} ]]; then
      local name password
      while IFS=: read -r name password; do
        [[ -z $name ]] && continue
        [[ $name =~ ^[A-Za-z0-9._-]+$ && -n $password && $password != *[],\"]* ]] ||
          { say "bad line for \"$name\" in KAFKA_SASL_USERS_FILE"; exit 2; }
        scram+=(--add-scram "SCRAM-SHA-512=[name=$name,password=$password]")
      done <"$KAFKA_SASL_USERS_FILE"
    fi
    java -cp "$lib/*" -Dlog4j2.configurationFile="$run/log4j2.properties" \
      kafka.tools.StorageTool format --config "$run/server.properties" \
      --cluster-id "$cluster_id" --ignore-formatted "${scram[@]}" >"$run/format.log" 2>&1 ||
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

# Creates or updates a SCRAM-SHA-512 user through the broker (the Admin API's
# AlterUserScramCredentials, via Kafka's own kafka-configs tool), as the super user. The
# password comes on stdin and reaches the tool in a 0600 file, never on a command line.
add_user() {
  local name=${1:-}
  [[ -n $sasl ]] || { say "add-user needs KAFKA_SASL=scram"; exit 2; }
  [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || { say "usage: add-user NAME (letters, digits, . _ -), password on stdin"; exit 2; }
  [[ -f $admin_client_config ]] || { say "no SASL broker was started here ($run)"; exit 1; }
  local password
  IFS= read -r password || true
  [[ -n $password ]] || { say "no password on stdin"; exit 2; }
  local config
  config=$(umask 077 && mktemp "$run/user.XXXXXX")
  printf 'SCRAM-SHA-512=password=%s\n' "$password" >"$config"
  local ok=0
  java -cp "$lib/*" -Dlog4j2.configurationFile="$run/log4j2.properties" \
    kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$port" \
    --command-config "$admin_client_config" --alter --entity-type users --entity-name "$name" \
    --add-config-file "$config" >"$run/add-user.log" 2>&1 || ok=$?
  rm -f "$config"
  ((ok == 0)) || { cat "$run/add-user.log" >&2; exit 1; }
  say "SCRAM-SHA-512 user $name set"
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
  add-user) add_user "${2:-}" ;;
  *)
    sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
