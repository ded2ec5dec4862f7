#!/usr/bin/env bash
# Installs Debian's chromium and a CJK font for the end-to-end test, once. Needs root (CI runs as root).
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "wqy\|noto.*cjk"; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "chromium 未安装且无 root 权限：端到端测试将被跳过（请以 root 运行 make test）。" >&2; exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei fontconfig >/dev/null
echo "chromium installed: $(/usr/bin/chromium --version 2>/dev/null)"
