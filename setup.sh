#!/usr/bin/env bash
# setup.sh: bring a Debian/Ubuntu machine to the end state of chapters 01–02.
#
# Redis installed, listening on the Unix socket /var/run/redis/redis.sock with mode 770,
# TCP switched off (port 0), your user in the redis group, and a server answering PING.
# Idempotent: a second run changes nothing and leaves the running server alone.
# Why each setting differs from the article: shared/spec/setup.md, "What the article's
# edit really does (measured)".
set -euo pipefail

readonly CONF=/etc/redis/redis.conf
readonly BACKUP=/etc/redis/redis.conf.orig
readonly SOCK=/var/run/redis/redis.sock
readonly RUNDIR=/run/redis
readonly PIDFILE=/run/redis/redis-server.pid
readonly LOG=/var/log/redis/redis-server.log
# curl: the chapters show pages and headers with `curl -i`.
readonly PACKAGES=(redis-server redis-tools libsqlite3-dev curl)
# Only for `swift test`: the keyspace browser's test drives Debian's headless Chromium
# (Tests/KeyspaceTests). Installed with --with-test-tools, or when CI=true; a reader who only
# follows the guide never needs it.
readonly TEST_PACKAGES=(chromium)
# Only for benchmarks (`swift run -c release bench page|sessions`): the reference's HTTP load
# generator. Installed with --with-bench-tools.
readonly BENCH_PACKAGES=(wrk)
readonly START_TIMEOUT=15 # seconds to wait for PONG, and for a stopping server to exit

# The four directives, in file order. COMMENTED is the commented-out line (matched against
# the lower-cased line) that the active one replaces when no active line exists: Debian's
# shipped comment for the socket lines, the article's commented-out `port`/`bind`. It must
# not match Debian's other comments (`# port 0` in the TLS section, `# bind 127.0.0.1 ::1  # ...`).
readonly D_NAME=(unixsocket unixsocketperm port bind)
readonly D_VALUE=("$SOCK" 770 0 '127.0.0.1 -::1')
readonly D_COMMENTED=(
  '^#[ \t]*unixsocket[ \t]+/[^ \t]+[ \t]*$'
  '^#[ \t]*unixsocketperm[ \t]+[0-7]+[ \t]*$'
  '^#[ \t]*port[ \t]+6379[ \t]*$'
  '^#[ \t]*bind[ \t]+127\.0\.0\.1([ \t]+-?::1)?[ \t]*$'
)
# The chapter text quotes these reasons; keep them in sync with chapters/02.
readonly D_REASON=(
  "listen on the Unix socket the article uses (/var/run/redis/redis.sock)"
  "770, not the article's 700: members of the redis group (your web app's user) may connect"
  "port 0 turns TCP off; commenting out 'port' (the article's edit) falls back to 6379 on every interface"
  "keep loopback only, in case TCP is ever turned back on"
)

usage() {
  cat <<EOF
Usage: ./setup.sh [--with-test-tools] [--with-bench-tools] [--check | --help]

Installs and configures Redis for this guide (chapters 01-02), idempotently:
  - installs ${PACKAGES[*]} (apt-get)
  - backs up $CONF once to $BACKUP
  - sets unixsocket $SOCK, unixsocketperm 770, port 0, bind 127.0.0.1 -::1
    and prints the diff it applied
  - adds you (\$SUDO_USER) to the redis group
  - (re)starts Redis (systemd, or redis-server itself where systemd does not run)
    and waits until PING answers on the socket

Options:
  --with-test-tools  also install what 'swift test' needs beyond the guide:
                     ${TEST_PACKAGES[*]} (on by default when CI=true).
  --with-bench-tools also install what the benchmarks need: ${BENCH_PACKAGES[*]}.
  --check            change nothing; report each item as ok or would change.
                     Exit 0 if nothing would change, 1 otherwise.
  --help             show this help.

Runs as root; re-runs itself with sudo when needed.
EOF
}

# MARK: output

if [[ -t 1 && -z ${NO_COLOR:-} && ${TERM:-dumb} != dumb ]]; then
  G=$'\e[32m' Y=$'\e[33m' B=$'\e[1m' D=$'\e[2m' N=$'\e[0m'
