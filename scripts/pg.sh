#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for tests · 测试用的临时 PostgreSQL 15 集群
#
#   scripts/pg.sh start DIR   # prints one line on stdout: the DATABASE_URL
#   scripts/pg.sh stop DIR    # stops the cluster and removes DIR
#
# DIR must be traversable by the postgres user (e.g. `mktemp -d` then `chmod 755`).
# The cluster listens on a free port on 127.0.0.1 only, keeps its unix socket inside DIR
# and trades durability for speed (fsync, synchronous_commit and full_page_writes off).
# Must run as root (initdb and the server run as the postgres user through runuser).
set -euo pipefail

PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
MARKER=".xtzt-throwaway-pg"

log() { printf '[pg.sh] %s\n' "$*" >&2; }
die() {
    log "错误 error: $*"
    exit 1
}

usage() {
    printf 'usage: %s start|stop DIR\n' "$0" >&2
    exit 2
}

# Runs a PostgreSQL program as the postgres user, from a directory it can enter.
as_postgres() {
    (cd "$dir" && runuser -u postgres -- "$@")
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    [[ $EUID -eq 0 ]] || die "run as root (initdb and pg_ctl run as postgres via runuser) / 请以 root 运行"
    [[ -x "$PGBIN/initdb" ]] || die "$PGBIN/initdb not found: run scripts/setup.sh / 未找到 initdb，请先运行 scripts/setup.sh"
    id postgres >/dev/null 2>&1 || die "no postgres user: install postgresql-15 / 缺少 postgres 用户"

    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd -P)"
    [[ ! -e "$dir/data" ]] || die "$dir/data already exists / 数据目录已存在"
    chmod 755 "$dir"
    touch "$dir/$MARKER"
    mkdir -p "$dir/socket"
    chown postgres:postgres "$dir" "$dir/socket"
    chmod 700 "$dir/socket"
    runuser -u postgres -- test -x "$dir" \
        || die "postgres cannot enter $dir (a parent directory is not world-traversable) / postgres 无法进入该目录"

    log "initdb: $dir/data"
    if ! as_postgres "$PGBIN/initdb" -D "$dir/data" -U postgres --no-locale --encoding=UTF8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        die "initdb failed / initdb 失败"
    fi

    local port="" attempt
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        cat >"$dir/data/postgresql.auto.conf" <<EOF
# Written by scripts/pg.sh: throwaway test cluster, durability off for speed.
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/socket'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
        chown postgres:postgres "$dir/data/postgresql.auto.conf"
        log "starting on 127.0.0.1:$port (attempt $attempt) / 启动中"
        if as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" -w -t 60 \
            start >/dev/null; then
            break
        fi
        tail -n 20 "$dir/postgresql.log" >&2 || true
        port=""
    done
    [[ -n "$port" ]] || die "PostgreSQL did not start, see $dir/postgresql.log / 启动失败"

    local i
    for i in $(seq 1 60); do
        if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port"; then
            break
        fi
        [[ $i -lt 60 ]] || die "PostgreSQL not ready after 30 s / 30 秒内未就绪"
        sleep 0.5
    done

    local psql=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/socket" -p "$port" -U postgres -d postgres)
    "${psql[@]}" -c "CREATE ROLE xtzt LOGIN PASSWORD 'xtzt' CREATEDB" >/dev/null
    "${psql[@]}" -c "CREATE DATABASE xtzt OWNER xtzt" >/dev/null
    log "ready / 就绪 (log: $dir/postgresql.log)"
    printf 'postgres://xtzt:xtzt@127.0.0.1:%s/xtzt\n' "$port"
}

stop() {
    [[ -e "$dir" ]] || return 0
    dir="$(cd "$dir" && pwd -P)"
    [[ -f "$dir/$MARKER" ]] || die "$dir was not made by scripts/pg.sh start; not touching it / 非本脚本创建的目录，拒绝删除"
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        log "stopping / 停止 $dir"
        as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null \
            || log "pg_ctl stop failed / 停止失败 (removing anyway)"
    fi
    rm -rf -- "$dir"
}

[[ $# -eq 2 && -n "$2" ]] || usage
dir="$2"
case "$1" in
start) start ;;
stop) stop ;;
*) usage ;;
esac
