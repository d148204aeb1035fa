#!/usr/bin/env bash
# `backlint demo --hold` serves /metrics after its summary: a real scrape with curl must show the
# pipeline's counters, pass `promtool check metrics`, /healthz and /readyz must answer on the same port,
# and SIGINT must stop the demo cleanly.
set -euo pipefail
backlint=$1
promtool=$2
work=$(mktemp -d)
"$backlint" demo --hold --metrics-listen 127.0.0.1:0 >"$work/demo.log" 2>&1 &
demo=$!
trap 'kill "$demo" 2>/dev/null || true; rm -rf "$work"' EXIT

fail() { echo "FAIL: $*"; echo "--- demo output:"; cat "$work/demo.log"; exit 1; }
for _ in $(seq 600); do
  grep -q '^holding:' "$work/demo.log" && break
  kill -0 "$demo" 2>/dev/null || fail "demo exited before holding"
  sleep 0.1
done
url=$(sed -n 's/^holding: metrics at \(http[^;]*\);.*/\1/p' "$work/demo.log")
[ -n "$url" ] || fail "demo never printed its metrics address"

curl -fsS "$url" >"$work/metrics.txt" || fail "scrape of $url failed"
expect() { grep -qxF "$1" "$work/metrics.txt" || fail "scrape lacks: $1"; }
expect 'backlint_pages_total{result="scored"} 8'
expect 'backlint_pages_total{result="dead_letter"} 2'
expect 'backlint_links_total{kind="backlink"} 23'
expect 'backlint_backlinks_total{verdict="clean"} 17'
expect 'backlint_backlinks_total{verdict="suspicious"} 1'
expect 'backlint_backlinks_total{verdict="toxic"} 5'
expect 'backlint_flags_total{category="paid"} 1'
expect 'backlint_flags_total{category="forced_keyword"} 10'
expect 'backlint_flags_total{category="spammy"} 17'

# Dead letters carry a bounded reason code next to their stage; the two bad demo pages fail in decode.
decode_dead_letters=$(awk '/^backlint_dead_letters_total[{].*stage="decode"/ { total += $NF } END { print total + 0 }' \
  "$work/metrics.txt")
[ "$decode_dead_letters" = 2 ] || fail "expected 2 decode dead letters, scraped $decode_dead_letters"
if grep '^backlint_dead_letters_total[{]' "$work/metrics.txt" | grep -v 'reason="[a-z_]*"'; then
  fail "dead-letter series without a reason code"
fi

problems=$("$promtool" check metrics <"$work/metrics.txt" 2>&1) || fail "promtool check metrics: $problems"
[ -z "$problems" ] || fail "promtool check metrics reported: $problems"

# Health and readiness share the listener: the process is up, but the demo's pipeline has stopped consuming.
base=${url%/metrics}
health=$(curl -sS -o /dev/null -w '%{http_code}' "$base/healthz") || fail "GET $base/healthz failed"
[ "$health" = 200 ] || fail "/healthz answered $health, expected 200"
readiness=$(curl -sS -o /dev/null -w '%{http_code}' "$base/readyz") || fail "GET $base/readyz failed"
[ "$readiness" = 503 ] || fail "/readyz answered $readiness after the pipeline stopped, expected 503"

kill -INT "$demo"
wait "$demo" || fail "demo exited with $? after SIGINT"
grep -q 'backlint demo summary' "$work/demo.log" || fail "no summary printed"
echo "scrape of $url: counters present, promtool check metrics clean, /healthz 200, /readyz 503, clean exit on SIGINT"
