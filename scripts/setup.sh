#!/usr/bin/env bash
# Install everything Dalil needs on Debian/Ubuntu: system packages (Tesseract with Arabic, German
# and English, poppler, fonts) and a Python virtualenv in .venv with Dalil and its dependencies.
# Safe to re-run: what is already there is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
# chromium + chromium-driver: tests/integration/test_browser.py drives the UI in a real headless browser.
SYSTEM_PACKAGES=(tesseract-ocr tesseract-ocr-ara tesseract-ocr-deu tesseract-ocr-eng poppler-utils fonts-noto-core fonts-dejavu-core libraqm0
                 chromium chromium-driver)

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null; then
    echo "setup: please install these system packages by hand: ${missing[*]}" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: these system packages are missing and installing them needs root: ${missing[*]}" >&2
    echo "setup: run 'sudo apt-get install ${missing[*]}' (or re-run as root), then run this again." >&2
    exit 1
  fi
  echo "setup: installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: system packages already installed"
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating virtualenv .venv"
  "$PYTHON" -m venv .venv
fi
STAMP=.venv/.dalil-installed
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  echo "setup: installing Python packages (first run takes a few minutes)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$STAMP"
else
  echo "setup: Python packages already installed"
fi
echo "setup: done. Try: .venv/bin/dalil --help"
