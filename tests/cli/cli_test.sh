#!/usr/bin/env bash
# The `endure` command line against a dev server it starts: `server start-dev` flags and its
# ready block, `workflow` commands with Temporal CLI's flags and the environment variables
# Temporal's tools read, errors that name the argument, `show --output json` and `import`.
# Workflow commands that need a worker (execute, query, update, result of a completed run) are
# exercised by the TypeScript compatibility suite, which has workers.
#
#   bash tests/cli/cli_test.sh path/to/endure
set -uo pipefail
endure=${1:?usage: cli_test.sh path/to/endure}
dir=$(mktemp -d)
server_pid=""
failures=0
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_contains() {  # expect_contains NAME HAYSTACK NEEDLE
  [[ "$2" == *"$3"* ]] || fail "$1: expected '$3' in: $2"
}

start_server() {
  "$endure" server start-dev --db-filename "$dir/endure.db" --port "${1:-0}" --http-port -1 \
    --namespace jarvis >"$dir/server.out" 2>"$dir/server.err" &
  server_pid=$!
  for _ in $(seq 1 100); do
    grep -q '^Ready\.' "$dir/server.out" 2>/dev/null && break
    sleep 0.1
  done
  grep -q '^Ready\.' "$dir/server.out" || { cat "$dir/server.out" "$dir/server.err"; exit 1; }
  port=$(sed -n 's/^  gRPC *[0-9.]*:\([0-9]*\)$/\1/p' "$dir/server.out")
}

start_server
out=$(cat "$dir/server.out")
expect_contains "ready block names the database" "$out" "$dir/endure.db (persistent)"
expect_contains "ready block lists namespaces" "$out" "Namespaces default, jarvis"
export TEMPORAL_ADDRESS="127.0.0.1:$port"

# Flags are checked before anything runs, naming the flag.
err=$("$endure" server start-dev --port 70000 2>&1) && fail "port out of range accepted"
expect_contains "bad --port" "$err" "--port"
err=$("$endure" workflow start --type T --task-queue q 2>&1) && fail "start without id accepted"
expect_contains "missing --workflow-id" "$err" "--workflow-id"
err=$("$endure" workflow start -w w1 --type T -t q --input '{bad' 2>&1)
[[ $? -eq 2 ]] || fail "malformed --input should exit 2"
expect_contains "malformed --input" "$err" "--input"

# start, describe, signal, list, count.
out=$("$endure" workflow start -w w1 --type Greet -t q --input '"Ada"' --memo 'team="core"')
expect_contains "start prints the run" "$out" "WorkflowId  w1"
out=$("$endure" workflow start -w w1 --type Greet -t q 2>&1) && fail "duplicate start accepted"
expect_contains "duplicate start names the reason" "$out" "already"
out=$("$endure" workflow describe -w w1)
expect_contains "describe status" "$out" "Status              Running"
expect_contains "describe memo" "$out" 'Memo team = "core"'
"$endure" workflow signal -w w1 --name poke --input '{"n":1}' >/dev/null || fail "signal"
out=$("$endure" workflow show -w w1)
expect_contains "show lists the signal" "$out" "WORKFLOW_EXECUTION_SIGNALED"
out=$("$endure" workflow list --query "WorkflowType = 'Greet'")
expect_contains "list finds the run" "$out" "w1"
out=$("$endure" workflow count --query "ExecutionStatus = 'Running'")
expect_contains "count" "$out" "Total: 1"
err=$("$endure" workflow list --query "WorkflowType = " 2>&1) && fail "malformed query accepted"
expect_contains "malformed query names the flag" "$err" "--query"

# TEMPORAL_NAMESPACE and --namespace; an unknown namespace is the server's NOT_FOUND.
TEMPORAL_NAMESPACE=jarvis "$endure" workflow start -w j1 --type T -t q >/dev/null ||
  fail "start in TEMPORAL_NAMESPACE"
out=$("$endure" workflow count -n jarvis)
expect_contains "namespace from the flag" "$out" "Total: 1"
err=$("$endure" workflow count -n nope 2>&1) && fail "unknown namespace accepted"
expect_contains "unknown namespace" "$err" "nope"
# TEMPORAL_HOST / TEMPORAL_PORT when TEMPORAL_ADDRESS is unset.
out=$(env -u TEMPORAL_ADDRESS TEMPORAL_HOST=127.0.0.1 TEMPORAL_PORT="$port" "$endure" workflow count)
expect_contains "TEMPORAL_HOST and TEMPORAL_PORT" "$out" "Total: 1"
err=$(env -u TEMPORAL_ADDRESS "$endure" workflow count --address 127.0.0.1:1 2>&1) &&
  fail "unreachable server accepted"
