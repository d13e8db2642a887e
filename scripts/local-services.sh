#!/usr/bin/env bash
# Makes sure a Postgres and a Redis answer for local runs and CI on Debian machines without Docker.
#
# Usage: scripts/local-services.sh [ensure|status|env]
#
#   ensure (default)  Use DATABASE_URL / REDIS_URL when set (they must answer), else the local
#                     defaults when they answer, else (as root, with apt-get) install Debian's
#                     postgresql / redis-server and start them. Ends by printing
#                     DATABASE_URL=... and REDIS_URL=... on stdout.
#   status            Print whether each service answers; exit 1 when one does not.
#   env               Print DATABASE_URL=... and REDIS_URL=... (nothing else on stdout) without
#                     installing or starting anything:  eval "$(scripts/local-services.sh env)"
#
# Every message goes to stderr, so `eval "$(scripts/local-services.sh ensure)"` works too. The
# lines are shell assignments (values single-quoted when needed); to export them to child processes:
#   set -a; eval "$(scripts/local-services.sh ensure)"; set +a
# The script never creates databases; the Node scripts do that.
#
# Overrides (mostly for tests):
#   LOCAL_SERVICES_PG_HOST / LOCAL_SERVICES_PG_PORT         local Postgres (127.0.0.1:5432)
#   LOCAL_SERVICES_REDIS_HOST / LOCAL_SERVICES_REDIS_PORT   local Redis (127.0.0.1:6379)
#   LOCAL_SERVICES_NO_INSTALL=1   never install or start anything; fail with instructions instead
#   LOCAL_SERVICES_TIMEOUT        seconds to wait for a service to answer (10)
#   LOCAL_SERVICES_STATE_DIR      working directory and log file of a Redis started here
set -euo pipefail

PG_HOST="${LOCAL_SERVICES_PG_HOST:-127.0.0.1}"
PG_PORT="${LOCAL_SERVICES_PG_PORT:-5432}"
PG_DB="meerkat"
REDIS_HOST="${LOCAL_SERVICES_REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${LOCAL_SERVICES_REDIS_PORT:-6379}"
REDIS_DB="0"
NO_INSTALL="${LOCAL_SERVICES_NO_INSTALL:-0}"
WAIT_SECONDS="${LOCAL_SERVICES_TIMEOUT:-10}"
STATE_DIR="${LOCAL_SERVICES_STATE_DIR:-${TMPDIR:-/tmp}/meerkat-local-services}"
PROBE_TIMEOUT=2

