#!/usr/bin/env bash
# End-to-end tests: builds iotdefender, starts the real binary and drives it
# with real AWS clients, the aws CLI v1 and v2 in turn (each on a fresh data
# directory) and boto3.
#
#   scripts/e2e.sh           both CLIs
#   scripts/e2e.sh v1|v2     one of them
#
# Environment: E2E_AWS_V1, E2E_AWS_V2 name the CLI binaries (default: the
# aws CLI v1 found on PATH, the v2 in /usr/bin/aws or on PATH); E2E_BIN names
# an iotdefender binary to test instead of building one; E2E_KEEP=1 keeps the
# scratch directory (it is kept after a failure too).
#
# Scenarios are functions (scripts/e2e/registry.sh); add one to the list
# below. Those that create state register a check in after_restart.
set -euo pipefail

script_dir=$(cd "$(dirname "$0")" && pwd)
repo_dir=$(dirname "$script_dir")
cli_name=setup

# shellcheck source=e2e/lib.sh
source "$script_dir/e2e/lib.sh"
# shellcheck source=e2e/fixtures.sh
source "$script_dir/e2e/fixtures.sh"
# shellcheck source=e2e/registry.sh
source "$script_dir/e2e/registry.sh"

# The scenarios, in order, run with each CLI on a fresh server. They share
# state: later ones use what earlier ones created.
scenarios=(
  scenario_keys_and_certificate
  scenario_ca_and_device_certificates
  scenario_things_and_groups
  scenario_policies
  scenario_logging
  scenario_role_aliases
  scenario_authentication
  scenario_second_account
  scenario_boto3
  scenario_cli_paging # after boto3: it pages through boto3's things
  scenario_not_implemented
  scenario_restart # keep last: it runs the after_restart checks of the others
)

# find_cli MAJOR CANDIDATE...: prints the first candidate that is the aws
# CLI of that major version, and its version on the next line.
find_cli() {
  local major=$1 candidate version real
  shift
  for candidate in "$@"; do
    if [ -x "$candidate" ] && version=$("$candidate" --version 2>&1) && [[ $version == aws-cli/"$major".* ]]; then
      # A pyenv shim costs a few hundred ms per call: run what it runs.
      if [[ $candidate == */shims/aws ]] && real=$(pyenv which aws 2>/dev/null) && [ -x "$real" ]; then
        candidate=$real
      fi
      printf '%s\n%s\n' "$candidate" "$version"
      return
    fi
  done
}

# check_prerequisites: go, openssl, python3 with boto3 and the CLIs wanted.
check_prerequisites() {
  local missing=() on_path=() tool
  for tool in go openssl python3; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if command -v python3 >/dev/null && ! python3 -c 'import boto3' 2>/dev/null; then
    missing+=("boto3 for python3 (pip install boto3)")
  fi
  mapfile -t on_path < <(type -ap aws || true)
  if [[ " ${clis[*]} " == *" v1 "* ]]; then
    mapfile -t aws_v1 < <(find_cli 1 ${E2E_AWS_V1:+"$E2E_AWS_V1"} "${on_path[@]}")
    [ "${#aws_v1[@]}" -eq 2 ] || missing+=("the aws CLI v1 (pip install awscli; or set E2E_AWS_V1)")
  fi
  if [[ " ${clis[*]} " == *" v2 "* ]]; then
    mapfile -t aws_v2 < <(find_cli 2 ${E2E_AWS_V2:+"$E2E_AWS_V2"} /usr/bin/aws "${on_path[@]}")
    [ "${#aws_v2[@]}" -eq 2 ] || missing+=("the aws CLI v2 (apt-get install awscli; or set E2E_AWS_V2)")
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "e2e: missing prerequisites:" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
  fi
}

# isolate_environment: the clients see only the server and the credentials
# of its data directory, and the server its defaults, whatever the caller's
# AWS and iotdefender configuration.
isolate_environment() {
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN \
    AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_IOT \
    AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
    AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CLI_AUTO_PROMPT \
    IOTDEFENDER_ACCOUNT_ID IOTDEFENDER_ADDR IOTDEFENDER_DATA IOTDEFENDER_REGION \
    IOTDEFENDER_TLS_CERT IOTDEFENDER_TLS_KEY
  : >"$work/aws-config"
  export AWS_CONFIG_FILE="$work/aws-config"
  export AWS_DEFAULT_REGION=us-east-1
  export AWS_DEFAULT_OUTPUT=json
  export AWS_PAGER=""
  export AWS_MAX_ATTEMPTS=1
  export AWS_RETRY_MODE=standard
  export AWS_EC2_METADATA_DISABLED=true
  export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
  export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
}

