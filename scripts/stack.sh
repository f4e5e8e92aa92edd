#!/usr/bin/env bash
# The production topology on this machine, from apt packages (no Docker) · 本机生产拓扑
#
#   bash scripts/stack.sh start    # PostgreSQL 15 + Redis + gunicorn + Celery worker + beat
#   bash scripts/stack.sh status
#   bash scripts/stack.sh env      # the environment, for `eval "$(bash scripts/stack.sh env)"`
#   bash scripts/stack.sh restart worker|beat|web|redis|db   # one service (fault drills)
#   bash scripts/stack.sh stop     # stops everything and removes the database
#
# The same services as docker-compose.yml (db, redis, web, worker, beat), on loopback ports,
# with config.settings.production (plain HTTP on loopback: SSL redirect and secure cookies
# off). State lives in $STACK_DIR (default /tmp/xtzt-stack) until `stop`.
# Environment: PORT (default 8000), STACK_DIR, DEMO=0 to skip the demo data.
set -euo pipefail

cd "$(dirname "$0")/.."
STACK_DIR="${STACK_DIR:-/tmp/xtzt-stack}"
say() { printf '==> %s\n' "$*"; }

running() { [[ -f "$STACK_DIR/$1.pid" ]] && kill -0 "$(cat "$STACK_DIR/$1.pid")" 2>/dev/null; }

environment() {
    export UV_PYTHON_DOWNLOADS=never
    export DJANGO_SETTINGS_MODULE=config.settings.production
    export DATABASE_URL="$(cat "$STACK_DIR/database_url")"
    export CELERY_BROKER_URL="$(cat "$STACK_DIR/broker_url")"
    export SECRET_KEY="$(cat "$STACK_DIR/secret_key")"
    export MEDIA_ROOT="$STACK_DIR/media"
    export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
    export ALLOWED_HOSTS="localhost,127.0.0.1"
}

daemon() {  # name, command... (in its own process group: kill -- -PID reaches its children)
    local name="$1"
    shift
    setsid nohup "$@" >>"$STACK_DIR/$name.log" 2>&1 </dev/null &
    echo $! >"$STACK_DIR/$name.pid"
    say "$name: pid $(cat "$STACK_DIR/$name.pid"), log $STACK_DIR/$name.log"
}

redis_server() {
    local port="${1#redis://127.0.0.1:}"
    redis-server --port "${port%%/*}" --bind 127.0.0.1 --dir "$STACK_DIR" --daemonize yes \
        --pidfile "$STACK_DIR/redis.pid" --logfile "$STACK_DIR/redis.log" --appendonly yes
}

web() {
    GUNICORN_BIND="127.0.0.1:${PORT:-8000}" daemon web \
        uv run gunicorn -c config/gunicorn.py config.wsgi:application
}
worker() { daemon worker uv run celery -A config worker -Q celery,pdf -c 2 -l info; }
beat() { daemon beat uv run celery -A config beat -l info --schedule "$STACK_DIR/celerybeat-schedule"; }

start() {
    bash scripts/setup.sh
    mkdir -p "$STACK_DIR"
    chmod 755 "$STACK_DIR"
    if [[ ! -f "$STACK_DIR/database_url" ]]; then
        say "PostgreSQL 15"
        bash scripts/pg.sh start "$STACK_DIR/pg" >"$STACK_DIR/database_url"
    fi
    if ! running redis; then
        local port
        port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
        say "Redis on 127.0.0.1:$port"
        echo "redis://127.0.0.1:$port/0" >"$STACK_DIR/broker_url"
        redis_server "$(cat "$STACK_DIR/broker_url")"
        sleep 0.5
    fi
    [[ -f "$STACK_DIR/secret_key" ]] || python3 -c 'import secrets; print(secrets.token_urlsafe(50))' >"$STACK_DIR/secret_key"
    environment
    say "编译翻译、迁移、静态文件 compilemessages, migrate, collectstatic"
    uv run python manage.py compilemessages --ignore=.venv >/dev/null
    uv run python manage.py migrate --noinput
    uv run python manage.py collectstatic --noinput >/dev/null
    if [[ "${DEMO:-1}" != "0" ]]; then
        say "演示数据 Demo data"
        uv run python manage.py load_demo
    fi
    running web || web
    running worker || worker
    running beat || beat
    say "打开 Open: http://127.0.0.1:${PORT:-8000}/"
}

status() {
    local name
    for name in redis web worker beat; do
        if running "$name"; then say "$name: running (pid $(cat "$STACK_DIR/$name.pid"))"; else say "$name: stopped"; fi
    done
    [[ -f "$STACK_DIR/database_url" ]] && say "db: $(cat "$STACK_DIR/database_url")" || say "db: none"
}

# Stops one service (TERM, then KILL after 30 s) and starts it again with the same settings.
restart() {
    local name="$1" pid i
    [[ -f "$STACK_DIR/database_url" ]] || { echo "stack not started" >&2; exit 1; }
    environment
    if [[ "$name" == db ]]; then
        runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$STACK_DIR/pg/data" \
            -l "$STACK_DIR/pg/postgresql.log" -m fast -w restart >/dev/null
        say "db: restarted"
        return
    fi
    if running "$name"; then
        pid="$(cat "$STACK_DIR/$name.pid")"
        kill "$pid"
        for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    case "$name" in
    redis) redis_server "$CELERY_BROKER_URL" && say "redis: restarted" ;;
    web | worker | beat) "$name" ;;
    *) echo "unknown service: $name" >&2; exit 2 ;;
    esac
}

stop() {
    local name
    for name in beat worker web redis; do
        if running "$name"; then
            kill "$(cat "$STACK_DIR/$name.pid")" && say "$name: stopped"
        fi
        rm -f "$STACK_DIR/$name.pid"
    done
    sleep 1
    if [[ -d "$STACK_DIR/pg" ]]; then bash scripts/pg.sh stop "$STACK_DIR/pg"; fi
    rm -rf -- "$STACK_DIR"
}

case "${1:-}" in
start) start ;;
status) status ;;
env) environment && export -p | grep -E ' (DJANGO_SETTINGS_MODULE|DATABASE_URL|CELERY_BROKER_URL|SECRET_KEY|MEDIA_ROOT|SECURE_[A-Z_]+|ALLOWED_HOSTS|UV_PYTHON_DOWNLOADS)=' ;;
restart) restart "${2:?usage: $0 restart worker|beat|web|redis|db}" ;;
stop) stop ;;
*) echo "usage: $0 start|status|env|restart SERVICE|stop" >&2; exit 2 ;;
esac
