#!/usr/bin/env bash
# Run the app locally with the demo data · 本地运行（含演示数据）
#
# SQLite and in-process Celery (config.settings.dev); no broker or database server needed.
# Environment: HOST (default 127.0.0.1), PORT (default 8000); DATABASE_URL if you want another DB.
set -euo pipefail

cd "$(dirname "$0")/.."

bash scripts/setup.sh

export UV_PYTHON_DOWNLOADS=never
export DJANGO_SETTINGS_MODULE=config.settings.dev
host="${HOST:-127.0.0.1}"
port="${PORT:-8000}"

say() { printf '==> %s\n' "$*"; }

say "编译翻译 Compiling translations"
uv run python manage.py compilemessages --ignore=.venv
say "迁移数据库 Migrating the database"
uv run python manage.py migrate --noinput
say "载入演示数据 Loading the demo data"
uv run python manage.py load_demo

echo
say "打开 Open: http://${host}:${port}/"
say "演示账号 Demo logins:"
uv run python manage.py demo_logins
echo

exec uv run python manage.py runserver "${host}:${port}"
