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

# pip-audit asks PyPI's vulnerability data about every locked package (dev tools included).
# A known vulnerability fails the run; no answer (offline, a timeout, a mirror without the
# per-version data) only warns, so the checks still run without the network.
audit_dependencies() {
    local dir status=0 result=0
    dir="$(mktemp -d)"
    uv export --frozen --no-hashes --no-emit-project --format requirements-txt >"$dir/requirements.txt"
    timeout 60 uv run pip-audit --requirement "$dir/requirements.txt" --disable-pip --no-deps \
        --progress-spinner off --timeout 10 --format json --output "$dir/audit.json" \
        >"$dir/audit.log" 2>&1 || status=$?
    uv run python - "$dir" "$status" <<'PY' || result=$?
import json
import re
import sys
from pathlib import Path

folder, status = Path(sys.argv[1]), int(sys.argv[2])
report, log = folder / "audit.json", (folder / "audit.log").read_text()
warning = "warning: 依赖漏洞检查未完成 dependency audit incomplete: "
if not report.exists():
    if status == 124 or re.search(r"ConnectionError|ProxyError|Timeout|timed out", log):
        reason = "timed out after 60 s" if status == 124 else log.strip().splitlines()[-1]
        print(warning + "vulnerability database not reachable (" + reason + ")")
        sys.exit(0)
    print(log)
    sys.exit(1)
dependencies = json.loads(report.read_text())["dependencies"]
vulnerable = [d for d in dependencies if d.get("vulns")]
skipped = [d for d in dependencies if "skip_reason" in d]
for dependency in vulnerable:
    for vuln in dependency["vulns"]:
        fixed = ", ".join(vuln["fix_versions"]) or "no fix yet"
        print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
if skipped:
    print(
        f"{warning}{len(skipped)} of {len(dependencies)} packages could not be checked"
        f" (no answer from the vulnerability database), e.g. {skipped[0]['skip_reason']}"
    )
if vulnerable:
    print(f"{len(vulnerable)} packages with known vulnerabilities: update them in uv.lock")
    sys.exit(1)
if len(skipped) < len(dependencies):
    print(f"{len(dependencies) - len(skipped)} packages checked, no known vulnerabilities")
PY
    rm -rf "$dir"
    return "$result"
}

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
say "依赖漏洞检查 pip-audit"
audit_dependencies
say "pytest"
uv run pytest "$@"
