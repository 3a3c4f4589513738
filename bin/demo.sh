#!/usr/bin/env bash
# The oci-log demo: the whole journey against the built-in emulator, no OCI
# account needed. Run it with `npm run demo` (which builds first).
#   1. start `oci-log emulator` with a throwaway identity, in the background
#   2. create a log group and a log
#   3. pipe a sample program's output through `oci-log`
#   4. read the entries back with `oci-log query`
#   5. run a cron-style job through `oci-log exec` and find its stderr line
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
oci_log() { node "$here/oci-log.js" "$@"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/oci-log-demo.XXXXXX")
cleanup() {
  if [ -n "${emulator_pid:-}" ]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -t 2 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain" >&2; }

step "oci-log emulator --new-identity --state-dir $work/state --exports-file $work/env &"
# Started as node itself, not through the oci_log function: $! must be the emulator, not a subshell.
node "$here/oci-log.js" emulator --new-identity --state-dir "$work/state" --exports-file "$work/env" 2>"$work/emulator.log" >/dev/null &
emulator_pid=$!
for _ in $(seq 1 100); do [ -s "$work/env" ] && break; sleep 0.1; done
[ -s "$work/env" ] || { cat "$work/emulator.log" >&2; echo "the emulator did not start" >&2; exit 1; }
# shellcheck disable=SC1091
. "$work/env"
cat "$work/env" >&2

step 'LG=$(oci-log create-log-group --display-name demo-group)'
LG=$(oci_log create-log-group --display-name demo-group)
echo "$LG"

step 'LOG=$(oci-log create-log --log-group-id "$LG" --display-name demo-app)'
LOG=$(oci_log create-log --log-group-id "$LG" --display-name demo-app)
echo "$LOG"

sample_app() {
  for i in $(seq 1 5); do
    printf '{"level":"info","msg":"request served","n":%d,"path":"/items/%d"}\n' "$i" "$i"
  done
  echo 'plain text: café ✓ done'
  echo 'warning: disk 91% full' >&2
}

step 'sample_app 2>&1 | oci-log --log-ocid "$LOG" --subject demo'
sample_app 2>&1 | oci_log --log-ocid "$LOG" --subject demo

step 'oci-log query --log-ocid "$LOG" --since 10m'
oci_log query --log-ocid "$LOG" --since 10m

step 'oci-log exec --log-ocid "$LOG" -- sh -c "echo backing up; echo 1 file skipped >&2; exit 3"   # a cron job'
oci_log exec --log-ocid "$LOG" -- sh -c 'echo backing up; echo 1 file skipped >&2; exit 3' || echo "(the job exited $?)"

step 'oci-log query --log-ocid "$LOG" --since 10m --stream stderr'
oci_log query --log-ocid "$LOG" --since 10m --stream stderr