# first_account_key: the access key id in the data directory's credentials.
first_account_key() {
  local key value
  while IFS=' =' read -r key value; do
    if [ "$key" = aws_access_key_id ]; then
      echo "$value"
      return
    fi
  done <"$data_dir/credentials"
  fail "no aws_access_key_id in $data_dir/credentials"
}

# run_cli NAME BINARY VERSION: every scenario with one aws CLI on a fresh
# server.
run_cli() {
  cli_name=$1
  AWS=$2
  local version=$3
  run_dir="$work/$cli_name"
  data_dir="$run_dir/data"
  mkdir -p "$run_dir"
  port=$(free_port)
  endpoint="http://127.0.0.1:$port"
  account=123456789012
  calls=0
  after_restart=()
  local started=$SECONDS scenario t0
  echo "== $cli_name: $AWS: $version"

  start_server
  export AWS_SHARED_CREDENTIALS_FILE="$data_dir/credentials"
  access_key_id=$(first_account_key)
  for scenario in "${scenarios[@]}"; do
    t0=$(now_ms)
    "$scenario"
    t0=$(($(now_ms) - t0))
    note "$(printf '%-28s ok  %d.%d s' "${scenario#scenario_}" $((t0 / 1000)) $((t0 % 1000 / 100)))"
  done
  stop_server
  summary+=("$cli_name (${version%% *}): ${#scenarios[@]} scenarios, $calls CLI calls, $((SECONDS - started)) s")
}

on_exit() {
  local rc=$?
  kill_server
  if [ "$rc" -ne 0 ] && [ -n "${run_dir:-}" ] && [ -s "$run_dir/server.log" ]; then
    echo "--- last lines of the server log ($cli_name)" >&2
    tail -n 20 "$run_dir/server.log" >&2
  fi
  if [ "${E2E_KEEP:-}" = 1 ] || [ "$rc" -ne 0 ]; then
    echo "e2e: scratch directory kept: $work" >&2
  else
    rm -rf "$work"
  fi
}

main() {
  clis=("$@")
  if [ $# -eq 0 ]; then
    clis=(v1 v2)
  fi
  local c
  for c in "${clis[@]}"; do
    [[ $c == v1 || $c == v2 ]] || { echo "usage: scripts/e2e.sh [v1|v2]..." >&2; exit 2; }
  done
  check_prerequisites

  work=$(mktemp -d "${TMPDIR:-/tmp}/iotdefender-e2e.XXXXXX")
  trap on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  isolate_environment

  if [ -n "${E2E_BIN:-}" ]; then
    bin=$E2E_BIN
    echo "== testing $bin"
  else
    echo "== building iotdefender"
    bin="$work/iotdefender"
    (cd "$repo_dir" && go build -o "$bin" ./cmd/iotdefender) || fail "go build failed"
  fi
  fixtures="$work/fixtures"
  make_fixtures "$fixtures"

  summary=()
  for c in "${clis[@]}"; do
    if [ "$c" = v1 ]; then
      run_cli cli-v1 "${aws_v1[@]}"
    else
      run_cli cli-v2 "${aws_v2[@]}"
    fi
  done
  # The audit's end-to-end test reuses the binary and the CLIs found here.
  local audit_started=$SECONDS
  E2E_BIN="$bin" E2E_AWS_V1="${aws_v1[0]:-}" E2E_AWS_V2="${aws_v2[0]:-}" "$script_dir/e2e/audit.sh" "${clis[@]}" ||
    fail "the audit end-to-end test failed"
  summary+=("audit (scripts/e2e/audit.sh): $((SECONDS - audit_started)) s")
  # So does the mitigation's.
  local mitigation_started=$SECONDS
  E2E_BIN="$bin" E2E_AWS_V1="${aws_v1[0]:-}" E2E_AWS_V2="${aws_v2[0]:-}" "$script_dir/e2e/mitigation.sh" "${clis[@]}" ||
    fail "the mitigation end-to-end test failed"
  summary+=("mitigation (scripts/e2e/mitigation.sh): $((SECONDS - mitigation_started)) s")
  echo "== e2e passed in $SECONDS s"
  printf '  %s\n' "${summary[@]}"
}

main "$@"
