#!/usr/bin/env bash
# Load test of the sandbox with wrk: GET last-changed-statuses (10 items) and POST query (10 ids).
# Builds release, starts the binary on a free port, obtains a token, creates data, runs wrk 10 s each
# and prints req/s. Loopback only. Usage: crates/npay-sandbox/bench/wrk.sh [duration] [connections]
set -euo pipefail
DURATION="${1:-10s}"
CONNS="${2:-64}"
THREADS="${WRK_THREADS:-2}"
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk not found; installing the Debian package" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null
fi

cargo build --release -q -p npay-sandbox --bin npay-sandbox --example sign
BIN="$ROOT/target/release/npay-sandbox"
SIGN="$ROOT/target/release/examples/sign"
CLIENT_ID="sandbox-client-id"
SECRET='$2a$04$sandboxsecretsandboxse'

WORK="$(mktemp -d)"
"$BIN" --port 0 --seed 1 >"$WORK/out" 2>"$WORK/err" &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -s "$WORK/out" ] && break; sleep 0.05; done
BASE="$(sed -n 's/^npay-sandbox listening on //p' "$WORK/out")"
[ -n "$BASE" ] || { echo "sandbox did not start: $(cat "$WORK/err")" >&2; exit 1; }
echo "sandbox: $BASE"

read -r TS SIGNATURE < <("$SIGN" "$CLIENT_ID" "$SECRET")
TOKEN="$(curl -sf -X POST "$BASE/v1/oauth2/token" \
  --data-urlencode "client_id=$CLIENT_ID" --data-urlencode "timestamp=$TS" \
  --data-urlencode "grant_type=client_credentials" --data-urlencode "type=SELF" \
  --data-urlencode "client_secret_sign=$SIGNATURE" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"

IDS="$(curl -sf -X POST "$BASE/_sandbox/orders" -H 'Content-Type: application/json' \
  -d '{"count": 10, "status": "PAYED", "productsPerOrder": 1}' \
  | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["productOrderIds"]))')"
NOW="$(curl -sf "$BASE/_sandbox/clock" | python3 -c 'import json,sys; print(json.load(sys.stdin)["now"])')"
FROM="$(python3 - "$NOW" <<'PY'
import sys, datetime
now = datetime.datetime.fromisoformat(sys.argv[1])
f = (now - datetime.timedelta(hours=1)).isoformat(timespec="milliseconds")
print(f.replace("+", "%2B"))
PY
)"
LCS_URL="$BASE/v1/pay-order/mall/product-orders/last-changed-statuses?lastChangedFrom=$FROM"
COUNT="$(curl -sf -H "Authorization: Bearer $TOKEN" "$LCS_URL" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["count"])')"
echo "last-changed-statuses returns $COUNT items"

cat >"$WORK/query.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"productOrderIds": $IDS}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

run() {
  local name="$1"; shift
  local out
  out="$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$@")"
  local rps p99 non2xx
  rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
  p99="$(echo "$out" | awk '$1 == "99%" {print $2}')"
  non2xx="$(echo "$out" | awk '/Non-2xx/ {print $NF}')"
  printf '%-36s %12s req/s   p99 %-8s non-2xx %s\n' "$name" "$rps" "$p99" "${non2xx:-0}"
}

echo "wrk: $THREADS threads, $CONNS connections, $DURATION each, $(nproc) cores shared with the server"
run "GET last-changed-statuses (10)" -H "Authorization: Bearer $TOKEN" "$LCS_URL"
run "POST query (10 ids)" -s "$WORK/query.lua" "$BASE/v1/pay-order/mall/product-orders/query"