else
  G='' Y='' B='' D='' N=''
fi
if [[ -t 2 && -z ${NO_COLOR:-} && ${TERM:-dumb} != dumb ]]; then
  R2=$'\e[31m' Y2=$'\e[33m' N2=$'\e[0m'
else
  R2='' Y2='' N2=''
fi

MODE=apply    # apply | check
WITH_TEST_TOOLS=0 # 1: install TEST_PACKAGES too (--with-test-tools, or CI=true)
WITH_BENCH_TOOLS=0 # 1: install BENCH_PACKAGES too (--with-bench-tools)
CHANGES=0     # things changed (apply) or that would change (check)
DEFERRED=()   # "ok" lines of a run that has changed nothing yet

# ok: an item already in the wanted state. A run that changes nothing prints only one
# summary line, so in apply mode these wait until the first change shows they matter.
ok() {
  if [[ $MODE == check ]]; then
    printf '%sok%s            %s\n' "$G" "$N" "$*"
  elif ((CHANGES > 0)); then
    printf '%s✓%s %s\n' "$G" "$N" "$*"
  else
    DEFERRED+=("$*")
  fi
}

# change: something this run changes (apply) or would change (check).
change() {
  CHANGES=$((CHANGES + 1))
  if [[ $MODE == check ]]; then
    printf '%swould change%s  %s\n' "$Y" "$N" "$*"
    return
  fi
  local line
  for line in ${DEFERRED[@]+"${DEFERRED[@]}"}; do
    printf '%s✓%s %s\n' "$G" "$N" "$line"
  done
  DEFERRED=()
  printf '%s→%s %s\n' "$Y" "$N" "$*"
}

note() { printf '  %s%s%s\n' "$D" "$*" "$N"; }
warn() { printf '%s!%s %s\n' "$Y2" "$N2" "$*" >&2; }
err() { printf '%s✗%s %s\n' "$R2" "$N2" "$*" >&2; }
die() {
  err "$1"
  exit "${2:-1}"
}

# MARK: preconditions

parse_args() {
  while (($#)); do
    case $1 in
      -h | --help)
        usage
        exit 0
        ;;
      --check) MODE=check ;;
      --with-test-tools) WITH_TEST_TOOLS=1 ;;
      --with-bench-tools) WITH_BENCH_TOOLS=1 ;;
      *)
        err "unknown option: $1"
        usage | sed -n 1p >&2
        printf '%s\n' "(./setup.sh --help for details)" >&2
        exit 2
        ;;
    esac
    shift
  done
}

require_debian() {
  local file ids pretty
  for file in /etc/os-release /usr/lib/os-release ''; do
    [[ -z $file || -r $file ]] && break
  done
  [[ -n $file ]] || die "cannot tell which system this is (no /etc/os-release); setup.sh supports Debian and Ubuntu only"
  # shellcheck source=/dev/null
  ids=$(. "$file" && printf ' %s %s ' "${ID:-}" "${ID_LIKE:-}")
  # shellcheck source=/dev/null
  pretty=$(. "$file" && printf '%s' "${PRETTY_NAME:-${ID:-unknown}}")
  if [[ ! ${ids,,} =~ [[:space:]](debian|ubuntu)[[:space:]] ]]; then
    die "this is $pretty; setup.sh supports Debian and Ubuntu (and their derivatives) only.
  Elsewhere, install Redis >= 7 and set in redis.conf: unixsocket $SOCK, unixsocketperm 770, port 0."
  fi
}

# Root is needed for apt-get, /etc/redis and /run/redis. The invoking user's PATH is lost
# under sudo (secure_path), so look for swift first and pass what was found along.
require_root() {
  ((EUID == 0)) && return
  local self swift
  self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
  if command -v sudo >/dev/null 2>&1; then
    swift=$(command -v swift 2>/dev/null || true)
    printf '%s\n' "setup.sh needs root (apt-get, /etc/redis, /run/redis): re-running with sudo" >&2
    exec sudo -- env SETUP_SWIFT="${swift:-none}" bash "$self" "$@"
  fi
  die "setup.sh needs root (apt-get, /etc/redis, /run/redis) and sudo is not installed.
  Run it as root instead:  su -c '$self${*:+ $*}'"
}

