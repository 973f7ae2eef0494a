#!/usr/bin/env bash
# The whole suite: lint, then pytest twice — embedded defaults (SQLite, SQLite broker,
# local files) and scaled (PostgreSQL + Redis broker). Neither run may be skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

bash scripts/ensure-chromium.sh
make lint

echo "== suite 1/2: embedded (SQLite, SQLite broker, local files)"
EMBEDDED_DIR=$(mktemp -d)
MIANSHI_DATA_DIR=$EMBEDDED_DIR $BIN/pytest -q
rm -rf "$EMBEDDED_DIR"

echo "== suite 2/2: scaled (PostgreSQL 127.0.0.1:5432, Redis 127.0.0.1:6379 broker)"
bash scripts/ensure-services.sh
SCALED_DIR=$(mktemp -d)
MIANSHI_DATA_DIR=$SCALED_DIR \
MIANSHI_DATABASE_URL=${MIANSHI_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
MIANSHI_BROKER_URL=${MIANSHI_TEST_BROKER_URL:-redis://127.0.0.1:6379/15} \
MIANSHI_EXPECT_SCALED=1 \
  $BIN/pytest -q
rm -rf "$SCALED_DIR"
