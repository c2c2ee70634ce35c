#!/usr/bin/env bash
# The whole test suite: lint, types, tests (the same command CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check evidence cli.py tests bench
.venv/bin/mypy evidence
.venv/bin/python -m pytest -p no:cacheprovider "$@"