TMP=''
STAGED=''
cleanup() {
  [[ -n $TMP ]] && rm -rf "$TMP"
  [[ -n $STAGED ]] && rm -f "$STAGED"
  return 0
}

# MARK: packages

installed() {
  local status
  status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
  [[ $status == *' installed' ]]
}

step_packages() {
  local p missing=()
  local wanted=("${PACKAGES[@]}")
  if ((WITH_TEST_TOOLS)) || [[ ${CI:-} == true ]]; then
    wanted+=("${TEST_PACKAGES[@]}")
  fi
  if ((WITH_BENCH_TOOLS)); then
    wanted+=("${BENCH_PACKAGES[@]}")
  fi
  for p in "${wanted[@]}"; do
    installed "$p" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    ok "packages installed: ${wanted[*]}"
    return
  fi
  if [[ $MODE == check ]]; then
    change "install ${missing[*]}"
    return
  fi
  change "installing ${missing[*]} (apt-get; this can take a minute)"
  local log=$TMP/apt.log
  if ! apt-get -q update >"$log" 2>&1; then
    err "apt-get update failed: the package mirrors cannot be reached (network, proxy, or /etc/apt/sources.list)."
    tail -n 8 "$log" | sed 's/^/    /' >&2
    exit 1
  fi
  if grep -qE '^(W|E): (Failed to fetch|Some index files failed)' "$log"; then
    warn "apt-get update could not fetch every package list; trying to install anyway"
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get -q install -y "${missing[@]}" >>"$log" 2>&1; then
    if grep -qE 'Failed to fetch|Temporary failure resolving|Could not resolve|Unable to connect|Could not connect' "$log"; then
      err "apt-get install ${missing[*]} failed: the package mirrors cannot be reached (network, proxy, or /etc/apt/sources.list). apt said:"
    else
      err "apt-get install ${missing[*]} failed. apt said:"
    fi
    tail -n 12 "$log" | sed 's/^/    /' >&2
    exit 1
  fi
  if grep -q 'policy-rc.d denied execution' "$log"; then
    note "apt did not start the service (policy-rc.d, normal in containers); setup.sh starts it below"
  fi
}

# MARK: redis.conf

step_backup() {
  if [[ -e $BACKUP ]]; then
    ok "backup kept: $BACKUP"
  elif [[ ! -e $CONF ]]; then
    [[ $MODE == check ]] || die "$CONF is missing; restore it with:
  apt-get install --reinstall -o Dpkg::Options::=--force-confmiss redis-server"
    change "back up $CONF to $BACKUP (after installing redis-server)"
  elif [[ $MODE == check ]]; then
    change "back up $CONF to $BACKUP"
  else
    cp -p "$CONF" "$BACKUP"
    change "backed up $CONF to $BACKUP (kept from now on; setup.sh never overwrites it)"
  fi
}

