#!/usr/bin/env bash
# Install Đôn Đốc with its test tools into .venv, check style and layers, run the whole suite.
# DONDOC_TEST_DATABASE_URL=postgresql://... runs the same tests on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# The layers of pyproject.toml [tool.importlinter] (docs/architecture.md): no upward import.
.venv/bin/lint-imports
# pytest exits 5 when it collected no test: that is a failure here, as any non-zero code.
exec .venv/bin/python -m pytest "$@"
