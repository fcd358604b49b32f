#!/usr/bin/env bash
# A throwaway single-node Elasticsearch for the tests (and for trying the backend without Docker).
#
#   scripts/elasticsearch.sh fetch              # download + unzip once into .cache/elasticsearch/
#   scripts/elasticsearch.sh start PORT RUNDIR  # start on 127.0.0.1:PORT, wait for health, print the URL
#   scripts/elasticsearch.sh stop RUNDIR        # stop the node started with that RUNDIR
#
# The distribution is Elastic's minimal `integ-test-zip` from Maven Central (needs Java 17+ and
# Maven). It has no language analyzers, no `GET /` and no _delete_by_query; Dalil needs none of
# them. Elasticsearch refuses to run as root, so under root the node runs as the system user
# `dalil-es` (created when missing). Data and logs live in RUNDIR, which `stop` deletes.
set -euo pipefail
cd "$(dirname "$0")/.."

ES_VERSION="${DALIL_ES_VERSION:-8.19.14}"
CACHE="${DALIL_ES_CACHE:-$PWD/.cache/elasticsearch}"
HOME_DIR="$CACHE/elasticsearch-$ES_VERSION"
ES_USER="${DALIL_ES_SYSTEM_USER:-dalil-es}"

die() { echo "elasticsearch.sh: $*" >&2; exit 1; }

fetch() {
  [ -x "$HOME_DIR/bin/elasticsearch" ] && return 0
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch Elasticsearch $ES_VERSION; install it (apt-get install maven) and retry"
  command -v unzip >/dev/null || command -v "${DALIL_PYTHON:-python3}" >/dev/null || die "unzip or python3 is needed"
  mkdir -p "$CACHE"
  local zip="$CACHE/elasticsearch-$ES_VERSION.zip"
  if [ ! -f "$zip" ]; then
    echo "elasticsearch.sh: fetching Elasticsearch $ES_VERSION (integ-test-zip, ~100 MB) from Maven Central" >&2
    mvn -q -B dependency:copy \
      "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      "-DoutputDirectory=$CACHE" -Dmdep.overWriteReleases=true >&2 \
      || die "could not download org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip from Maven"
  fi
  rm -rf "$HOME_DIR.partial" && mkdir -p "$HOME_DIR.partial"
  if command -v unzip >/dev/null; then
    unzip -q "$zip" -d "$HOME_DIR.partial"
  else
    "${DALIL_PYTHON:-python3}" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$HOME_DIR.partial"
    chmod +x "$HOME_DIR.partial"/elasticsearch-*/bin/*
  fi
  mv "$HOME_DIR.partial/elasticsearch-$ES_VERSION" "$HOME_DIR"
  rm -rf "$HOME_DIR.partial" "$zip"
}

java_home() {
  if [ -n "${ES_JAVA_HOME:-}" ]; then echo "$ES_JAVA_HOME"; return; fi
  if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME"; return; fi
  local java
  java="$(command -v java)" || die "Java 17+ is needed (apt-get install openjdk-17-jre-headless)"
  dirname "$(dirname "$(readlink -f "$java")")"
}

# Run a command as the node's user: ourselves, or `dalil-es` when we are root.
as_node_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$ES_USER" -- "$@"
  else
    "$@"
  fi
}

start() {
  local port="${1:?usage: start PORT RUNDIR}" rundir="${2:?usage: start PORT RUNDIR}"
  fetch
  local jhome; jhome="$(java_home)"
  mkdir -p "$rundir/config" "$rundir/data" "$rundir/logs"
  cp -r "$HOME_DIR/config/." "$rundir/config/"
  local security=""
  [ -d "$HOME_DIR/modules/x-pack-security" ] && security="xpack.security.enabled: false"
  cat >"$rundir/config/elasticsearch.yml" <<EOF
cluster.name: dalil-test
node.name: dalil-test
discovery.type: single-node
network.host: 127.0.0.1
http.port: $port
path.data: $rundir/data
path.logs: $rundir/logs
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
$security
EOF
  if [ "$(id -u)" -eq 0 ]; then
    id -u "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
    chown -R "$ES_USER" "$rundir"
    chmod -R a+rX "$HOME_DIR"  # the node's user must be able to read the distribution
  fi
  local home="$HOME_DIR"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u "$ES_USER" -- test -x "$HOME_DIR/bin/elasticsearch"; then
    # The project sits where the node's user cannot walk (e.g. under /root): run from a copy.
    home="$rundir/home"
    cp -al "$HOME_DIR" "$home" 2>/dev/null || cp -r "$HOME_DIR" "$home"
  fi
  as_node_user env ES_PATH_CONF="$rundir/config" ES_JAVA_HOME="$jhome" ES_JAVA_OPTS="${ES_JAVA_OPTS:--Xms1g -Xmx1g}" \
    "$home/bin/elasticsearch" -d -p "$rundir/es.pid" >"$rundir/stdout.log" 2>&1 \
    || die "Elasticsearch did not start; see $rundir/stdout.log and $rundir/logs/: $(tail -5 "$rundir/stdout.log" 2>/dev/null)"
  local url="http://127.0.0.1:$port"
  "${DALIL_PYTHON:-python3}" - "$url" "${DALIL_ES_START_TIMEOUT:-120}" <<'EOF' || die "Elasticsearch at 127.0.0.1:$port did not become healthy; see $rundir/logs/"
import json, sys, time, urllib.request
url, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(url + "/_cluster/health?wait_for_status=yellow&timeout=5s", timeout=10) as r:
            if json.load(r).get("status") in ("yellow", "green"):
                sys.exit(0)
    except OSError:
        time.sleep(1)
sys.exit(1)
EOF
  echo "$url"
}

stop() {
  local rundir="${1:?usage: stop RUNDIR}"
  if [ -f "$rundir/es.pid" ]; then
    local pid; pid="$(cat "$rundir/es.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$rundir"
}

case "${1:-}" in
  fetch) fetch; echo "$HOME_DIR" ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: $0 fetch | start PORT RUNDIR | stop RUNDIR" ;;
esac
