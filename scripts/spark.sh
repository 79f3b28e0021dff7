#!/usr/bin/env bash
# Local Spark Connect server for ccc's Spark engine tests and benchmarks.
#
#   scripts/spark.sh start    start one on 127.0.0.1:${CCC_SPARK_PORT:-15002} (local[${CCC_SPARK_CORES:-2}])
#   scripts/spark.sh stop     stop it
#   scripts/spark.sh status   exit 0 when it answers, 1 otherwise
#
# It uses the pyspark package (4.3, which ships sbin/start-connect-server.sh and
# the Spark Connect jars) and the machine's Java 17; scripts/setup.sh installs
# both. The server runs with no auth token on the loopback address only: a
# server started by SparkSession.builder.remote("local") demands a token that
# the Go client only sends over TLS, so that path is not used.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${CCC_SPARK_PORT:-15002}
cores=${CCC_SPARK_CORES:-2}
mem=${CCC_SPARK_DRIVER_MEMORY:-2g}
state=${CCC_SPARK_STATE:-${TMPDIR:-/tmp}/ccc-spark-$port}

spark_home() {
  python3 -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))' 2>/dev/null
}

java_home() {
  if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME"; return; fi
  for d in /usr/lib/jvm/java-17-openjdk-*; do [ -x "$d/bin/java" ] && { echo "$d"; return; }; done
  j=$(command -v java) && dirname "$(dirname "$(readlink -f "$j")")"
}

answers() {
  # A TCP connect is enough to know the gRPC port is open.
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

case "${1:-}" in
  start)
    if answers; then echo "spark: already listening on 127.0.0.1:$port"; exit 0; fi
    home=$(spark_home) || { echo "spark: pyspark is not installed (run scripts/setup.sh)" >&2; exit 2; }
    [ -n "$home" ] || { echo "spark: pyspark is not installed (run scripts/setup.sh)" >&2; exit 2; }
    [ -x "$home/sbin/start-connect-server.sh" ] || chmod +x "$home"/sbin/*.sh "$home"/bin/* 2>/dev/null || true
    jh=$(java_home) || { echo "spark: Java 17 not found (apt-get install openjdk-17-jre-headless)" >&2; exit 2; }
    mkdir -p "$state/tmp"
    # nothing answers on the port: a pid file left by a server that was
    # killed (a finished CI run, a reboot) is stale; spark-daemon.sh would
    # refuse to start if its number now belonged to another java process
    rm -f "$state"/*.pid
    export SPARK_HOME="$home" JAVA_HOME="$jh" SPARK_LOG_DIR="$state/logs" SPARK_PID_DIR="$state" \
      SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_DIRS="$state/tmp" SPARK_IDENT_STRING=ccc
    "$home/sbin/start-connect-server.sh" --master "local[$cores]" \
      --driver-memory "$mem" \
      --driver-java-options "-Djava.io.tmpdir=$state/tmp" \
      --conf spark.connect.grpc.binding.address=127.0.0.1 \
      --conf spark.connect.grpc.binding.port="$port" \
      --conf spark.ui.enabled=false \
      --conf spark.sql.session.timeZone=UTC \
      --conf spark.driver.host=127.0.0.1 >/dev/null
    for _ in $(seq 1 120); do
      if answers; then echo "spark: listening on sc://127.0.0.1:$port (local[$cores], logs in $state/logs)"; exit 0; fi
      sleep 1
    done
    echo "spark: the server did not open port $port within 120 s; see $state/logs" >&2
    tail -n 30 "$state"/logs/*.out >&2 2>/dev/null || true
    exit 1
    ;;
  stop)
    for f in "$state"/*.pid; do
      [ -f "$f" ] || continue
      pid=$(cat "$f")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$f"
    done
    echo "spark: stopped"
    ;;
  status)
    if answers; then echo "spark: listening on sc://127.0.0.1:$port"; exit 0; fi
    echo "spark: not running on 127.0.0.1:$port"; exit 1
    ;;
  *)
    echo "usage: scripts/spark.sh start|stop|status" >&2; exit 2
    ;;
esac
