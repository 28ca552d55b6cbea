#!/usr/bin/env bash
# From the shell, in a 120x40 tmux pane: start to the first frame, start to the first frame
# with data (a deployment row), then, left idle, the CPU it uses and its resident memory, and
# the warehouse statements and REST calls of its debug log's per-minute lines. Then, as on a
# real workspace, the cost of a second cockpit that joins the first's estate (it reaches the
# simulated REST API and SQL warehouse over loopback, so its CPU is the cockpit's own and the
# first process's is the simulated Databricks answering both).
#
#   scripts/bench-tui.sh [cockpit flags...]     e.g. scripts/bench-tui.sh --demo-latency 500ms
#
# BIN (default: built into /tmp/cockpit-bench), DB (a warm 90-day estate, generated on the
# first run), NOW (the frozen clock, empty: the wall clock), IDLE (seconds, default 125: the
# second minute's log line is the idle one), RUNS (starts to time, default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-/tmp/cockpit-bench}
DB=${DB:-/tmp/cockpit-bench-estate.duckdb}
NOW=${NOW-2026-11-23T12:00:00Z}
IDLE=${IDLE:-125}
RUNS=${RUNS:-5}
command -v tmux >/dev/null || { echo "bench-tui: tmux is needed" >&2; exit 2; }
[ -x "$BIN" ] || go build -o "$BIN" ./cmd/cockpit
clock=()
[ -n "$NOW" ] && clock=(--demo-now "$NOW")
[ -f "$DB" ] || "$BIN" demo --demo-db "$DB" "${clock[@]}" releases --env prod -o json >/dev/null
S=cockpit-bench-$$
T=$(mktemp -d)
trap 'tmux kill-session -t $S 2>/dev/null || true; rm -rf "$T"' EXIT
ms() { date +%s%3N; }

# start runs the cockpit in a fresh pane and prints "first_frame_ms rows_ms verdicts_ms": the
# first frame, the first with a deployment row (shown before its health, "… reading"), and
# the first with the rows judged (no row still reading).
start() {
  if tmux has-session -t $S 2>/dev/null; then tmux kill-session -t $S; sleep 2; fi
  rm -f "$T/start" "$T/log"
  tmux new-session -d -s $S -x 120 -y 40 \
    "date +%s%3N > $T/start; exec $BIN demo --demo-db $DB ${clock[*]} --debug $T/log $*"
  local first="" data="" judged=""
  for _ in $(seq 1 3000); do
    local screen
    screen=$(tmux capture-pane -p -t $S 2>/dev/null || true)
    if [ -z "$first" ] && grep -q 'cockpit' <<<"$screen"; then first=$(ms); fi
    if [ -z "$data" ] && grep -q 'ecommerce_orders' <<<"$screen"; then data=$(ms); fi
    if [ -n "$data" ] && ! grep -q 'reading' <<<"$screen"; then judged=$(ms); break; fi
    sleep 0.01
  done
  local t0; t0=$(cat "$T/start")
  echo "$((first - t0)) $((data - t0)) $((judged - t0))"
}

echo "start to first frame / to the first deployment rows / to their verdicts (ms), $RUNS runs, flags: ${clock[*]} $*"
for i in $(seq 1 "$RUNS"); do start "$@"; done

pid=$(tmux list-panes -t $S -F '#{pane_pid}')
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
c0=$(cpu); sleep "$IDLE"; c1=$(cpu)
echo "idle over ${IDLE}s: $(awk -v d=$((c1 - c0)) -v t="$tick" -v s="$IDLE" 'BEGIN{printf "%.2f", 100*d/t/s}')% of a core, RSS $(awk '/VmRSS/{print $2/1024 " MB"}' "/proc/$pid/status")"
echo "per-minute lines of the debug log (the first minute holds the first loads):"
grep 'watching cost' "$T/log" || echo "(none yet)"

J=$S-joined
trap 'tmux kill-session -t $S 2>/dev/null || true; tmux kill-session -t $J 2>/dev/null || true; rm -rf "$T"' EXIT
tmux new-session -d -s $J -x 120 -y 40 "exec $BIN demo --demo-db $DB ${clock[*]} --debug $T/joined.log $*"
for _ in $(seq 1 3000); do
  tmux capture-pane -p -t $J 2>/dev/null | grep -q 'ecommerce_orders' && break
  sleep 0.05
done
sleep 20 # the joined cockpit's other environments and first probes
jpid=$(tmux list-panes -t $J -F '#{pane_pid}')
jcpu() { awk '{print $14 + $15}' "/proc/$jpid/stat"; }
c0=$(cpu); j0=$(jcpu); sleep "$IDLE"; c1=$(cpu); j1=$(jcpu)
pct() { awk -v d="$1" -v t="$tick" -v s="$IDLE" 'BEGIN{printf "%.2f", 100*d/t/s}'; }
echo "joined cockpit idle over ${IDLE}s: $(pct $((j1 - j0)))% of a core, RSS $(awk '/VmRSS/{print $2/1024 " MB"}' "/proc/$jpid/status"); the serving cockpit meanwhile: $(pct $((c1 - c0)))%"