# set_directive IN OUT ACTIONS NAME VALUE COMMENTED
# Writes IN to OUT with exactly one active `NAME VALUE` line, edited in place:
#   the first active line is replaced (if its value differs) and later active ones dropped
#   (redis would use the last); with no active line, the first line matching COMMENTED is
#   replaced; with neither, the line is appended. Appends tab-separated records
#   "action<TAB>line<TAB>old text" to ACTIONS: ok, replaced, uncommented, removed, appended.
set_directive() {
  NAME=$4 VALUE=$5 COMMENTED=$6 ACTIONS=$3 awk '
    { line[NR] = $0 }
    END {
      name = ENVIRON["NAME"]; want = name " " ENVIRON["VALUE"]
      commented = ENVIRON["COMMENTED"]; actions = ENVIRON["ACTIONS"]
      first = 0; cand = 0
      for (i = 1; i <= NR; i++) {
        s = line[i]; sub(/^[ \t]+/, "", s); sub(/[ \t\r]+$/, "", s)
        if (s ~ /^#/) { if (!cand && tolower(s) ~ commented) cand = i; continue }
        n = split(s, f, /[ \t]+/)
        if (n < 2 || tolower(f[1]) != name) continue
        v = f[2]; for (k = 3; k <= n; k++) v = v " " f[k]
        if (!first) {
          first = i
          if (name " " v == want) { print "ok\t" i "\t" line[i] > actions }
          else { print "replaced\t" i "\t" line[i] > actions; line[i] = want }
        } else {
          print "removed\t" i "\t" line[i] > actions; drop[i] = 1
        }
      }
      if (!first && cand) { print "uncommented\t" cand "\t" line[cand] > actions; line[cand] = want }
      for (i = 1; i <= NR; i++) if (!(i in drop)) print line[i]
      if (!first && !cand) { print "appended\t" NR + 1 "\t" > actions; print want }
    }' "$1" >"$2"
}

CONF_CHANGED=0 # redis.conf changed (apply) or would change (--check)
step_config() {
  if [[ ! -e $CONF ]]; then
    # Only reachable in --check before redis-server is installed.
    CONF_CHANGED=1
    change "configure $CONF (unixsocket, unixsocketperm 770, port 0, bind) once redis-server is installed"
    return
  fi
  local work=$TMP/conf.work next=$TMP/conf.next actions=$TMP/conf.actions
  local i action lineno old edits=0 what record records=()
  cp "$CONF" "$work"
  for i in "${!D_NAME[@]}"; do
    : >"$actions"
    set_directive "$work" "$next" "$actions" "${D_NAME[i]}" "${D_VALUE[i]}" "${D_COMMENTED[i]}"
    mv "$next" "$work"
    while IFS=$'\t' read -r action lineno old; do
      records+=("$i"$'\t'"$action"$'\t'"$lineno"$'\t'"$old")
      [[ $action == ok ]] || edits=$((edits + 1))
    done <"$actions"
  done

  if ((edits == 0)) && [[ $MODE != check ]]; then
    ok "redis.conf: already configured, nothing to change"
    return
  fi
  for record in "${records[@]}"; do
    IFS=$'\t' read -r i action lineno old <<<"$record"
    what="${D_NAME[i]} ${D_VALUE[i]}"
    case $action:$MODE in
      ok:check) ok "redis.conf:$lineno $what" ;;
      ok:*) ok "redis.conf:$lineno $what (already set) — ${D_REASON[i]}" ;;
      removed:*) change "redis.conf:$lineno drop duplicate '$old' — redis would use the last one" ;;
      *:check) change "redis.conf:$lineno ${old:-(end of file)} → $what" ;;
      *) change "redis.conf:$lineno $what — ${D_REASON[i]}" ;;
    esac
  done
  ((edits > 0)) || return 0
  CONF_CHANGED=1
  [[ $MODE == check ]] && return
  # Stage next to the file (same filesystem) so the move is atomic; keep owner and mode.
  STAGED=$(mktemp "$CONF.XXXXXX")
  cat "$work" >"$STAGED"
  chown --reference="$CONF" "$STAGED"
  chmod --reference="$CONF" "$STAGED"
  cp "$CONF" "$TMP/conf.before"
  mv -f "$STAGED" "$CONF"
  STAGED=''
  printf '%s\n' "${B}diff of $CONF (this run):${N}"
  diff -u --label "redis.conf (before)" --label "redis.conf (after)" "$TMP/conf.before" "$CONF" |
    sed 's/^/    /' || true
}

# MARK: group

USER_TO_CHECK=''
step_group() {
  local user=${SUDO_USER:-}
  if [[ -z $user || $user == root ]]; then
    ok "no user to add to group redis (run as root, not through sudo); root bypasses socket permissions"
    return
  fi
  if ! id -u "$user" >/dev/null 2>&1; then
    warn "SUDO_USER=$user is not a user on this machine; not adding anyone to group redis"
    return
  fi
  USER_TO_CHECK=$user
  if ! getent group redis >/dev/null; then
    [[ $MODE == check ]] || die "group redis does not exist; reinstall redis-server (apt-get install --reinstall redis-server)"
    change "add $user to group redis (after installing redis-server)"
  elif id -nG "$user" | tr ' ' '\n' | grep -qx redis; then
    ok "$user is in group redis"
  elif [[ $MODE == check ]]; then
    change "add $user to group redis"
  else
    usermod -aG redis "$user"
    change "added $user to group redis so your app can use the 770 socket; a new login or 'newgrp redis' picks the group up"
  fi
}

