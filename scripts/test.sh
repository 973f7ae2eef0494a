#!/usr/bin/env bash
# The whole suite: lint, then pytest twice — embedded defaults (SQLite, SQLite broker,
# local files) and scaled (PostgreSQL + Redis broker). Neither run may be skipped: a
# missing browser is installed, stopped services are started, and anything that cannot
# be made to run fails the build (pytest's "no tests collected", exit 5, fails too).
# Every phase runs even after one failed, so one CI run shows everything that is wrong.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
START=$SECONDS
TIMINGS=()
FAILED=0

phase() {  # phase "label" command...: run one phase, print and remember its duration
  local label=$1 began=$SECONDS verdict=ok
  shift
  echo
  echo "==== ${label}"
  "$@" || { verdict="FAILED ($?)"; FAILED=1; }
  TIMINGS+=("$(printf '%-62s %5ds  %s' "$label" $((SECONDS - began)) "$verdict")")
}

# One suite in two steps, both always run: first every test but those marked `processes`
# (Celery workers, a recording browser: conftest.py), browser tests that click through
# pages included, spread over MIANSHI_TEST_PROCESSES pytest processes (pytest-xdist,
# default 2: the CI machine's cores), then those one at a time. The mark splits the suite
# exactly; each step fails on a failure and on nothing selected (exit 5). `--dist load`
# hands out tests by index: the schemathesis fuzzers give every operation the same node id
# under pytest 9, and xdist's scope/group modes, which schedule by node id, would run one
# operation of each fuzzer and drop the rest unseen.
suite() {  # suite pytest-args...
  local rc=0
  $BIN/pytest -q -n "${MIANSHI_TEST_PROCESSES:-2}" --dist load -m "not processes" "$@" || rc=$?
  $BIN/pytest -q -m processes "$@" || rc=$?
  return $rc
}

embedded() {
  local dir rc=0
  dir=$(mktemp -d)
  MIANSHI_DATA_DIR=$dir suite || rc=$?
  rm -rf "$dir"
  return $rc
}

# The analysis engine touches no database or broker: suite 1 runs its tests, suite 2 need not.
scaled() {
  local dir rc=0
  dir=$(mktemp -d)
  MIANSHI_DATA_DIR=$dir \
  MIANSHI_DATABASE_URL=${MIANSHI_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
  MIANSHI_BROKER_URL=${MIANSHI_TEST_BROKER_URL:-redis://127.0.0.1:6379/15} \
  MIANSHI_EXPECT_SCALED=1 \
    suite mianshi tests || rc=$?
  rm -rf "$dir"
  return $rc
}

# Settings a developer may have exported must not leak into the suite.
unset MIANSHI_DATABASE_URL MIANSHI_BROKER_URL MIANSHI_RESULT_BACKEND MIANSHI_STORAGE \
  MIANSHI_CELERY_EAGER MIANSHI_EXPECT_SCALED

phase "system packages: Debian chromium, espeak-ng, CJK fonts, pango, poppler" bash scripts/ensure-system-packages.sh
phase "lint: ruff, ruff format, mypy, import-linter, migrations" make --no-print-directory lint
phase "suite 1/2: embedded (SQLite WAL, SQLite broker, local files)" embedded
phase "services: PostgreSQL 5432 and Redis 6379 up" bash scripts/ensure-services.sh
phase "suite 2/2: scaled (PostgreSQL, Redis broker)" scaled

echo
if [ $FAILED = 0 ]; then echo "==== all green in $((SECONDS - START))s"; else echo "==== FAILED after $((SECONDS - START))s"; fi
printf '  %s\n' "${TIMINGS[@]}"
exit $FAILED
