#!/usr/bin/env bash
# setup.sh: bring a Debian/Ubuntu machine to the end state of chapters 01–02.
#
# Redis installed, listening on the Unix socket /var/run/redis/redis.sock with mode 770,
# TCP switched off (port 0), your user in the redis group, and a server answering PING.
# Idempotent: a second run changes nothing and leaves the running server alone.
# Why each setting differs from the article: shared/spec/setup.md, "What the article's
# edit really does (measured)".
set -euo pipefail

# SETUP_CONF: another file to configure, for setup.sh's own tests (with --config-only).
readonly CONF=${SETUP_CONF:-/etc/redis/redis.conf}
readonly BACKUP=$CONF.orig
readonly SOCK=/var/run/redis/redis.sock
readonly RUNDIR=/run/redis
readonly PIDFILE=/run/redis/redis-server.pid
readonly LOG=/var/log/redis/redis-server.log
# curl: the chapters show pages and headers with `curl -i`.
# acl: setfacl, for the ACL entry that lets the reader's current shell use the socket.
# python3-venv: chapter 07 runs Django itself beside the Swift site, from PyPI in a virtualenv
# under .build/django (see step_django).
# zlib1g-dev: zlib's header, which compress-nio (the cache's and sessions' zlib) builds against.
readonly PACKAGES=(redis-server redis-tools libsqlite3-dev zlib1g-dev curl acl python3-venv)
# Only for `swift test`: the keyspace browser's test drives Debian's headless Chromium
# (Tests/LarderKeyspaceTests). Installed with --with-test-tools, or when CI=true; a reader who only
# follows the guide never needs it.
# graphviz: the chapters' diagrams are drawn by `dot` from chapters/images/*.dot; a test checks
# that each committed .svg is what `dot` draws from its source.
# openssl: the TLS tests make their CA and certificates with it, at test time (never committed).
readonly TEST_PACKAGES=(chromium graphviz openssl)
# Only for benchmarks (`swift run -c release bench page|sessions`): the reference's HTTP load
# generator. Installed with --with-bench-tools.
readonly BENCH_PACKAGES=(wrk)
# Where step_django puts its virtualenvs, one per requirements file in chapters/django
# (django-redis-cache needs redis-py < 4, django-redis needs >= 4: they cannot share one).
# The guide's (chapter 07) is always installed; the others only with the test tools.
readonly DJANGO_GUIDE_ENVIRONMENT=django-redis
readonly PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly DJANGO_DIR=$PROJECT_DIR/.build/django
readonly DJANGO_REQUIREMENTS=$PROJECT_DIR/chapters/django
readonly START_TIMEOUT=15 # seconds to wait for PONG, and for a stopping server to exit
# --app-user: the app's least-privilege ACL user. Its name and rules are in one file, which the
# tests and chapter 08 read too; its password is made once and kept, for the checkout's owner only.
readonly APP_USER_RULES=$PROJECT_DIR/chapters/acl/guide-app.acl
# SETUP_APP_USER_SECRET: another file, for setup.sh's own tests (with SETUP_CONF and --config-only).
readonly APP_USER_SECRET=${SETUP_APP_USER_SECRET:-$PROJECT_DIR/.redis-app-user}

# The four directives, in file order. COMMENTED is the commented-out line (matched against
# the lower-cased line) that the active one replaces when no active line exists: Debian's
# shipped comment for the socket lines, the article's commented-out `port`/`bind`. It must
# not match Debian's other comments (`# port 0` in the TLS section, `# bind 127.0.0.1 ::1  # ...`).
# tls-port is edited only where an active line exists (TLS is off unless configured).
readonly D_NAME=(unixsocket unixsocketperm port bind tls-port)
readonly D_VALUE=("$SOCK" 770 0 '127.0.0.1 -::1' 0)
readonly D_COMMENTED=(
  '^#[ \t]*unixsocket[ \t]+/[^ \t]+[ \t]*$'
  '^#[ \t]*unixsocketperm[ \t]+[0-7]+[ \t]*$'
  '^#[ \t]*port[ \t]+6379[ \t]*$'
  '^#[ \t]*bind[ \t]+127\.0\.0\.1([ \t]+-?::1)?[ \t]*$'
  ''
)
readonly D_ONLY_IF_ACTIVE=(0 0 0 0 1)
# The chapter text quotes these reasons; keep them in sync with chapters/02.
readonly D_REASON=(
  "listen on the Unix socket the article uses (/var/run/redis/redis.sock)"
  "770, not the article's 700: members of the redis group (your web app's user) may connect"
  "port 0 turns TCP off; commenting out 'port' (the article's edit) falls back to 6379, on every interface when 'bind' is commented out too"
  "keep loopback only, in case TCP is ever turned back on"
  "a TLS port is TCP too: 0 keeps the socket the only way in"
)

