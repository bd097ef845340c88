#!/usr/bin/env bash
# Install Đôn Đốc with its test tools into .venv, check style and layers, run the whole suite.
# DONDOC_TEST_DATABASE_URL=postgresql://... runs the same tests on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# Installed once per change of the project's requirements (.ci/run then starts two passes at once).
stamp=.venv/.dondoc-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
  touch "$stamp"
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# The layers of pyproject.toml [tool.importlinter] (docs/architecture.md): no upward import.
.venv/bin/lint-imports
# pytest exits 5 when it collected no test: that is a failure here, as any non-zero code.
exec .venv/bin/python -m pytest "$@"
