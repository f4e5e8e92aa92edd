#!/usr/bin/env bash
# The whole check: lint, types, translations, migrations, tests · 完整检查：lint、类型、翻译、迁移、测试
#
# Runs on a throwaway PostgreSQL 15 cluster (scripts/pg.sh) unless XTZT_TEST_DB=sqlite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k pages -x`.
set -euo pipefail

cd "$(dirname "$0")/.."

started=$SECONDS
pgdir=""

finish() {
    local status=$?
    if [[ -n "$pgdir" ]]; then
        bash scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || echo "warning: could not stop PostgreSQL in $pgdir" >&2
    fi
    local elapsed=$((SECONDS - started))
    if ((status == 0)); then
        printf '==> 全部通过 All checks passed in %dm%02ds\n' $((elapsed / 60)) $((elapsed % 60))
    else
        printf '==> 失败 FAILED (exit %d) after %dm%02ds\n' "$status" $((elapsed / 60)) $((elapsed % 60)) >&2
    fi
    exit "$status"
}
trap finish EXIT

say() { printf '==> %s\n' "$*"; }

bash scripts/setup.sh

export UV_PYTHON_DOWNLOADS=never
export DJANGO_SETTINGS_MODULE=config.settings.test

if [[ "${XTZT_TEST_DB:-}" == "sqlite" ]]; then
    say "数据库 Database: SQLite (XTZT_TEST_DB=sqlite)"
    unset DATABASE_URL
else
    # /tmp rather than $TMPDIR: the postgres user must be able to enter it, and the unix
    # socket path must stay short.
    pgdir="$(mktemp -d /tmp/xtzt-pg.XXXXXX)"
    chmod 755 "$pgdir"
    say "启动 PostgreSQL 15 Starting PostgreSQL 15 in $pgdir"
    DATABASE_URL="$(bash scripts/pg.sh start "$pgdir")"
    export DATABASE_URL
    say "数据库 Database: $DATABASE_URL"
fi

say "ruff check"
uv run ruff check .
say "ruff format --check"
uv run ruff format --check .
say "mypy"
uv run mypy .
say "编译翻译 compilemessages"
uv run python manage.py compilemessages --ignore=.venv
say "迁移是否齐全 makemigrations --check"
uv run python manage.py makemigrations --check --dry-run
say "pytest"
uv run pytest "$@"