usage() {
  cat <<EOF
Usage: ./setup.sh [--with-test-tools] [--with-bench-tools] [--app-user] [--user NAME] [--check | --help]

Installs and configures Redis for this guide (chapters 01-02), idempotently:
  - installs ${PACKAGES[*]} (apt-get)
  - backs up $CONF once to $BACKUP
  - sets unixsocket $SOCK, unixsocketperm 770, port 0, bind 127.0.0.1 -::1
    and prints the diff it applied
  - adds you (\$SUDO_USER, or --user NAME) to the redis group, and lets the shell
    you ran it from use the socket at once (an ACL entry on it: groups reach new logins only)
  - (re)starts Redis (systemd, or redis-server itself where systemd does not run)
    and waits until PING answers on the socket
  - installs Django 5.2 with its Redis backends from PyPI into .build/django
    (chapter 07 runs a Django app beside the Swift site), as the checkout's owner

Options:
  --with-test-tools  also install what 'swift test' needs beyond the guide:
                     ${TEST_PACKAGES[*]}, and django-redis-cache (the article's
                     backend) from PyPI beside Django (on by default when CI=true).
  --with-bench-tools also install what the benchmarks need: ${BENCH_PACKAGES[*]}.
  --app-user         also create the app's own Redis user (chapter 08), with the
                     rules in chapters/acl/guide-app.acl (its keys only, no
                     @dangerous commands: FLUSHALL, CONFIG, KEYS are refused): a
                     'user' line in $CONF, its password made once and kept in
                     .redis-app-user (mode 600, the checkout owner's, git-ignored).
  --user NAME        the user to give access to the socket, when setup.sh runs as
                     root without sudo (su -c): the user you follow the guide as.
  --config-only      only back up and edit redis.conf (\$SETUP_CONF for another file;
                     setup.sh's own tests use it), then stop. With --app-user, the
                     user's line and password file too (\$SETUP_APP_USER_SECRET).
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
TARGET_USER=''    # --user NAME: the reader, when root runs setup.sh without sudo
CONFIG_ONLY=0     # 1: --config-only
APP_USER=0        # 1: --app-user
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
      --config-only) CONFIG_ONLY=1 ;;
      --app-user) APP_USER=1 ;;
      --user)
        (($# >= 2)) && [[ -n $2 && $2 != -* ]] || die "--user needs a user name: --user $(id -un)" 2
        TARGET_USER=$2
        shift
        ;;
      --user=*) TARGET_USER=${1#--user=} ;;
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
  # Under su, root does not know who the reader is: say it with --user.
  local args=("$@")
  [[ " $* " == *" --user"* ]] || args+=(--user "$(id -un)")
  die "setup.sh needs root (apt-get, /etc/redis, /run/redis) and sudo is not installed.
  Run it as root, naming yourself so that you get the socket:
    su -c '$self ${args[*]}'"
}

TMP=''
cleanup() {
  [[ -n $TMP ]] && rm -rf "$TMP"
  [[ -n $STAGE ]] && rm -rf "$STAGE"
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

# /etc/redis is drwxrws--- redis:redis: every member of the redis group (you, your web app's
# user, a compromised app) may create, rename and delete files in it. So root never opens a
# path there that such a member could have swapped for a symbolic link: redis.conf is read
# without following links (cp -P, which also checks that the file it opened is the one it
# examined), each new file is built in a folder only root can enter (STAGE, next to the config
# folder, same filesystem), and moved into place with rename(2) (mv -T) or link(2) (ln), which
# replace or create the name itself and never follow what stands there.
STAGE=''
make_stage() {
  [[ -n $STAGE ]] && return 0
  local dir parent mode
  dir=$(dirname "$CONF")
  parent=$(dirname "$dir")
  mode=$(stat -c %a "$parent")
  if [[ $(stat -c %u "$parent") != 0 ]] || (((8#$mode & 8#022) != 0)); then
    die "$parent is not a folder only root can write ($(stat -c '%A %U:%G' "$parent")): setup.sh will not build files there"
  fi
  if [[ $(stat -c %d "$parent") != "$(stat -c %d "$dir")" ]]; then
    die "$dir is on another filesystem than $parent, so setup.sh cannot move a new file into it atomically.
  Make the edits chapter 02 lists by hand, then rerun ./setup.sh --check"
  fi
  STAGE=$(mktemp -d "$parent/.redis-setup.XXXXXX")
}

# copy_conf DEST: copies redis.conf (content, owner, mode, times) to DEST, a root-only place,
# without following a link; dies if redis.conf is not a regular file.
copy_conf() {
  if [[ -L $CONF ]]; then
    die "$CONF is a symbolic link (to $(readlink "$CONF")): setup.sh edits only a regular file there,
  since any member of the redis group may change a link in $(dirname "$CONF").
  Replace the link with a copy of the file it points to, then rerun ./setup.sh"
  fi
  [[ -f $CONF ]] || die "$CONF is not a regular file: $(ls -ld "$CONF" 2>&1)"
  timeout 30 cp -P --preserve=mode,ownership,timestamps "$CONF" "$1" ||
    die "cannot read $CONF (it changed while setup.sh read it?): nothing was written; rerun ./setup.sh"
  [[ -f $1 && ! -L $1 ]] ||
    die "$CONF turned into a link or a special file while setup.sh read it: nothing was written. Check who else writes to $(dirname "$CONF")"
}

step_backup() {
  if [[ -L $BACKUP ]]; then
    warn "$BACKUP is a symbolic link, not a backup setup.sh made: leaving it alone (nothing is written through it)"
  elif [[ -e $BACKUP ]]; then
    ok "backup kept: $BACKUP"
  elif [[ ! -e $CONF ]]; then
    [[ $MODE == check ]] || die "$CONF is missing; restore it with:
  apt-get install --reinstall -o Dpkg::Options::=--force-confmiss redis-server"
    change "back up $CONF to $BACKUP (after installing redis-server)"
  elif [[ $MODE == check ]]; then
    change "back up $CONF to $BACKUP"
  else
    make_stage
    copy_conf "$STAGE/backup"
    # link(2) creates the name or fails if anything (a link included) is already there.
    if ln -T "$STAGE/backup" "$BACKUP" 2>/dev/null; then
      change "backed up $CONF to $BACKUP (kept from now on; setup.sh never overwrites it)"
    else
      warn "$BACKUP appeared while setup.sh made it: leaving that file alone"
    fi
    rm -f "$STAGE/backup"
  fi
}

# Directives in an included file override redis.conf's or are overridden by them, depending
# on where the include line stands. setup.sh edits redis.conf only, so it stops when an
# included file (or one it includes) sets one of its directives: `port 6379` there would keep
# TCP open behind the `port 0` here. The files are read as the redis user, as Redis reads them
# (a group member may write any path into redis.conf: root must not open it), with a time
# limit; a relative include, which Redis resolves against its own working folder, is refused.
readonly INCLUDE_SCAN='
  names=$1 conf=$2 seen=" "
  scan() { # stdin: a config file
    local line pattern file
    while IFS= read -r line; do
      set -f; set -- $line; set +f
      [[ ${1,,} == include && -n ${2:-} ]] || continue
      pattern=$2
      [[ $pattern == /* ]] || { printf "relative\t%s\n" "$pattern"; continue; }
      for file in $pattern; do
        [[ -f $file && ! $file -ef $conf && $seen != *" $file "* ]] || continue
        seen+="$file "
        grep -inHE "^[[:space:]]*($names)[[:space:]]" -- "$file" 2>/dev/null
        { scan <"$file"; } 2>/dev/null
      done
    done
  }
  scan
  exit 0
'
check_includes() {
  local names found
  names=$(IFS='|' && printf '%s' "${D_NAME[*]}")
  found=$(runuser -u redis -- timeout 10 bash -c "$INCLUDE_SCAN" _ "$names" "$CONF" <"$1") ||
    die "could not read the files $CONF includes within 10 s (as the redis user): check its include lines"
  [[ -n $found ]] || return 0
  if grep -q $'^relative\t' <<<"$found"; then
    die "$CONF includes $(sed -n $'s/^relative\t//p' <<<"$found" | head -n 1) by a relative path, which Redis resolves
  against its own working folder: write it as an absolute path, then rerun ./setup.sh"
  fi
  err "$CONF includes files that set what setup.sh configures, and setup.sh edits redis.conf only:"
  sed 's/^/    /' <<<"$found" >&2
  die "remove or comment out those lines (setup.sh sets them in $CONF), then rerun ./setup.sh"
}

# set_directive IN OUT ACTIONS NAME VALUE COMMENTED ONLY_IF_ACTIVE
# Writes IN to OUT with exactly one active `NAME VALUE` line, edited in place:
#   the first active line is replaced (if its value differs) and later active ones dropped
#   (redis would use the last); with no active line, the first line matching COMMENTED (if
#   not empty) is replaced; with neither, the line is appended unless ONLY_IF_ACTIVE is 1.
#   Appends tab-separated records "action<TAB>line<TAB>old text" to ACTIONS: ok, replaced,
#   uncommented, removed, appended.
set_directive() {
  NAME=$4 VALUE=$5 COMMENTED=$6 ONLY=${7:-0} ACTIONS=$3 awk '
    { line[NR] = $0 }
    END {
      name = ENVIRON["NAME"]; want = name " " ENVIRON["VALUE"]
      commented = ENVIRON["COMMENTED"]; actions = ENVIRON["ACTIONS"]; only = ENVIRON["ONLY"] == "1"
      first = 0; cand = 0
      for (i = 1; i <= NR; i++) {
        s = line[i]; sub(/^[ \t]+/, "", s); sub(/[ \t\r]+$/, "", s)
        if (s ~ /^#/) { if (!cand && commented != "" && tolower(s) ~ commented) cand = i; continue }
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
      if (!first && !cand && !only) { print "appended\t" NR + 1 "\t" > actions; print want }
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
  local work=$TMP/conf.work next=$TMP/conf.next actions=$TMP/conf.actions before=$TMP/conf.before
  local i action lineno old edits=0 what record records=()
  copy_conf "$before"
  check_includes "$before"
  cp "$before" "$work"
  for i in "${!D_NAME[@]}"; do
    : >"$actions"
    set_directive "$work" "$next" "$actions" "${D_NAME[i]}" "${D_VALUE[i]}" "${D_COMMENTED[i]}" "${D_ONLY_IF_ACTIVE[i]}"
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
  # The new file needs a restart; a server setup.sh cannot log in to is not restarted (its keys
  # cannot be snapshotted first), so its config is left as it is too.
  read_requirepass "$work"
  if ((!CONFIG_ONLY)) && ping_socket && ((LOCKED)); then
    die "redis.conf needs the changes above, and then a restart, but Redis on $SOCK asks for credentials
  setup.sh does not have (ACL users, or a password other than redis.conf's requirepass): nothing was
  changed. Save your data and stop Redis yourself (redis-cli --user NAME --askpass -s $SOCK shutdown save),
  then rerun ./setup.sh"
  fi
  # Built where only root can reach it, with the file's owner and mode, then renamed over
  # redis.conf: the rename replaces whatever stands there (a link too) and follows nothing.
  make_stage
  cat "$work" >"$STAGE/redis.conf"
  chown --reference="$before" "$STAGE/redis.conf"
  chmod --reference="$before" "$STAGE/redis.conf"
  mv -fT "$STAGE/redis.conf" "$CONF"
  printf '%s\n' "${B}diff of $CONF (this run):${N}"
  diff -u --label "redis.conf (before)" --label "redis.conf (after)" "$before" "$work" |
    sed 's/^/    /' || true
}

# MARK: the app's ACL user (--app-user)

APP_USER_NAME=''  # from APP_USER_RULES
APP_USER_ACL=''   # its rules, as a redis.conf `user` line writes them
APP_USER_PASSWORD=''
read_app_user_rules() {
  local line
  [[ -f $APP_USER_RULES ]] || die "$APP_USER_RULES is missing: is this a complete checkout?"
  line=$(grep -vE '^[[:space:]]*(#|$)' "$APP_USER_RULES" | head -n 1)
  read -r APP_USER_NAME APP_USER_ACL <<<"$line"
  [[ $APP_USER_NAME =~ ^[A-Za-z0-9_-]+$ && -n $APP_USER_ACL ]] ||
    die "$APP_USER_RULES holds no 'NAME RULES...' line"
}

# The password, made once (32 letters and digits: nothing to escape in a URL) and kept in
# APP_USER_SECRET, written by the checkout's owner with umask 077: theirs alone. A re-run
# reads it back, so the apps already using it keep working.
app_user_password() {
  local owner mode
  owner=$(project_owner)
  if [[ -L $APP_USER_SECRET ]]; then
    die "$APP_USER_SECRET is a symbolic link: setup.sh keeps the password in a regular file only. Remove the link, then rerun ./setup.sh --app-user"
  fi
  if [[ -f $APP_USER_SECRET ]]; then
    APP_USER_PASSWORD=$(as_project_owner head -n 1 "$APP_USER_SECRET")
    [[ $APP_USER_PASSWORD =~ ^[A-Za-z0-9]{16,}$ ]] ||
      die "$APP_USER_SECRET does not hold a password setup.sh made (16 or more letters and digits): remove it to make a new one"
    mode=$(stat -c %a "$APP_USER_SECRET")
    if [[ $mode != 600 || $(stat -c %U "$APP_USER_SECRET") != "$owner" ]]; then
      if [[ $MODE == check ]]; then
        change "$APP_USER_SECRET: mode $mode → 600, owner $owner"
      else
        as_project_owner chmod 600 "$APP_USER_SECRET" || die "cannot chmod 600 $APP_USER_SECRET as $owner"
        change "$APP_USER_SECRET: mode 600 (it was $mode): only $owner may read the password"
      fi
    else
      ok "the password of Redis user $APP_USER_NAME is kept in $APP_USER_SECRET (mode 600, $owner's)"
    fi
    return
  fi
  if [[ $MODE == check ]]; then
    change "make a password for Redis user $APP_USER_NAME in $APP_USER_SECRET (mode 600, $owner's)"
    return
  fi
  APP_USER_PASSWORD=$(head -c 64 /dev/urandom | base64 -w 0 | tr -dc 'A-Za-z0-9' | head -c 32)
  # noclobber: the file is created here, never written through something that appeared meanwhile.
  as_project_owner bash -c 'umask 077 && set -o noclobber && printf "%s\n" "$1" >"$2"' _ "$APP_USER_PASSWORD" "$APP_USER_SECRET" ||
    die "cannot write $APP_USER_SECRET as $owner"
  change "made a password for Redis user $APP_USER_NAME in $APP_USER_SECRET (mode 600, readable by $owner only; git-ignored)"
}

# One `user NAME reset on #SHA256 RULES` line in redis.conf (replacing any other line for NAME),
# so the user survives restarts; Redis reads `user` lines when no aclfile is set. The password
# is stored as its SHA-256 only.
step_app_user() {
  ((APP_USER)) || return 0
  read_app_user_rules
  app_user_password
  if [[ ! -e $CONF ]]; then
    CONF_CHANGED=1
    change "redis.conf: add Redis user $APP_USER_NAME once redis-server is installed"
    return
  fi
  local before=$TMP/acl.before work=$TMP/acl.work want hash
  copy_conf "$before"
  if grep -qiE '^[[:space:]]*aclfile[[:space:]]' "$before"; then
    die "$CONF names an aclfile: Redis then ignores 'user' lines in redis.conf. Add the user to that file yourself:
  user $APP_USER_NAME reset on >PASSWORD $APP_USER_ACL"
  fi
  if [[ -z $APP_USER_PASSWORD ]]; then
    # --check before the password exists: the line will change.
    CONF_CHANGED=1
    change "redis.conf: add 'user $APP_USER_NAME reset on #<sha256 of the password> $APP_USER_ACL'"
    return
  fi
  hash=$(printf '%s' "$APP_USER_PASSWORD" | sha256sum | cut -d ' ' -f 1)
  want="user $APP_USER_NAME reset on #$hash $APP_USER_ACL"
  NAME=$APP_USER_NAME WANT=$want awk '
    { s = $0; sub(/^[ \t]+/, "", s); n = split(s, f, /[ \t]+/)
      if (n >= 2 && tolower(f[1]) == "user" && f[2] == ENVIRON["NAME"]) next
      print }
    END { print ENVIRON["WANT"] }' "$before" >"$work"
  if cmp -s "$before" "$work"; then
    ok "redis.conf: user $APP_USER_NAME with the rules of chapters/acl/guide-app.acl"
    return
  fi
  CONF_CHANGED=1
  if [[ $MODE == check ]]; then
    change "redis.conf: set 'user $APP_USER_NAME reset on #<sha256> $APP_USER_ACL'"
    return
  fi
  make_stage
  cat "$work" >"$STAGE/redis.conf"
  chown --reference="$before" "$STAGE/redis.conf"
  chmod --reference="$before" "$STAGE/redis.conf"
  mv -fT "$STAGE/redis.conf" "$CONF"
  change "redis.conf: user $APP_USER_NAME reset on #<sha256 of its password> $APP_USER_ACL"
}

# After the restart: the user logs in, and is refused what it must be refused.
APP_USER_READY=0
step_app_user_verify() {
  ((APP_USER)) && [[ $MODE != check ]] || return 0
  local pong refused
  pong=$(REDISCLI_AUTH=$APP_USER_PASSWORD timeout 3 redis-cli --no-auth-warning --user "$APP_USER_NAME" -s "$SOCK" ping 2>&1 | tr -d '\r') || true
  [[ $pong == PONG ]] || die "Redis user $APP_USER_NAME cannot log in on $SOCK ($pong): check that $CONF's 'user $APP_USER_NAME' line is the last one for it"
  refused=$(REDISCLI_AUTH=$APP_USER_PASSWORD timeout 3 redis-cli --no-auth-warning --user "$APP_USER_NAME" -s "$SOCK" flushall 2>&1 | tr -d '\r') || true
  [[ $refused == NOPERM* ]] || die "Redis user $APP_USER_NAME was not refused FLUSHALL ($refused): its rules in $APP_USER_RULES must keep -@dangerous"
  ok "Redis user $APP_USER_NAME logs in on $SOCK and is refused FLUSHALL (NOPERM)"
  APP_USER_READY=1
}

# MARK: group

USER_TO_CHECK=''
step_group() {
  local user=${TARGET_USER:-${SUDO_USER:-}}
  if [[ -z $user || $user == root ]]; then
    ok "no user to add to group redis (run as root, not through sudo; --user NAME names one); root bypasses socket permissions"
    return
  fi
  if ! id -u "$user" >/dev/null 2>&1; then
    [[ -n $TARGET_USER ]] && die "--user $user: no such user on this machine"
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
    change "added $user to group redis so your app can use the 770 socket (new logins have the group)"
  fi
}

# MARK: server

# The password redis.conf sets (requirepass), passed to redis-cli in its environment, never
# on its command line (which every user can read in ps). ACL users (aclfile, `user` lines)
# setup.sh cannot know: such a server answers, but locked (LOCKED=1).
AUTH=''
read_requirepass() {
  [[ -f $1 ]] || return 0
  AUTH=$(awk 'tolower($1) == "requirepass" {
      v = $0; sub(/^[ \t]*[^ \t]+[ \t]+/, "", v); sub(/[ \t\r]+$/, "", v)
      if (v ~ /^".*"$/) { v = substr(v, 2, length(v) - 2); gsub(/\\"/, "\"", v); gsub(/\\\\/, "\\", v) }
      else if (v ~ /^\047.*\047$/) { v = substr(v, 2, length(v) - 2); gsub(/\\\047/, "\047", v) }
      last = v
    } END { printf "%s", last }' "$1")
}

# redis-cli on the socket, with the password when there is one.
cli() {
  if [[ -n $AUTH ]]; then
    REDISCLI_AUTH=$AUTH timeout "${CLI_TIMEOUT:-3}" redis-cli --no-auth-warning -s "$SOCK" "$@"
  else
    timeout "${CLI_TIMEOUT:-3}" redis-cli -s "$SOCK" "$@"
  fi
}
tcp_cli() { timeout "${CLI_TIMEOUT:-3}" redis-cli -h 127.0.0.1 -p 6379 "$@"; }

# Whether an answer is Redis refusing us for want of credentials: it runs, but setup.sh can
# neither read its settings nor snapshot its keys.
is_locked_answer() { [[ $1 == *NOAUTH* || $1 == *WRONGPASS* || $1 == *NOPERM* || $1 == *'Authentication required'* ]]; }

PING_ERR=''
LOCKED=0
# Succeeds when a server answers on the socket: PONG, or a refusal for want of credentials
# (then LOCKED=1).
ping_socket() {
  # stdout alone says PONG: redis-cli warns on stderr when redis.conf's password is not (yet)
  # the running server's ("AUTH failed ... without any password configured") and still pings.
  local out errors
  out=$(cli ping 2>"$TMP/ping.err") || true
  out=${out%$'\r'}
  errors=$(<"$TMP/ping.err")
  if [[ $out == PONG ]]; then
    LOCKED=0
    return 0
  fi
  if is_locked_answer "$out $errors"; then
    LOCKED=1
    return 0
  fi
  PING_ERR=${out:-${errors:-no answer within 3 s}}
  return 1
}

live() { cli "$@" 2>/dev/null | tr -d '\r'; }
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
  # Whatever answers on the socket says which pid it has: setup.sh signals that pid only if
  # it is a redis-server running as the redis user, never a process that merely claims to be.
  pid=$(live_info process_id)
  if is_redis_pid "$pid" && [[ $(stat -c %U "/proc/$pid" 2>/dev/null) == redis ]]; then
    printf '%s' "$pid"
  fi
  return 0
}

log_tail() {
  # The log's folder belongs to redis: read it as redis, so that a link swapped in for the log
  # shows nothing root alone may read.
  local lines
  if lines=$(runuser -u redis -- tail -n 20 -- "$LOG" 2>/dev/null); then
    printf 'last 20 lines of %s:\n' "$LOG" >&2
    printf '%s\n' "$lines" | sed 's/^/    /' >&2
  else
    printf '(no log readable at %s)\n' "$LOG" >&2
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
  if ((LOCKED)); then
    die "Redis on $SOCK asks for credentials setup.sh does not have (ACL users, or a password other than redis.conf's requirepass), so setup.sh cannot
  snapshot its keys before the restart ($1): not restarting, so nothing is lost.
  Save your data and restart Redis yourself (redis-cli --user NAME --askpass -s $SOCK shutdown save;
  then start it again), then rerun ./setup.sh"
  fi
  if [[ $(cli ping 2>/dev/null) == PONG* ]]; then
    cli=(cli)
  elif tcp_cli ping 2>/dev/null | grep -q PONG; then
    cli=(tcp_cli)
  else
    return 0 # not answering at all: SIGTERM saves if it has save points
  fi
  keys=$("${cli[@]}" info keyspace 2>/dev/null | grep -c '^db' || true)
  [[ ${keys:-0} -gt 0 ]] || return 0
  save=$("${cli[@]}" config get save 2>/dev/null | sed -n 2p | tr -d '\r')
  aof=$("${cli[@]}" config get appendonly 2>/dev/null | sed -n 2p | tr -d '\r')
  [[ -z $save && $aof != yes ]] || return 0
  if CLI_TIMEOUT=120 "${cli[@]}" save 2>/dev/null | grep -q OK; then
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
  if ((LOCKED)) && [[ -z $reason ]]; then
    warn "Redis on $SOCK asks for credentials setup.sh does not have (ACL users, or a password other than redis.conf's requirepass): it cannot compare the running
  server's settings with redis.conf. Check them yourself: redis-cli --user NAME --askpass -s $SOCK config get port"
  fi

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
    save_before_restart "$reason"
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
  if [[ -z $pid && $answering == yes ]]; then
    die "a server answers on $SOCK but it is not a redis-server of the redis user that setup.sh can find
  (no pid file at $PIDFILE, and INFO names no such process): setup.sh will not start a second one on
  the same socket. Stop that server yourself, then rerun ./setup.sh"
  fi
  if [[ -n $pid ]]; then
    save_before_restart "$reason"
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
  out=$(tcp_cli ping 2>&1) || true
  if [[ $out == PONG* ]] || is_locked_answer "$out"; then
    warn "something still answers on TCP port 6379 (another redis-server?); this one has port 0"
  fi
  [[ -n $USER_TO_CHECK ]] || return 0
  # runuser reads the user's groups from /etc/group: this is what their next login gets.
  # (Checked before step_access adds its ACL entry, which would let the user in anyway.)
  out=$(runuser -u "$USER_TO_CHECK" -- timeout 3 redis-cli -s "$SOCK" ping 2>&1) || true
  if [[ $out == PONG* ]] || is_locked_answer "$out"; then
    ok "$USER_TO_CHECK can connect to $SOCK (from a new login)"
  else
    err "$USER_TO_CHECK cannot connect to $SOCK: $out"
    printf '    %s\n' "$(ls -l "$SOCK" 2>&1)" >&2
    printf 'fix: the socket must be srwxrwx--- redis redis (unixsocketperm 770) and %s in group redis:\n' "$USER_TO_CHECK" >&2
    printf '    sudo usermod -aG redis %s, then log in again (or newgrp redis)\n' "$USER_TO_CHECK" >&2
    exit 1
  fi
}

# The redis group reaches new logins only: the shell setup.sh was started from, and the
# `swift run guide` after it in the README's `./setup.sh && swift run guide`, still lack it.
# An ACL entry on the socket lets the reader in at once. The socket's owner sets it (runuser),
# and may change only files it owns: a link swapped in for the socket cannot turn this into
# root writing an ACL on another file. Redis re-creates the socket without the entry when it
# restarts; a new login has the group by then, and each run of setup.sh sets it again.
step_access() {
  [[ -n $USER_TO_CHECK && -S $SOCK ]] || return 0
  local entry="user:$USER_TO_CHECK:rw-" owner
  if getfacl -cp "$SOCK" 2>/dev/null | grep -qx "$entry"; then
    ok "$USER_TO_CHECK's current shell may use $SOCK too (ACL $entry, until Redis re-creates the socket)"
    return
  fi
  if [[ $MODE == check ]]; then
    change "let $USER_TO_CHECK's current shell use $SOCK (ACL entry on the socket; the group reaches new logins only)"
    return
  fi
  owner=$(stat -c %U "$SOCK")
  if [[ $owner != redis ]]; then
    warn "$SOCK belongs to $owner, not redis: not adding an ACL entry for $USER_TO_CHECK (until you log in again, run 'newgrp redis' first)"
    return
  fi
  if runuser -u redis -- setfacl -m "u:$USER_TO_CHECK:rw" "$SOCK" 2>"$TMP/acl.err"; then
    change "let $USER_TO_CHECK's current shell use $SOCK now (ACL u:$USER_TO_CHECK:rw on the socket): the redis group reaches new logins only"
  else
    warn "could not add an ACL entry for $USER_TO_CHECK on $SOCK ($(head -c 200 "$TMP/acl.err")):
  until you log in again, run 'newgrp redis' in your shell first"
  fi
}

# MARK: Django (test tools)

# The user who owns the checkout: the virtualenvs are made as them, so that .build stays theirs
# (a root-owned .build would stop their `swift build`).
project_owner() { stat -c %U "$PROJECT_DIR"; }

as_project_owner() {
  local owner
  owner=$(project_owner)
  if ((EUID == 0)) && [[ $owner != root ]]; then
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}

# One virtualenv per chapters/django/requirements-NAME.txt, at .build/django/NAME, from
# Debian's Python (python3-venv). Up to date when it holds a copy of the same requirements file.
# Only the guide's environment unless the test tools are wanted.
step_django() {
  local requirements name venv log
  for requirements in "$DJANGO_REQUIREMENTS"/requirements-*.txt; do
    [[ -f $requirements ]] || die "no requirements files in $DJANGO_REQUIREMENTS: is this a complete checkout?"
    name=$(basename "$requirements" .txt)
    name=${name#requirements-}
    if [[ $name != "$DJANGO_GUIDE_ENVIRONMENT" ]] && ! ((WITH_TEST_TOOLS)) && [[ ${CI:-} != true ]]; then
      continue
    fi
    venv=$DJANGO_DIR/$name
    if cmp -s "$requirements" "$venv/requirements.txt" && "$venv/bin/python" -c 'import django' 2>/dev/null; then
      ok "Django environment $name is installed ($venv)"
      continue
    fi
    if [[ $MODE == check ]]; then
      change "install the Django environment $name into $venv (pip, from PyPI)"
      continue
    fi
    change "installing the Django environment $name into $venv (pip, from PyPI; a minute)"
    log=$TMP/pip-$name.log
    as_project_owner mkdir -p "$DJANGO_DIR"
    rm -rf "$venv"
    if ! as_project_owner /usr/bin/python3 -m venv "$venv" >"$log" 2>&1; then
      err "could not create the virtualenv $venv with Debian's python3 (is python3-venv installed?):"
      tail -n 8 "$log" | sed 's/^/    /' >&2
      exit 1
    fi
    if ! as_project_owner "$venv/bin/pip" install --disable-pip-version-check -q -r "$requirements" >>"$log" 2>&1; then
      if grep -qE 'NewConnectionError|Temporary failure|Could not fetch|No matching distribution|ProxyError' "$log"; then
        err "pip could not reach PyPI to install $(grep -v '^#' "$requirements" | tr '\n' ' ')(network or proxy: pip honours HTTPS_PROXY). pip said:"
      else
        err "pip install -r $requirements failed. pip said:"
      fi
      tail -n 12 "$log" | sed 's/^/    /' >&2
      exit 1
    fi
    as_project_owner cp "$requirements" "$venv/requirements.txt"
  done
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
  local answers="Redis $version answers PONG on $SOCK"
  ((LOCKED)) && answers="Redis answers on $SOCK (and asks for credentials)"
  if ((CHANGES == 0)); then
    printf '%s\n' "${G}Nothing to change:${N} $answers"
  else
    printf '%s\n' "${G}Done:${N} $answers"
  fi
  printf '\n%s%s, you should see:\n' "${B}Next${N}" "${USER_TO_CHECK:+ (as $USER_TO_CHECK, in this shell or a new login)}"
  printf '  %-44s %s→%s %s\n' \
    "redis-cli -s $SOCK ping" "$D" "$N" "PONG" \
    "redis-cli -p 6379 ping" "$D" "$N" "Could not connect to Redis at 127.0.0.1:6379: Connection refused" \
    "ls -l $SOCK" "$D" "$N" "srwxrwx---${USER_TO_CHECK:++} 1 redis redis 0 ... $SOCK"
  printf 'Then: swift run guide   (the chapters, step by step)\n      swift test\n'
  if ((APP_USER_READY)); then
    printf '\n%s: connect as it (the password stays in the file, out of your shell history):\n' "${B}Your app's Redis user $APP_USER_NAME${N}"
    printf '  REDIS_URL="unix://%s:$(cat %s)@%s" swift run cache-api\n' "$APP_USER_NAME" "${APP_USER_SECRET#"$PROJECT_DIR"/}" "$SOCK"
  fi
}

main() {
  parse_args "$@"
  require_debian
  require_root "$@"
  TMP=$(mktemp -d)
  trap cleanup EXIT
  [[ $MODE == check ]] && printf '%s\n' "${B}setup.sh --check${N}: nothing will be changed"
  ((CONFIG_ONLY)) || step_packages
  step_backup
  step_config
  step_app_user
  read_requirepass "$TMP/conf.work"
  if ((CONFIG_ONLY)); then
    ((CHANGES > 0)) || printf '%s\n' "${G}Nothing to change${N} in $CONF"
    exit 0
  fi
  step_group
  step_server
  step_verify
  step_app_user_verify
  step_access
  step_django
  step_swift
  finish
}

main "$@"