expect_contains "unreachable server" "$err" "cannot reach the server"

# cancel and terminate; result reports the outcome with a non-zero exit.
"$endure" workflow cancel -w w1 --reason "no longer needed" >/dev/null || fail "cancel"
"$endure" workflow terminate -w w1 --reason "done here" >/dev/null || fail "terminate"
out=$("$endure" workflow result -w w1) && fail "result of a terminated run exits 0"
expect_contains "result" "$out" "Status: Terminated"
expect_contains "result reason" "$out" "done here"

# show --output json is the replayers' format; import loads it back as a closed run.
"$endure" workflow show -w w1 --output json >"$dir/w1.json" || fail "show json"
grep -q '"eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"' "$dir/w1.json" ||
  fail "show json: event types by full name"
grep -q '"eventId": "1"' "$dir/w1.json" || fail "show json: int64 as strings"
grep -q '"encoding": "anNvbi9wbGFpbg=="' "$dir/w1.json" || fail "show json: payload metadata in base64"
out=$("$endure" workflow import "$dir/w1.json" --db-filename "$dir/endure.db" -w w1-copy)
expect_contains "import" "$out" "as WorkflowId w1-copy"
out=$("$endure" workflow describe -w w1-copy)
expect_contains "imported run is closed" "$out" "Status              Terminated"
"$endure" workflow show -w w1-copy --output json >"$dir/copy.json" || fail "show copy"
diff <(grep -v '"eventTime"\|RunId"' "$dir/w1.json") <(grep -v '"eventTime"\|RunId"' "$dir/copy.json") >/dev/null ||
  fail "imported history differs from the original"
err=$("$endure" workflow import "$dir/w1.json" --db-filename "$dir/endure.db" -w j-run -n nope 2>&1) &&
  fail "import into an unknown namespace accepted"
echo '{"events": []}' >"$dir/empty.json"
err=$("$endure" workflow import "$dir/empty.json" --db-filename "$dir/endure.db" 2>&1) &&
  fail "empty history imported"
expect_contains "empty history" "$err" "no events"

# `endure worker` in a process of its own runs JARVIS's workflows against the server, on a task
# queue of its own (the server's in-process worker polls jarvis-task-queue).
"$endure" worker --task-queue jarvis-remote >"$dir/worker.out" 2>&1 &
worker_pid=$!
for _ in $(seq 1 50); do grep -q '^Ready\.' "$dir/worker.out" && break; sleep 0.1; done
mkdir -p "$dir/repo" && printf 'int main() {\n  return 0;\n}\n' >"$dir/repo/main.cc"
out=$("$endure" workflow execute -w analysis-1 --type CodeAnalysisWorkflow -t jarvis-remote \
  --input "{\"repo_path\":\"$dir/repo\",\"analysis_types\":[\"static\",\"complexity\"]}")
expect_contains "a JARVIS workflow through endure worker" "$out" "Status: Completed"
expect_contains "its result" "$out" '"functions":1'
"$endure" workflow show -w analysis-1 --output json >"$dir/analysis.json" || fail "show analysis"
out=$("$endure" replay --history "$dir/analysis.json")
expect_contains "endure replay" "$out" "deterministic"
kill -TERM "$worker_pid"
wait "$worker_pid" || fail "worker exit code after SIGTERM"
grep -q '^Stopped\.' "$dir/worker.out" || fail "worker did not report stopping"

# SIGTERM drains and closes; a restart on the same file keeps everything.
kill -TERM "$server_pid"
wait "$server_pid"
[[ $? -eq 0 ]] || fail "server exit code after SIGTERM"
grep -q '^Stopped\.' "$dir/server.out" || fail "server did not report stopping"
server_pid=""
start_server "$port"
out=$("$endure" workflow describe -w w1-copy)
expect_contains "restart keeps runs" "$out" "Terminated"

if [[ $failures -gt 0 ]]; then
  echo "cli: $failures failed"
  exit 1
fi
echo "cli: all passed"
