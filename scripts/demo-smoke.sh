#!/usr/bin/env bash
# By hand, not part of `make test` (it installs and loads the whole demo):
# run `make demo` on a spare port with a throw-away data folder, wait until it serves
# /healthz, the login page at / and /api/openapi.json, log in with a demo login, check
# the Celery worker is up, wait until the worker has analysed two demo interviews and the
# workbench shows one to hr_sh, then stop everything that `make demo` started. The demo's
# generated media are kept in var/demo-media between runs (made once).
#   PORT=18xxx DEMO_USERS="admin hr_sh" DEMO_PASSWORD=Mianshi-Demo-2026 bash scripts/demo-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18437}
DEMO_USERS=${DEMO_USERS:-admin hr_sh hr_sz mgr_sh_sales int_sh_1 int_sh_2 auditor}
DEMO_PASSWORD=${DEMO_PASSWORD:-Mianshi-Demo-2026}
DEADLINE=${DEMO_DEADLINE:-300}
# Pages may be slow while the demo interviews are being made and analysed beside them.
HTTP_TIMEOUT=${DEMO_HTTP_TIMEOUT:-60}
BASE="http://127.0.0.1:${PORT}"
WORK=$(mktemp -d)
LOG="$WORK/demo.log"

# The demo interviews' media (espeak speech over a generated face) are made once.
mkdir -p "$WORK/data" var/demo-media
ln -s "$(pwd)/var/demo-media" "$WORK/data/demo-media"
# setsid: `make demo` and everything it starts share one new process group.
MIANSHI_DATA_DIR="$WORK/data" PORT=$PORT setsid make --no-print-directory demo >"$LOG" 2>&1 &
GROUP=$!
stop() {
  kill -TERM -- "-$GROUP" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 -- "-$GROUP" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$GROUP" 2>/dev/null || true
}
finish() {
  local rc=$?
  stop
  if [ "$rc" = 0 ]; then rm -rf "$WORK"; else echo "demo-smoke: logs kept in $WORK" >&2; fi
}
trap finish EXIT
trap 'exit 130' INT TERM
fail() { echo "demo-smoke: FAIL: $*" >&2; echo "--- last lines of $LOG" >&2; tail -n 40 "$LOG" >&2; exit 1; }
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }

began=$SECONDS
until [ "$(status "$BASE/healthz")" = 200 ]; do
  kill -0 "$GROUP" 2>/dev/null || fail "make demo exited before serving"
  [ $((SECONDS - began)) -lt "$DEADLINE" ] || fail "no /healthz within ${DEADLINE}s"
  sleep 2
done
echo "demo-smoke: /healthz answered after $((SECONDS - began))s"

# The first page after start-up can wait behind the demo interviews' media work: as patient
# as the other page checks.
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$HTTP_TIMEOUT" "$BASE/" || true)
[ "$code" = 200 ] || fail "/ is not 200 (got $code)"
curl -s --max-time "$HTTP_TIMEOUT" "$BASE/" | grep -q 'name="password"' || fail "/ is not the login page"
curl -s --max-time "$HTTP_TIMEOUT" "$BASE/api/openapi.json" | grep -q '"openapi": *"3' || fail "no OpenAPI 3 document"

log_in() {  # log_in USER: a fresh browser-like session logs in and reaches the dashboard
  local user=$1 jar="$WORK/cookies-$1" token code
  curl -s --max-time "$HTTP_TIMEOUT" -c "$jar" "$BASE/" >"$WORK/login-$user.html"
  token=$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' "$WORK/login-$user.html" | head -n1)
  [ -n "$token" ] || fail "no CSRF token on the login page"
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$HTTP_TIMEOUT" -b "$jar" -c "$jar" \
    -H "Referer: $BASE/" --data-urlencode "csrfmiddlewaretoken=$token" \
    --data-urlencode "username=$user" --data-urlencode "password=$DEMO_PASSWORD" \
    --data-urlencode "next=/" "$BASE/accounts/login/")
  [ "$code" = 302 ] || fail "login as $user answered $code (expected a redirect)"
  curl -s --max-time "$HTTP_TIMEOUT" -b "$jar" "$BASE/" | grep -q 'accounts/logout' \
    || fail "no dashboard after logging in as $user"
}
for user in $DEMO_USERS; do log_in "$user"; done
echo "demo-smoke: logged in as $DEMO_USERS"

