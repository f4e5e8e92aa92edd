#!/usr/bin/env bash
# Idempotent install on Debian 12 (as root) · 幂等安装脚本（Debian 12，root）
#
# Installs only the missing apt packages, then uv, then the locked Python dependencies.
# Safe to run again: when everything is present it changes nothing.
set -euo pipefail

cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

APT_PACKAGES=(
    gettext
    redis-server
    fonts-noto-cjk
    libharfbuzz-subset0
    libpango-1.0-0
    libpangoft2-1.0-0
    chromium
    poppler-utils
)

# True when dpkg reports the package fully installed (not merely its config files left behind).
installed() {
    local status
    status="$(dpkg -s "$1" 2>/dev/null)" || return 1
    grep -qx 'Status: install ok installed' <<<"$status"
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
if [[ ! -x /usr/lib/postgresql/15/bin/initdb ]]; then
    missing+=(postgresql-15)
fi

if ((${#missing[@]} > 0)); then
    say "安装系统软件包 Installing apt packages: ${missing[*]}"
    sudo=()
    if [[ $EUID -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || {
            echo "需要 root 权限 Need root (or sudo) to install: ${missing[*]}" >&2
            exit 1
        }
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" apt-get install -y -q "${missing[@]}"
else
    say "系统软件包已齐全 apt packages already installed"
fi

export UV_PYTHON_DOWNLOADS=never

# Under pyenv a `uv` shim may exist for another Python version only, so test that it runs here.
if ! uv --version >/dev/null 2>&1; then
    say "安装 uv Installing uv (python3 -m pip)"
    python3 -m pip install -q uv
    if ! uv --version >/dev/null 2>&1 && command -v pyenv >/dev/null 2>&1; then
        pyenv rehash
    fi
    uv --version >/dev/null 2>&1 || {
        echo "安装后仍找不到 uv uv is still not runnable from $(pwd) after pip install" >&2
        exit 1
    }
fi
say "uv: $(uv --version)"

if [[ -f uv.lock ]]; then
    say "同步 Python 依赖 Syncing Python dependencies (uv sync --frozen)"
    uv sync --frozen
else
    say "未找到 uv.lock，重新锁定 No uv.lock: uv sync (will write one)"
    uv sync
fi
say "环境就绪 Setup done"