log() { printf 'local-services: %s\n' "$*" >&2; }
# die <line>...: prints each argument on its own line and exits 1.
die() {
  printf 'local-services: error: %s\n' "$1" >&2
  shift
  if (($# > 0)); then printf '  %s\n' "$@" >&2; fi
  exit 1
}

# ---------------------------------------------------------------------------------------------
# URL helpers
# ---------------------------------------------------------------------------------------------

# Hides the password of scheme://user:password@host/... for messages.
redact() {
  local url="$1"
  if [[ "$url" =~ ^([A-Za-z][A-Za-z0-9+.-]*://[^:@/]*):[^@/]*@(.*)$ ]]; then
    printf '%s:***@%s' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  else
    printf '%s' "$url"
  fi
}

# Prints "host port" of a URL (IPv6 brackets removed); default port as given.
url_host_port() {
  local url="$1" default_port="$2" rest host port
  rest="${url#*://}"
  rest="${rest%%/*}"
  rest="${rest%%\?*}"
  rest="${rest##*@}"
  if [[ "$rest" == \[* ]]; then
    host="${rest#\[}"
    host="${host%%\]*}"
    port="${rest#*\]}"
    port="${port#:}"
  elif [[ "$rest" == *:* ]]; then
    host="${rest%%:*}"
    port="${rest#*:}"
  else
    host="$rest"
    port=""
  fi
  [[ -n "$host" ]] || host="127.0.0.1"
  [[ -n "$port" ]] || port="$default_port"
  printf '%s %s' "$host" "$port"
}

# ---------------------------------------------------------------------------------------------
# Probes: each one is bounded by PROBE_TIMEOUT seconds
# ---------------------------------------------------------------------------------------------

tcp_answers() {
  local host="$1" port="$2"
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout "$PROBE_TIMEOUT" bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null
}

pg_answers() {
  local url="$1" host port rc=0
  if command -v pg_isready >/dev/null 2>&1; then
    timeout "$((PROBE_TIMEOUT + 1))" pg_isready -q -t "$PROBE_TIMEOUT" -d "$url" >/dev/null 2>&1 || rc=$?
    # 3 means pg_isready could not make sense of its arguments: fall back to a TCP probe.
    [[ "$rc" -ne 3 ]] && return "$rc"
  fi
  read -r host port <<<"$(url_host_port "$url" 5432)"
  tcp_answers "$host" "$port"
}

# Sends one inline command to Redis over /dev/tcp and prints up to <lines> reply lines.
redis_raw() {
  local host="$1" port="$2" command="$3" lines="$4"
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout "$PROBE_TIMEOUT" bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "%s\r\n" "$3" >&3
    for ((i = 0; i < $4; i++)); do
      IFS= read -r -t "$5" line <&3 || break
      printf "%s\n" "$line"
    done
  ' _ "$host" "$port" "$command" "$lines" "$PROBE_TIMEOUT" 2>/dev/null | tr -d '\r'
}

redis_answers() {
  local url="$1" host port reply
  if command -v redis-cli >/dev/null 2>&1; then
    reply="$(timeout "$PROBE_TIMEOUT" redis-cli --no-auth-warning -u "$url" ping 2>/dev/null || true)"
    [[ "$reply" == "PONG" ]] && return 0
    # A server that wants credentials the URL lacks still answers; the services report auth errors.
    [[ "$reply" == NOAUTH* || "$reply" == *"-NOAUTH"* ]] && return 0
    return 1
  fi
  read -r host port <<<"$(url_host_port "$url" 6379)"
  reply="$(redis_raw "$host" "$port" PING 1 || true)"
  [[ "$reply" == "+PONG" || "$reply" == -NOAUTH* ]]
}

# Prints the maxmemory-policy of a Redis, or nothing when it cannot be read (CONFIG disabled...).
redis_policy() {
  local url="$1" host port
  if command -v redis-cli >/dev/null 2>&1; then
    timeout "$PROBE_TIMEOUT" redis-cli --no-auth-warning -u "$url" config get maxmemory-policy 2>/dev/null |
      sed -n 2p || true
    return 0
  fi
  read -r host port <<<"$(url_host_port "$url" 6379)"
  redis_raw "$host" "$port" "CONFIG GET maxmemory-policy" 5 | sed -n 5p || true
}

# wait_until <seconds> <probe function> <url>: probes about twice a second until it answers.
wait_until() {
  local seconds="$1" probe="$2" url="$3" deadline
  deadline=$((SECONDS + seconds))
  while true; do
    "$probe" "$url" && return 0
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

warn_redis_policy() {
  local url="$1" policy
  policy="$(redis_policy "$url")"
  if [[ -n "$policy" && "$policy" != "noeviction" ]]; then
    log "warning: Redis at $(redact "$url") has maxmemory-policy '$policy'; BullMQ needs 'noeviction'" \
      "(set it with: redis-cli config set maxmemory-policy noeviction). Continuing."
  fi
}

# ---------------------------------------------------------------------------------------------
# Installing and starting (root + apt-get only)
# ---------------------------------------------------------------------------------------------

can_install() {
  [[ "$NO_INSTALL" != "1" ]] && [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1
}

# Says why can_install is false.
install_refusal() {
  if [[ "$NO_INSTALL" == "1" ]]; then
    printf 'LOCAL_SERVICES_NO_INSTALL=1 forbids installing one'
  elif [[ "$(id -u)" -ne 0 ]]; then
    printf 'this script installs services only when run as root'
  else
    printf 'apt-get is not available to install one'
  fi
}

apt_install() {
  log "installing Debian package(s): $*"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "$@" >&2; then
    log "install failed; running apt-get update and trying again"
    apt-get update >&2
    apt-get install -y --no-install-recommends "$@" >&2
  fi
}

# Switches the loopback TCP lines of pg_hba.conf to trust (local development only).
pg_trust_loopback() {
  local hba="$1" tmp
  [[ -f "$hba" ]] || return 0
  tmp="$(mktemp)"
  awk '
    $1 == "host" && ($4 == "127.0.0.1/32" || $4 == "::1/128") {
      printf "%s\t%s\t%s\t%s\ttrust\n", $1, $2, $3, $4
      next
    }
    { print }
  ' "$hba" >"$tmp"
  cat "$tmp" >"$hba"
  rm -f "$tmp"
  log "pg_hba.conf: loopback TCP connections now use trust ($hba)"
}

# Prints the highest version-named subdirectory of a directory (e.g. 15 of /etc/postgresql/15).
latest_version_in() {
  local dir="$1" entry
  [[ -d "$dir" ]] || return 0
  for entry in "$dir"/*/; do
    [[ -d "$entry" ]] || continue
    entry="${entry%/}"
    printf '%s\n' "${entry##*/}"
  done | sort -V | tail -n 1
}

# Prints the status column ("online"/"down") of cluster <version> main.
pg_cluster_status() {
  pg_lsclusters -h 2>/dev/null | awk -v v="$1" '$1 == v && $2 == "main" { print $4 }'
}

pg_cluster_port() {
  pg_lsclusters -h 2>/dev/null | awk -v v="$1" '$1 == v && $2 == "main" { print $3 }'
}

install_and_start_postgres() {
  local version created=0 status port
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ -z "$(latest_version_in /usr/lib/postgresql)" ]]; then
    apt_install postgresql
    created=1
  fi
  version="$(latest_version_in /etc/postgresql)"
  if [[ -z "$version" || -z "$(pg_cluster_status "$version")" ]]; then
    [[ -n "$version" ]] || version="$(latest_version_in /usr/lib/postgresql)"
    [[ -n "$version" ]] || die "no Postgres server binaries under /usr/lib/postgresql after installing postgresql"
    log "creating Postgres $version cluster 'main' on port $PG_PORT"
    pg_createcluster -p "$PG_PORT" "$version" main >&2
    created=1
  fi
  if [[ "$created" -eq 1 ]]; then
    pg_trust_loopback "/etc/postgresql/$version/main/pg_hba.conf"
  fi
  install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  status="$(pg_cluster_status "$version")"
  if [[ "$status" == online* ]]; then
    if [[ "$created" -eq 1 ]]; then
      pg_ctlcluster --skip-systemctl-redirect "$version" main reload >&2
    fi
  else
    log "starting Postgres $version cluster 'main'"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2
  fi
  port="$(pg_cluster_port "$version")"
  [[ -n "$port" ]] || port="$PG_PORT"
  if [[ "$port" != "$PG_PORT" ]]; then
    log "note: the Postgres $version cluster listens on port $port"
  fi
  PG_PORT="$port"
}

install_and_start_redis() {
  local url="$1"
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server
    # The package may have started its own service already.
    if wait_until 2 redis_answers "$url"; then
      return 0
    fi
  fi
  mkdir -p "$STATE_DIR"
  log "starting redis-server on $REDIS_HOST:$REDIS_PORT (log: $STATE_DIR/redis.log)"
  redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" --appendonly no \
    --maxmemory-policy noeviction --dir "$STATE_DIR" --logfile "$STATE_DIR/redis.log" \
    --pidfile "$STATE_DIR/redis.pid" >&2
}

# ---------------------------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------------------------

pg_default_url() { printf 'postgres://postgres@%s:%s/%s' "$(bracket "$PG_HOST")" "$PG_PORT" "$PG_DB"; }
redis_default_url() { printf 'redis://%s:%s/%s' "$(bracket "$REDIS_HOST")" "$REDIS_PORT" "$REDIS_DB"; }
bracket() { if [[ "$1" == *:* ]]; then printf '[%s]' "$1"; else printf '%s' "$1"; fi; }

# resolve_postgres <mode>: mode is ensure (may install/start) or env (never does).
resolve_postgres() {
  local mode="$1" url
  if [[ -n "${DATABASE_URL:-}" ]]; then
    url="$DATABASE_URL"
    if [[ "$mode" == "ensure" ]]; then
      wait_until "$WAIT_SECONDS" pg_answers "$url" ||
        die "DATABASE_URL=$(redact "$url") does not answer (waited ${WAIT_SECONDS}s). Start that server, fix the URL, or unset DATABASE_URL to use a local Postgres on $PG_HOST:$PG_PORT."
    fi
    RESOLVED_DATABASE_URL="$url"
    return 0
  fi
  url="$(pg_default_url)"
  if [[ "$mode" != "ensure" ]] || pg_answers "$url"; then
    RESOLVED_DATABASE_URL="$url"
    return 0
  fi
  if ! can_install; then
    die "no Postgres answers on $PG_HOST:$PG_PORT, and $(install_refusal)." \
      "Do one of:" \
      "- set DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/meerkat to a running Postgres (14 or newer);" \
      "- install and start Debian's 'postgresql' package (as root: apt-get install -y postgresql, then" \
      "  pg_ctlcluster --skip-systemctl-redirect <version> main start) and let user 'postgres' connect" \
      "  over TCP on 127.0.0.1 (a 'trust' line for 127.0.0.1/32 in pg_hba.conf);" \
      "- or run this script as root on a machine with apt-get, without LOCAL_SERVICES_NO_INSTALL=1."
  fi
  install_and_start_postgres
  url="$(pg_default_url)"
  wait_until "$WAIT_SECONDS" pg_answers "$url" ||
    die "Postgres was started but does not answer on $PG_HOST:$PG_PORT after ${WAIT_SECONDS}s; see /var/log/postgresql/."
  log "Postgres answers on $PG_HOST:$PG_PORT"
  RESOLVED_DATABASE_URL="$url"
}

resolve_redis() {
  local mode="$1" url
  if [[ -n "${REDIS_URL:-}" ]]; then
    url="$REDIS_URL"
    if [[ "$mode" == "ensure" ]]; then
      wait_until "$WAIT_SECONDS" redis_answers "$url" ||
        die "REDIS_URL=$(redact "$url") does not answer (waited ${WAIT_SECONDS}s). Start that server, fix the URL, or unset REDIS_URL to use a local Redis on $REDIS_HOST:$REDIS_PORT."
      warn_redis_policy "$url"
    fi
    RESOLVED_REDIS_URL="$url"
    return 0
  fi
  url="$(redis_default_url)"
  if [[ "$mode" != "ensure" ]]; then
    RESOLVED_REDIS_URL="$url"
    return 0
  fi
  if redis_answers "$url"; then
    warn_redis_policy "$url"
    RESOLVED_REDIS_URL="$url"
    return 0
  fi
  if ! can_install; then
    die "no Redis answers on $REDIS_HOST:$REDIS_PORT, and $(install_refusal)." \
      "Do one of:" \
      "- set REDIS_URL=redis://[:PASSWORD@]HOST:PORT/0 to a running Redis 6.2+ (maxmemory-policy noeviction);" \
      "- install Debian's 'redis-server' package (as root: apt-get install -y redis-server) and start it:" \
      "  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --maxmemory-policy noeviction;" \
      "- or run this script as root on a machine with apt-get, without LOCAL_SERVICES_NO_INSTALL=1."
  fi
  install_and_start_redis "$url"
  wait_until "$WAIT_SECONDS" redis_answers "$url" ||
    die "redis-server was started but does not answer on $REDIS_HOST:$REDIS_PORT after ${WAIT_SECONDS}s; see $STATE_DIR/redis.log."
  warn_redis_policy "$url"
  log "Redis answers on $REDIS_HOST:$REDIS_PORT"
  RESOLVED_REDIS_URL="$url"
}

# Prints a value as a shell word: bare when it is safe, else in single quotes (' as '\'').
shell_word() {
  local value="$1" quote="'"
  if [[ "$value" =~ ^[A-Za-z0-9_@%+=:,./-]*$ ]]; then
    printf '%s' "$value"
  else
    printf "'%s'" "${value//$quote/$quote\\$quote$quote}"
  fi
}

print_env() {
  printf 'DATABASE_URL=%s\n' "$(shell_word "$RESOLVED_DATABASE_URL")"
  printf 'REDIS_URL=%s\n' "$(shell_word "$RESOLVED_REDIS_URL")"
}

cmd_status() {
  local pg_url redis_url ok=0 policy
  pg_url="${DATABASE_URL:-$(pg_default_url)}"
  redis_url="${REDIS_URL:-$(redis_default_url)}"
  if pg_answers "$pg_url"; then
    printf 'postgres  up    %s\n' "$(redact "$pg_url")"
  else
    printf 'postgres  down  %s\n' "$(redact "$pg_url")"
    ok=1
  fi
  if redis_answers "$redis_url"; then
    policy="$(redis_policy "$redis_url")"
    printf 'redis     up    %s%s\n' "$(redact "$redis_url")" "${policy:+  (maxmemory-policy $policy)}"
  else
    printf 'redis     down  %s\n' "$(redact "$redis_url")"
    ok=1
  fi
  return "$ok"
}

main() {
  local command="${1:-ensure}"
  case "$command" in
    ensure)
      resolve_postgres ensure
      resolve_redis ensure
      print_env
      ;;
    env)
      resolve_postgres env
      resolve_redis env
      print_env
      ;;
    status)
      cmd_status
      ;;
    -h | --help | help)
      sed -n '2,/^set -euo pipefail$/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
      ;;
    *)
      die "unknown command '$command' (expected ensure, status or env)"
      ;;
  esac
}

main "$@"