# MARK: server

PING_ERR=''
ping_socket() {
  local out
  if out=$(timeout 3 redis-cli -s "$SOCK" ping 2>&1) && [[ $out == PONG ]]; then
    return 0
  fi
  PING_ERR=${out:-no answer within 3 s}
  return 1
}

live() { timeout 3 redis-cli -s "$SOCK" "$@" 2>/dev/null | tr -d '\r'; }
live_info() { live info server | sed -n "s/^$1://p"; }

# Prints the first directive whose live value differs from the wanted one; nothing if all
# match (or CONFIG is unavailable). Catches a server started before redis.conf was edited.
live_config_differs() {
  local i got
  for i in "${!D_NAME[@]}"; do
    got=$(live config get "${D_NAME[i]}" | sed -n 2p)
    if [[ -n $got && $got != "${D_VALUE[i]}" ]]; then
      printf '%s %s' "${D_NAME[i]}" "$got"
      return
    fi
  done
}

# A live redis-server process (not a zombie waiting for a reaper, common in containers).
is_redis_pid() {
  local stat state
  [[ $1 =~ ^[0-9]+$ ]] || return 1
  [[ $(cat "/proc/$1/comm" 2>/dev/null) == redis-server ]] || return 1
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  state=${stat##*) }
  [[ ${state%% *} != Z ]]
}

# The pid of the running redis-server: from its pid file, else from INFO over the socket.
server_pid() {
  local pid=''
  if [[ -r $PIDFILE ]]; then
    read -r pid <"$PIDFILE" || true
  fi
  # A pid file can outlive its server (containers keep /run): trust it only if that pid is a
  # redis-server running as the redis user, as the service runs, never another redis-server
  # (the tests start many, as whoever runs them).
  if is_redis_pid "$pid" && [[ $(stat -c %U "/proc/$pid" 2>/dev/null) == redis ]]; then
    printf '%s' "$pid"
    return
  fi
  pid=$(live_info process_id)
  [[ $pid =~ ^[0-9]+$ ]] && printf '%s' "$pid"
  return 0
}

log_tail() {
  if [[ -r $LOG ]]; then
    printf 'last 20 lines of %s:\n' "$LOG" >&2
    tail -n 20 "$LOG" | sed 's/^/    /' >&2
  else
    printf '(no log at %s)\n' "$LOG" >&2
  fi
}

wait_for_pong() {
  local i
  for ((i = 0; i < START_TIMEOUT * 4; i++)); do
    ping_socket && return 0
    sleep 0.25
  done
  err "Redis did not answer PING on $SOCK within $START_TIMEOUT s: $PING_ERR"
  if [[ -S $SOCK ]]; then
    printf 'the socket exists but does not accept connections:\n    %s\n' "$(ls -l "$SOCK")" >&2
    case $PING_ERR in
      *'Permission denied'*)
        printf 'fix: unixsocketperm 770 in %s (then rerun ./setup.sh), and your user in group redis\n' "$CONF" >&2
        ;;
      *)
        printf 'fix: no server is behind it (stale socket); see the log below, then: rm %s && ./setup.sh\n' "$SOCK" >&2
        ;;
    esac
  fi
  log_tail
  exit 1
}