pgrep -g "$GROUP" -f "celery -A config worker" >/dev/null || fail "no Celery worker running"

# The printed candidate links open the interview page and its API without a login, and
# the worker mails the demo invitations into the outbox. The summary with the links comes
# last, once the demo interviews are analysed.
summary_began=$SECONDS
until grep -q "^Mianshi demo: " "$LOG"; do
  kill -0 "$GROUP" 2>/dev/null || fail "make demo exited before printing its summary"
  [ $((SECONDS - summary_began)) -lt "${DEMO_ANALYSIS_DEADLINE:-360}" ] || fail "no summary printed"
  sleep 5
done
link=$(grep -o "$BASE/i/[A-Za-z0-9_-]*/" "$LOG" | head -n1)
[ -n "$link" ] || fail "make demo printed no candidate interview link"
[ "$(status "$link")" = 200 ] || fail "the candidate link $link is not 200"
token=${link#"$BASE/i/"}; token=${token%/}
curl -s --max-time "$HTTP_TIMEOUT" "$BASE/i/api/$token/state" | grep -q '"questions"' \
  || fail "the candidate API gives no interview state"
for _ in $(seq 1 30); do ls "$WORK/data/outbox/"* >/dev/null 2>&1 && break; sleep 2; done
grep -rqs "$token" "$WORK/data/outbox/" || fail "no invitation e-mail with the link in the outbox"

# The demo interviews: the worker analyses at least two of them (every current run done,
# with a transcript) within ANALYSIS_DEADLINE, then the workbench opens for hr_sh and
# shows what the candidate said.
analysed() {  # how many demo interviews are fully analysed, read from the demo's database
  MIANSHI_DATA_DIR="$WORK/data" .venv/bin/python manage.py shell -c "
from mianshi.analysis.models import AnalysisRun
from mianshi.demo import data as demo_data
names = [c[0] for c in demo_data.INTERVIEW_CANDIDATES]
runs = AnalysisRun.objects.filter(is_current=True, answer__session__application__candidate__name__in=names)
done = {}
for run in runs.select_related('result'):
    ok = run.status == 'done' and bool(getattr(run, 'result', None) and run.result.transcript)
    done[run.answer.session_id] = done.get(run.answer.session_id, True) and ok
print(sum(done.values()))" 2>/dev/null | tail -n1
}
ANALYSIS_DEADLINE=${DEMO_ANALYSIS_DEADLINE:-360}
analysis_began=$SECONDS
until [ "$(analysed)" -ge 2 ] 2>/dev/null; do
  kill -0 "$GROUP" 2>/dev/null || fail "make demo exited before the demo interviews were analysed"
  [ $((SECONDS - analysis_began)) -lt "$ANALYSIS_DEADLINE" ] \
    || fail "fewer than 2 demo interviews analysed within ${ANALYSIS_DEADLINE}s"
  sleep 10
done
echo "demo-smoke: 2 demo interviews analysed $((SECONDS - began))s after the start"
[ -f "$WORK/cookies-hr_sh" ] || log_in hr_sh
workbench=$(grep -o "$BASE/reviews/interviews/[0-9]*/" "$LOG" | head -n1)
[ -n "$workbench" ] || fail "make demo printed no workbench link of a demo interview"
page="$WORK/workbench.html"
code=$(curl -s -o "$page" -w '%{http_code}' --max-time "$HTTP_TIMEOUT" -b "$WORK/cookies-hr_sh" "$workbench")
[ "$code" = 200 ] || fail "the workbench $workbench answered $code to hr_sh"
grep -qi "customer" "$page" || fail "the workbench $workbench shows no transcript"
echo "demo-smoke: OK in $((SECONDS - began))s (/, /healthz, /api/openapi.json, logins, worker, candidate link, outbox, analysed demo interviews, workbench)"
