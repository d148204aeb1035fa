#!/usr/bin/env bash
# `backlint config check FILE` as a user runs it: the process environment's BACKLINT_* variables apply,
# secrets are masked, and a bad variable fails with exit code 2 naming it.
set -euo pipefail
backlint=$1
config=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; echo "--- stdout:"; cat "$work/out" 2>/dev/null; echo "--- stderr:"; cat "$work/err" 2>/dev/null; exit 1; }

BACKLINT_KAFKA_SASL_PASSWORD=cli-secret-7 BACKLINT_DEAD_LETTER_TOPIC=dlq-from-env \
  "$backlint" config check "$config" >"$work/out" 2>"$work/err" || fail "exit $? for a valid configuration"
grep -qx 'dead_letter_topic: dlq-from-env' "$work/out" || fail "BACKLINT_DEAD_LETTER_TOPIC not applied"
grep -qx '    sasl.password: "\*\*\*\*\*\*\*\*"' "$work/out" || fail "sasl.password not shown masked"
if grep -q 'cli-secret-7' "$work/out" "$work/err"; then fail "the secret value was printed"; fi

status=0
BACKLINT_COMMIT_INTERVAL=5 "$backlint" config check "$config" >"$work/out" 2>"$work/err" || status=$?
[ "$status" = 2 ] || fail "exit $status for an unknown BACKLINT_ variable, expected 2"
grep -q '^environment variable BACKLINT_COMMIT_INTERVAL: not a setting' "$work/err" || fail "error does not name the variable"
echo "config check: environment applied, secret masked, bad variable rejected with exit 2"
