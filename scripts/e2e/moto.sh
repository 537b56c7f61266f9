# shellcheck shell=bash disable=SC2034,SC2154 # globals shared with the scripts that source it
# Helpers of the end-to-end tests that run iotdefender beside moto_server as
# its SNS (scripts/e2e/audit.sh and mitigation.sh, after lib.sh): finding the
# aws CLIs, isolating the clients' environment, starting moto_server and the
# server, cleaning up, and SNS topics with an SQS queue to read them back.
#
# Globals they read: suite (the script's name in messages), clis, work,
# bin, data_dir, port, endpoint, run_dir, AWS. Globals they set: aws_v1,
# aws_v2, moto_url, moto_pid, server_pid, topic_arn, queue_url.

moto_pid=""

# cli_of MAJOR CANDIDATE...: the first candidate that is the aws CLI of that
# major version.
cli_of() {
  local major=$1 candidate real
  shift
  for candidate in "$@"; do
    if [ -x "$candidate" ] && [[ $("$candidate" --version 2>&1) == aws-cli/"$major".* ]]; then
      # A pyenv shim costs a few hundred ms per call: run what it runs.
      if [[ $candidate == */shims/aws ]] && real=$(pyenv which aws 2>/dev/null) && [ -x "$real" ]; then
        candidate=$real
      fi
      echo "$candidate"
      return
    fi
  done
}

check_prerequisites() {
  local missing=() on_path=() tool
  for tool in python3 moto_server; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  [ -n "${E2E_BIN:-}" ] || command -v go >/dev/null || missing+=("go (or E2E_BIN naming a built iotdefender)")
  python3 -c 'import boto3' 2>/dev/null || missing+=("boto3 for python3")
  mapfile -t on_path < <(type -ap aws || true)
  aws_v1="" aws_v2=""
  if [[ " ${clis[*]} " == *" v1 "* ]]; then
    aws_v1=$(cli_of 1 ${E2E_AWS_V1:+"$E2E_AWS_V1"} "${on_path[@]}")
    [ -n "$aws_v1" ] || missing+=("the aws CLI v1 (pip install awscli; or set E2E_AWS_V1)")
  fi
  if [[ " ${clis[*]} " == *" v2 "* ]]; then
    aws_v2=$(cli_of 2 ${E2E_AWS_V2:+"$E2E_AWS_V2"} /usr/bin/aws "${on_path[@]}")
    [ -n "$aws_v2" ] || missing+=("the aws CLI v2 (apt-get install awscli; or set E2E_AWS_V2)")
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "e2e $suite: missing prerequisites:" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
  fi
}

# isolate_environment: the clients see only the servers started here.
isolate_environment() {
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE \
    AWS_DEFAULT_PROFILE AWS_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_IOT AWS_ENDPOINT_URL_SNS \
    AWS_ENDPOINT_URL_SQS AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
    AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CLI_AUTO_PROMPT IOTDEFENDER_ENDPOINT IOTDEFENDER_DATA
  : >"$work/aws-config"
  export AWS_CONFIG_FILE="$work/aws-config"
  export AWS_SHARED_CREDENTIALS_FILE="$work/no-credentials"
  export AWS_DEFAULT_REGION=us-east-1 AWS_DEFAULT_OUTPUT=json AWS_PAGER="" AWS_MAX_ATTEMPTS=1
  export AWS_RETRY_MODE=standard AWS_EC2_METADATA_DISABLED=true
  export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
  export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
  # What the server publishes to SNS with: moto takes any key.
  printf '[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n' >"$work/moto-credentials"
}

# wait_http URL PID WHAT: waits until URL answers (any status), while PID runs.
wait_http() {
  last_cmd="GET $1" out="" err=""
  python3 - "$1" "$2" <<'EOF' || fail "$3 did not start"
import os, sys, time, urllib.error, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    try:
        opener.open(url, timeout=2).close()
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("it exited")
    time.sleep(0.05)
sys.exit(f"no answer from {url} in 30 s")
EOF
}

start_moto() {
  local moto_port
  moto_port=$(free_port)
  moto_url="http://127.0.0.1:$moto_port"
  moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
  moto_pid=$!
  wait_http "$moto_url/moto-api/" "$moto_pid" "moto_server (log: $work/moto.log)"
}

# start_sns_server FLAGS...: iotdefender on data_dir and port, publishing to
# moto's SNS, with the flags given.
start_sns_server() {
  port=$(free_port)
  endpoint="http://127.0.0.1:$port"
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_SHARED_CREDENTIALS_FILE="$work/moto-credentials" AWS_REGION=us-east-1 \
    "$bin" serve --addr "127.0.0.1:$port" --data "$data_dir" --sns-endpoint "$moto_url" "$@" >>"$run_dir/server.log" 2>&1 &
  server_pid=$!
  wait_http "$endpoint/healthz" "$server_pid" "iotdefender (log: $run_dir/server.log)"
}

on_exit() {
  local rc=$?
  kill_server
  if [ -n "$moto_pid" ] && kill -0 "$moto_pid" 2>/dev/null; then
    kill -TERM "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -s "${run_dir:-/nonexistent}/server.log" ]; then
    echo "--- last lines of the server log ($run_dir/server.log)" >&2
    tail -n 20 "$run_dir/server.log" >&2
  fi
  if [ "${E2E_KEEP:-}" = 1 ] || [ "$rc" -ne 0 ]; then
    echo "e2e $suite: scratch directory kept: $work" >&2
  else
    rm -rf "$work"
  fi
}

# moto ARGS...: the aws CLI against moto_server.
moto() {
  calls=$((calls + 1))
  run_cmd env AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing "$AWS" "$@" --endpoint-url "$moto_url" --output json
}

# make_topic NAME: an SNS topic on moto and an SQS queue subscribed to it
# (raw delivery); sets topic_arn and queue_url.
make_topic() {
  moto sns create-topic --name "$1"
  topic_arn=$(json 'd["TopicArn"]')
  moto sqs create-queue --queue-name "$1-queue"
  queue_url=$(json 'd["QueueUrl"]')
  moto sqs get-queue-attributes --queue-url "$queue_url" --attribute-names QueueArn
  local queue_arn
  queue_arn=$(json 'd["Attributes"]["QueueArn"]')
  moto sns subscribe --topic-arn "$topic_arn" --protocol sqs --notification-endpoint "$queue_arn" \
    --attributes RawMessageDelivery=true
}
