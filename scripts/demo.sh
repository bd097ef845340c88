#!/usr/bin/env bash
# Install Đôn Đốc into .venv and serve the demo (SQLite, in-process scheduler, mail folder).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e .
exec .venv/bin/dondoc demo "$@"
