# shellcheck shell=bash disable=SC2034,SC2154 # globals shared with scripts/e2e.sh
# Helpers of the end-to-end tests (sourced by scripts/e2e.sh): failing
# loudly, running the aws CLI against the server, reading its JSON output
# with python3, starting and stopping the server.
#
# Globals they read: AWS (the aws CLI binary), endpoint, bin (the iotdefender
# binary), run_dir (this CLI's scratch directory), data_dir, port.
# Globals they set: out and err (the last command's stdout and stderr),
# value (see get), last_cmd, server_pid, calls (how many CLI calls so far).

calls=0
server_pid=""

# A command that fails outside run_cmd and fail ends the script through
# set -e without a word: say which.
set -o errtrace # the trap below also in functions and command substitutions
trap 'echo "e2e: line $LINENO of ${BASH_SOURCE[0]##*/} failed (status $?)" >&2' ERR

# fail MESSAGE...: prints the message, the last command and its output, and
# exits non-zero.
fail() {
  {
    echo
    echo "FAIL: $*"
    if [ -n "${last_cmd:-}" ]; then
      echo "  command: $last_cmd"
      echo "  stdout:"
      echo "    ${out//$'\n'/$'\n'    }"
      echo "  stderr:"
      echo "    ${err//$'\n'/$'\n'    }"
    fi
  } >&2
  exit 1
}

# note MESSAGE: one line of progress.
note() {
  echo "  [$cli_name] $*"
}

# run_cmd CMD...: runs a command, keeping its output in out and err; fails
# when it exits non-zero.
run_cmd() {
  local rc=0
  last_cmd="$*"
  "$@" >"$run_dir/stdout" 2>"$run_dir/stderr" || rc=$?
  out=$(<"$run_dir/stdout")
  err=$(<"$run_dir/stderr")
  if [ "$rc" -ne 0 ]; then
    fail "exit status $rc"
  fi
}

# iot ARGS...: runs `aws iot ARGS` against the server with JSON output.
iot() {
  calls=$((calls + 1))
  run_cmd "$AWS" iot "$@" --endpoint-url "$endpoint" --output json
}

# iot_refused CODE ARGS...: runs `aws iot ARGS`, which must fail (non-zero
# exit status) with the AWS error code CODE named on stderr.
iot_refused() {
  local code=$1 rc=0
  shift
  calls=$((calls + 1))
  last_cmd="$AWS iot $* --endpoint-url $endpoint --output json"
  "$AWS" iot "$@" --endpoint-url "$endpoint" --output json >"$run_dir/stdout" 2>"$run_dir/stderr" || rc=$?
  out=$(<"$run_dir/stdout")
  err=$(<"$run_dir/stderr")
  if [ "$rc" -eq 0 ]; then
    fail "expected $code, but the command succeeded"
  fi
  if ! grep -qF "An error occurred ($code)" <<<"$err"; then
    fail "expected the error code $code on stderr (exit status $rc)"
  fi
}

# json EXPR [ARG...]: prints the Python expression EXPR evaluated over the
# last output, parsed as JSON and bound to d (the ARGs are sys.argv[2:]);
# strings print as they are, anything else as JSON.
json() {
  python3 -c '
import json, sys
d = json.loads(sys.stdin.read() or "null")
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
' "$@" <<<"$out"
}

# get EXPR: sets value to EXPR (see json) evaluated over the last output.
get() {
  value=$(json "$1" 2>&1) || fail "cannot evaluate $1 over the output: $value"
}

# want EXPR EXPECTED [ARG...]: EXPR (see json) must print EXPECTED.
want() {
  local got
  got=$(json "$1" "${@:3}" 2>&1) || fail "cannot evaluate $1 over the output: $got"
  if [ "$got" != "$2" ]; then
    fail "$1: expected $2, got $got"
  fi
}

# want_match EXPR REGEX: EXPR (see json) must match the extended regex.
want_match() {
  local got
  got=$(json "$1" 2>&1) || fail "cannot evaluate $1 over the output: $got"
  if ! [[ $got =~ $2 ]]; then
    fail "$1: expected a match of /$2/, got $got"
  fi
}

# want_contains TEXT NEEDLE WHAT: TEXT must contain NEEDLE.
want_contains() {
  if [[ $1 != *"$2"* ]]; then
    fail "$3: expected to contain '$2'"
  fi
}

# names LIST...: a JSON list of the arguments, sorted, as json prints one.
names() {
  python3 -c 'import json, sys; print(json.dumps(sorted(sys.argv[1:])))' "$@"
}

# cert_id_of PEM_FILE: the certificate id AWS IoT gives a certificate, the
# SHA-256 of its DER encoding, computed by openssl.
cert_id_of() {
  local digest
  digest=$(openssl x509 -in "$1" -outform DER | openssl dgst -sha256 -hex) || fail "openssl cannot read $1"
  echo "${digest##*= }"
}

# now_ms: milliseconds since the epoch.
now_ms() {
  date +%s%3N
}

# start_server: starts iotdefender on data_dir and port and waits until
# GET /healthz answers.
start_server() {
  "$bin" serve --addr "127.0.0.1:$port" --data "$data_dir" >>"$run_dir/server.log" 2>&1 &
  server_pid=$!
  last_cmd="GET $endpoint/healthz"
  out="" err=""
  python3 - "$endpoint/healthz" "$server_pid" <<'EOF' || fail "the server did not become healthy (log: $run_dir/server.log)"
import json, os, sys, time, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    try:
        with opener.open(url, timeout=2) as r:
            body = json.load(r)
            if r.status == 200 and body == {"status": "ok"}:
                sys.exit(0)
            sys.exit(f"unexpected answer {r.status} {body}")
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("the server exited")
    time.sleep(0.05)
sys.exit(f"no answer from {url} in 20 s")
EOF
}

# stop_server: stops the server with SIGTERM; it must exit with status 0
# within 5 seconds.
stop_server() {
  local rc=0 deadline
  last_cmd=""
  kill -TERM "$server_pid"
  deadline=$(($(now_ms) + 5000))
  while kill -0 "$server_pid" 2>/dev/null; do
    if [ "$(now_ms)" -gt "$deadline" ]; then
      fail "the server did not exit within 5 s of SIGTERM"
    fi
    sleep 0.05
  done
  wait "$server_pid" || rc=$?
  server_pid=""
  if [ "$rc" -ne 0 ]; then
    fail "the server exited with status $rc after SIGTERM (log: $run_dir/server.log)"
  fi
}

# kill_server: ends a server still running (the exit trap).
kill_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}

# free_port: a TCP port free on 127.0.0.1 right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