# Before a restart: a server holding keys with persistence off (no save points, no AOF)
# would lose them all on SIGTERM. Snapshot them first; Redis loads dump.rdb when it starts.
# Refuses to go on if that snapshot fails: a restart must never cost the reader's data.
save_before_restart() {
  local cli=() keys save aof
  if timeout 3 redis-cli -s "$SOCK" ping >/dev/null 2>&1; then
    cli=(redis-cli -s "$SOCK")
  elif timeout 3 redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
    cli=(redis-cli -h 127.0.0.1 -p 6379)
  else
    return 0  # not reachable without credentials: SIGTERM saves if it has save points
  fi
  keys=$(timeout 3 "${cli[@]}" info keyspace 2>/dev/null | grep -c '^db' || true)
  [[ ${keys:-0} -gt 0 ]] || return 0
  save=$(timeout 3 "${cli[@]}" config get save 2>/dev/null | sed -n 2p | tr -d '\r')
  aof=$(timeout 3 "${cli[@]}" config get appendonly 2>/dev/null | sed -n 2p | tr -d '\r')
  [[ -z $save && $aof != yes ]] || return 0
  if timeout 120 "${cli[@]}" save 2>/dev/null | grep -q OK; then
    change "saved a snapshot first: persistence is off, so a restart would have lost the keys"
  else
    die "Redis holds keys, persistence is off, and SAVE failed: not restarting, so nothing is lost. Save or back up the data, then rerun ./setup.sh"
  fi
}

stop_server() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  # A large dataset takes a while to save on shutdown: wait for it rather than interrupt it.
  for ((i = 0; i < START_TIMEOUT * 4 * 4; i++)); do
    is_redis_pid "$pid" || return 0
    sleep 0.25
  done
  err "redis-server (pid $pid) did not stop within $((START_TIMEOUT * 4)) s after SIGTERM"
  log_tail
  printf 'fix: wait for it to finish saving (see the log), or stop it yourself with: kill %s\n' "$pid" >&2
  printf '     (kill -9 would lose whatever it has not saved yet)\n' >&2
  exit 1
}

# Without systemd: what the Debian unit would do (RuntimeDirectory=redis mode 2755,
# User=redis, UMask=007), with the config's own daemonize/pidfile/logfile.
start_server() {
  local out
  mkdir -p "$RUNDIR"
  chown redis:redis "$RUNDIR"
  chmod 2755 "$RUNDIR"
  # The socket's folder too, should /var/run not be a link to /run on this system.
  mkdir -p "$(dirname "$SOCK")"
  chown redis:redis "$(dirname "$SOCK")"
  # --daemonize yes: a config that says `daemonize no` must not keep this script waiting.
  if ! out=$(umask 007 && runuser -u redis -- redis-server "$CONF" --daemonize yes --pidfile "$PIDFILE" 2>&1); then
    err "redis-server refused to start ($CONF):"
    printf '%s\n' "${out:-(no message)}" | sed '/^[[:space:]]*$/d; s/^/    /' >&2
    log_tail
    exit 1
  fi
}

# Why the server needs a (re)start; empty when it can be left alone.
restart_reason() {
  local answering=$1 pid=$2 differs
  if [[ -z $pid && $answering == no ]]; then
    printf 'not running'
  elif ((CONF_CHANGED)); then
    printf 'to apply the new redis.conf'
  elif [[ $answering == no ]]; then
    printf 'not answering on %s' "$SOCK"
  elif differs=$(live_config_differs) && [[ -n $differs ]]; then
    printf 'running with an older config: %s' "$differs"
  fi
}

step_server() {
  local answering=no pid reason
  ping_socket && answering=yes
  pid=$(server_pid)
  reason=$(restart_reason "$answering" "$pid")

  if [[ -d /run/systemd/system ]]; then
    if ! systemctl is-enabled --quiet redis-server 2>/dev/null; then
      if [[ $MODE == check ]]; then
        change "systemctl enable redis-server (start at boot)"
      else
        systemctl enable --quiet redis-server || die "systemctl enable redis-server failed"
        change "enabled redis-server at boot (systemctl enable)"
      fi
    fi
    if [[ -z $reason ]] && ! systemctl is-active --quiet redis-server; then
      reason="not active"
    fi
    if [[ -z $reason ]]; then
      ok "redis-server (systemd, pid ${pid:-?}) answers PONG on $SOCK"
      return
    fi
    if [[ $MODE == check ]]; then
      change "systemctl restart redis-server ($reason)"
      return
    fi
    save_before_restart
    if ! systemctl restart redis-server; then
      err "systemctl restart redis-server failed"
      journalctl -u redis-server -n 20 --no-pager >&2 2>/dev/null || true
      log_tail
      exit 1
    fi
    wait_for_pong
    change "restarted redis-server with systemd ($reason); pid $(server_pid)"
    return
  fi

  if [[ -z $reason ]]; then
    ok "redis-server (pid $pid) answers PONG on $SOCK"
    return
  fi
  if [[ $MODE == check ]]; then
    if [[ -n $pid ]]; then
      change "restart redis-server, pid $pid ($reason)"
    else
      change "start redis-server ($reason)"
    fi
    return
  fi
  if [[ -n $pid ]]; then
    save_before_restart
    stop_server "$pid"
    start_server
    wait_for_pong
    change "restarted redis-server ($reason): pid $pid stopped, pid $(server_pid) answers PONG on $SOCK (no systemd here)"
  else
    start_server
    wait_for_pong
    change "started redis-server as user redis, pid $(server_pid) answers PONG on $SOCK (no systemd here)"
  fi
}

