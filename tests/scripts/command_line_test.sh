#!/usr/bin/env bash
# A bad command line exits with 2, as README's exit code table says, whatever the mode: not CLI11's own
# codes (105 for a bad value, 106 for a missing argument, 109 for an unknown option), which scripts and
# Kubernetes' restart policy would read as something else. --help still exits 0 and shows defaults by name.
# Also how options and inputs are told apart.
set -uo pipefail
backlint=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
expect() {  # expect CODE STDERR_SUBSTRING ARGS...
  local code=$1 message=$2
  shift 2
  "$backlint" "$@" </dev/null >"$work/out" 2>"$work/err"
  local status=$?
  if [ "$status" != "$code" ]; then
    echo "FAIL: backlint $* exited $status, expected $code"; cat "$work/err"; failures=$((failures + 1))
  elif ! grep -qF -- "$message" "$work/err" "$work/out"; then
    echo "FAIL: backlint $* did not say '$message'"; cat "$work/err"; failures=$((failures + 1))
  fi
}
expect 2 "File does not exist: $work/missing.yaml" run --config "$work/missing.yaml"
expect 2 "The following argument was not expected: --bogus" run --bogus
expect 2 "A subcommand is required" 
expect 2 "--input-format: Check xml value" score --input-format xml
expect 2 "--max-score: Value 200 not in range 0 to 100" disavow --max-score 200
expect 2 "file is required" rules check
echo '{"event_id": "e1"}' >"$work/events.jsonl"
expect 2 "-o names the input '$work/events.jsonl'" disavow "$work/events.jsonl" -o "$work/events.jsonl"
grep -q e1 "$work/events.jsonl" || { echo "FAIL: disavow -o emptied its input"; failures=$((failures + 1)); }
expect 0 "Usage:" run --help

# A repeatable option takes one value: the file after it is an input, not a second domain (and stdin unread).
printf '{"url": "https://a.example/", "html": "<a href=\\"https://b.example/\\">b</a>"}\n' >"$work/page.jsonl"
expect 0 "1 pages, 1 backlink events" score --watch-domain b.example --watch-brand Bee "$work/page.jsonl"
cp "$work/out" "$work/scored.jsonl"
expect 0 "1 backlink events" disavow --target b.example "$work/scored.jsonl"
expect 0 "--input-format {auto,jsonl,warc}=auto" score --help  # not the enum's number
[ "$failures" = 0 ] || exit 1
echo "bad command lines exit 2, --help exits 0"
