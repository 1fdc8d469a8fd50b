#!/usr/bin/env bash
# Creates .venv and installs what is missing, so `make run` and `make test` work on a fresh
# machine. As root on Debian/Ubuntu it also installs the system libraries Qt needs (and
# poppler-utils for the PDF tests) when they are absent.  Safe to run again: it only does what
# is missing.  `bootstrap.sh bundle` adds PyInstaller (and binutils, which it needs) for
# `make bundle`; EXTRA_SYSTEM_PACKAGES names more Debian packages to install (CI's
# desktop-file-utils and appstream, which the desktop-file tests use when present).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
want_test=${1:-}

pick_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "archive-reader: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
  return 1
}

system_packages() {
  # Libraries the Qt offscreen/xcb platforms load, fonts for text and PDFs, pdftotext for tests.
  local pkgs=(libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libglib2.0-0
              fonts-dejavu-core libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0
              libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-xkb1)
  [ "$want_test" = "test" ] && pkgs+=(poppler-utils)
  [ "$want_test" = "bundle" ] && pkgs+=(binutils)
  # shellcheck disable=SC2206
  pkgs+=(${EXTRA_SYSTEM_PACKAGES:-})
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local missing=()
  for pkg in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Note: these system packages seem missing (install them with your package manager): ${missing[*]}" >&2
  fi
}

system_packages

if [ ! -x "$VENV/bin/python" ]; then
  "$(pick_python)" -m venv "$VENV"
fi
# pip prints build-backend notices even with -q (setuptools' advice on editable installs); they
# go to a log that is shown only when the install fails.
quietly() {
  local log="$VENV/install.log"
  if ! "$@" >>"$log" 2>&1; then
    cat "$log" >&2
    return 1
  fi
}
stamp="$VENV/.installed-$want_test"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ setup.py -nt "$stamp" ]; then
  echo "Installing Archive Reader and what it needs into $VENV (log: $VENV/install.log)..."
  : >"$VENV/install.log"
  quietly "$VENV/bin/python" -m pip install -q --upgrade pip
  if [ "$want_test" = "test" ] || [ "$want_test" = "bundle" ]; then
    quietly "$VENV/bin/python" -m pip install -q -e ".[$want_test]"
  else
    quietly "$VENV/bin/python" -m pip install -q -e .
  fi
  touch "$stamp"
fi