# MARK: after the server is up

step_verify() {
  [[ $MODE == check ]] && return
  local out
  if out=$(timeout 3 redis-cli -p 6379 ping 2>&1) && [[ $out == PONG ]]; then
    warn "something still answers on TCP port 6379 (another redis-server?); this one has port 0"
  fi
  [[ -n $USER_TO_CHECK ]] || return 0
  # runuser reads the user's groups from /etc/group: this is what their next login gets.
  if out=$(runuser -u "$USER_TO_CHECK" -- timeout 3 redis-cli -s "$SOCK" ping 2>&1) && [[ $out == PONG ]]; then
    ok "$USER_TO_CHECK can connect to $SOCK (from a new login)"
  else
    err "$USER_TO_CHECK cannot connect to $SOCK: $out"
    printf '    %s\n' "$(ls -l "$SOCK" 2>&1)" >&2
    printf 'fix: the socket must be srwxrwx--- redis redis (unixsocketperm 770) and %s in group redis:\n' "$USER_TO_CHECK" >&2
    printf '    sudo usermod -aG redis %s, then log in again (or newgrp redis)\n' "$USER_TO_CHECK" >&2
    exit 1
  fi
}

step_swift() {
  local swift=${SETUP_SWIFT:-}
  if [[ -z $swift ]]; then
    swift=$(command -v swift 2>/dev/null || true)
  fi
  if [[ -z $swift || $swift == none ]]; then
    warn "swift is not on PATH: the README's next command (swift run guide) needs the Swift 6 toolchain from https://swift.org/install"
  fi
}

finish() {
  local version
  if [[ $MODE == check ]]; then
    if ((CHANGES == 0)); then
      printf '%s\n' "${G}Nothing to change.${N}"
      exit 0
    fi
    printf '%s\n' "${Y}$CHANGES item(s) would change; run ./setup.sh to apply.${N}"
    exit 1
  fi
  version=$(live_info redis_version)
  if ((CHANGES == 0)); then
    printf '%s\n' "${G}Nothing to change:${N} Redis $version answers PONG on $SOCK"
  else
    printf '%s\n' "${G}Done:${N} Redis $version answers PONG on $SOCK"
  fi
  printf '\n%s%s, you should see:\n' "${B}Next${N}" \
    "${USER_TO_CHECK:+ (as $USER_TO_CHECK, from a new login or after 'newgrp redis')}"
  printf '  %-44s %s→%s %s\n' \
    "redis-cli -s $SOCK ping" "$D" "$N" "PONG" \
    "redis-cli -p 6379 ping" "$D" "$N" "Could not connect to Redis at 127.0.0.1:6379: Connection refused" \
    "ls -l $SOCK" "$D" "$N" "srwxrwx--- 1 redis redis 0 ... $SOCK"
  printf 'Then: swift run guide   (the chapters, step by step)\n      swift test\n'
}

main() {
  parse_args "$@"
  require_debian
  require_root "$@"
  TMP=$(mktemp -d)
  trap cleanup EXIT
  [[ $MODE == check ]] && printf '%s\n' "${B}setup.sh --check${N}: nothing will be changed"
  step_packages
  step_backup
  step_config
  step_group
  step_server
  step_verify
  step_swift
  finish
}

main "$@"
