#!/usr/bin/env bash
# End-to-end test of the audit with real clients. Starts moto_server (SNS and
# SQS) and the iotdefender binary with --sns-endpoint pointing at it, fills
# the account with `iotdefender demo`, restarts the server with the weak-key
# blocklist the demo wrote, runs `iotdefender audit run`, then drives the
# audit API with the aws CLI v1, the aws CLI v2 and boto3 in turn: audit
# configuration with an SNS target (a topic and a subscribed SQS queue made on
# moto with the aws CLI), two on-demand audits, describe-audit-task in the
# shape of the reference's founding example, findings by task and by check
# and time window, a finding and its related resources, a suppression
# counted by the second audit, the task listing, and both completion
# notifications read back from the queue.
#
#   scripts/e2e/audit.sh           the aws CLI v1 and v2, then boto3
#   scripts/e2e/audit.sh v1|v2     one CLI, then boto3
#
# Environment: E2E_BIN names a built iotdefender (default: built here);
# E2E_AWS_V1, E2E_AWS_V2 name the CLIs (default: the v1 on PATH, the v2 in
# /usr/bin/aws or on PATH); E2E_KEEP=1 keeps the scratch directory.
set -euo pipefail

script_dir=$(cd "$(dirname "$0")" && pwd)
repo_dir=$(dirname "$(dirname "$script_dir")")
cli_name=setup

# shellcheck source-path=SCRIPTDIR
source "$script_dir/lib.sh"
# shellcheck source-path=SCRIPTDIR
source "$script_dir/moto.sh"

expect_py="$script_dir/boto3_audit.py"
suite=audit

# expect KIND ARGS...: the shared expectations of boto3_audit.py.
expect() {
  local msg
  msg=$(python3 "$expect_py" --expect "$@" 2>&1) || fail "$msg"
}

# save NAME: keeps the last output in the run directory, prints its path.
save() {
  printf '%s' "$out" >"$run_dir/$1.json"
  echo "$run_dir/$1.json"
}

# wait_audit ID: polls describe-audit-task until the task leaves IN_PROGRESS.
wait_audit() {
  local deadline=$((SECONDS + 60))
  while :; do
    iot describe-audit-task --task-id "$1"
    [ "$(json 'd["taskStatus"]')" != IN_PROGRESS ] && return
    [ "$SECONDS" -lt "$deadline" ] || fail "audit $1 still IN_PROGRESS after 60 s"
    sleep 0.2
  done
}

# read_notifications TASK_ID...: reads the queue until a notification of each
# task came; saves each as notification-TASK_ID.json.
read_notifications() {
  local deadline=$((SECONDS + 30)) wanted=("$@") id missing
  while :; do
    missing=()
    for id in "${wanted[@]}"; do
      [ -s "$run_dir/notification-$id.json" ] || missing+=("$id")
    done
    [ "${#missing[@]}" -eq 0 ] && return
    [ "$SECONDS" -lt "$deadline" ] || fail "no SNS notification of ${missing[*]} in the queue within 30 s"
    moto sqs receive-message --queue-url "$queue_url" --max-number-of-messages 10 --wait-time-seconds 1
    [ -n "$out" ] || continue
    printf '%s' "$out" >"$run_dir/messages.json"
    python3 - "$run_dir" <<'EOF' || fail "the queue holds a message that is not an audit notification"
import json, sys
with open(f"{sys.argv[1]}/messages.json") as f:
    messages = json.load(f).get("Messages", [])
for m in messages:
    body = json.loads(m["Body"])
    with open(f"{sys.argv[1]}/notification-{body['taskId']}.json", "w") as f:
        json.dump(body, f)
EOF
    json '"\n".join(m["ReceiptHandle"] for m in d.get("Messages", []))' >"$run_dir/handles"
    while IFS= read -r handle; do
      [ -n "$handle" ] && moto sqs delete-message --queue-url "$queue_url" --receipt-handle "$handle"
    done <"$run_dir/handles"
  done
}

# phase NAME STARTED_MS: one line of progress with the time since STARTED_MS.
phase() {
  local ms=$(($(now_ms) - $2))
  note "$(printf '%-44s ok  %d.%d s' "$1" $((ms / 1000)) $((ms % 1000 / 100)))"
}

# scenario_demo: `iotdefender demo` with no AWS credentials but the data
# directory's, then a restart with the blocklist it wrote, then
# `iotdefender audit run`.
scenario_demo() {
  local t0
  t0=$(now_ms)
  run_cmd "$bin" demo --endpoint "$endpoint" --data "$data_dir"
  want_contains "$out" "iotdefender audit run --enable --endpoint $endpoint --data $data_dir" "demo output"
  want_contains "$out" "--weak-key-blocklist $data_dir/demo-weak-key-blocklist.txt" "demo output"
  [ -s "$data_dir/demo-weak-key-blocklist.txt" ] || fail "the demo wrote no weak-key blocklist"
  phase "iotdefender demo" "$t0"

  t0=$(now_ms)
  stop_server
  start_sns_server --weak-key-blocklist "$data_dir/demo-weak-key-blocklist.txt"
  run_cmd "$bin" demo --endpoint "$endpoint" --data "$data_dir"
  want_contains "$out" "The demo fleet already exists" "second demo output"
  phase "restart with the blocklist, demo again" "$t0"

  t0=$(now_ms)
  run_cmd "$bin" audit run --enable --endpoint "$endpoint" --data "$data_dir"
  want_contains "$out" "Enabled 13 checks" "audit run output"
  want_contains "$out" "13 checks: 12 non-compliant, 1 compliant, 0 failed, 0 canceled." "audit run output"
  want_contains "$out" "Debian's OpenSSL (CVE-2008-0166)" "audit run output"
  [[ $out != *$'\r'* ]] || fail "audit run wrote terminal control characters to a pipe"
  [[ $out != *"was not checked"* ]] || fail "audit run: the server runs without the blocklist"
  printf '%s\n' "$out" >"$work/audit-run.txt"
  local rc=0
  "$bin" audit run --checks NO_SUCH_CHECK --endpoint "$endpoint" --data "$data_dir" >/dev/null 2>&1 || rc=$?
  [ "$rc" -ne 0 ] || fail "audit run of an unknown check exited 0"
  phase "iotdefender audit run" "$t0"
}

# scenario_cli: the audit API with one aws CLI.
scenario_cli() {
  local t0 role checks first second shared_id cert now names
  t0=$(now_ms)
  role="arn:aws:iam::$account:role/e2e-$cli_name-audit"
  make_topic "audit-$cli_name"
  iot describe-account-audit-configuration
  checks=$(json '",".join(sorted(d["auditCheckConfigurations"]))')
  IFS=, read -ra names <<<"$checks"
  want 'len(d["auditCheckConfigurations"])' 17
  local enable_all
  enable_all=$(json 'json.dumps({name: {"enabled": True} for name in d["auditCheckConfigurations"]})')
  iot update-account-audit-configuration --role-arn "$role" --audit-check-configurations "$enable_all" \
    --audit-notification-target-configurations "{\"SNS\": {\"targetArn\": \"$topic_arn\", \"roleArn\": \"$role\", \"enabled\": true}}"
  iot describe-account-audit-configuration
  want 'd["roleArn"]' "$role"
  want 'd["auditNotificationTargetConfigurations"]["SNS"]["targetArn"]' "$topic_arn"
  want 'all(c["enabled"] for c in d["auditCheckConfigurations"].values())' true
  phase "configuration with an SNS target" "$t0"

  t0=$(now_ms)
  iot start-on-demand-audit-task --target-check-names "${names[@]}"
  first=$(json 'd["taskId"]')
  [[ $first =~ ^[0-9a-f]{32}$ ]] || fail "task id $first is not 32 hex digits"
  wait_audit "$first"
  local described
  described=$(save "describe-$first")
  expect task "$described" "$checks"
  want 'sorted(d["auditDetails"]["DEVICE_CERTIFICATE_SHARED_CHECK"])' \
    '["checkCompliant", "checkRunStatus", "nonCompliantResourcesCount", "suppressedNonCompliantResourcesCount", "totalResourcesCount"]'
  phase "on-demand audit, describe-audit-task" "$t0"

  t0=$(now_ms)
  iot list-audit-findings --task-id "$first"
  expect findings "$(save "findings-$first")" "$described" "$first"
  shared_id=$(json '[f["findingId"] for f in d["findings"] if f["checkName"] == "DEVICE_CERTIFICATE_SHARED_CHECK"][0]')
  cert=$(json '[f["nonCompliantResource"]["resourceIdentifier"]["deviceCertificateId"] for f in d["findings"]
    if f["reasonForNonComplianceCode"] == "CERTIFICATE_APPROACHING_EXPIRATION" and f["checkName"] == "DEVICE_CERTIFICATE_EXPIRING_CHECK"][0]')
  now=$(date +%s)
  iot list-audit-findings --check-name DEVICE_CERTIFICATE_SHARED_CHECK --start-time $((now - 3600)) --end-time $((now + 3600))
  want "'$shared_id' in [f['findingId'] for f in d['findings']]" true
  want '{f["checkName"] for f in d["findings"]} == {"DEVICE_CERTIFICATE_SHARED_CHECK"}' true
  iot describe-audit-finding --finding-id "$shared_id"
  want 'd["finding"]["findingId"]' "$shared_id"
  want 'd["finding"]["taskId"]' "$first"
  want 'd["finding"]["severity"]' CRITICAL
  want 'd["finding"]["reasonForNonComplianceCode"]' CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES
  want 'sorted(r["resourceIdentifier"]["clientId"] for r in d["finding"]["relatedResources"])' '["weather-station-07", "weather-station-08"]'
  iot list-related-resources-for-audit-finding --finding-id "$shared_id"
  want 'sorted(r["resourceIdentifier"]["clientId"] for r in d["relatedResources"])' '["weather-station-07", "weather-station-08"]'
  want 'all(r["resourceType"] == "CLIENT_ID" and r["additionalInfo"]["CONNECTION_TIME"].isdigit() for r in d["relatedResources"])' true
  phase "findings, a finding and its related ones" "$t0"

  t0=$(now_ms)
  iot create-audit-suppression --check-name DEVICE_CERTIFICATE_EXPIRING_CHECK \
    --resource-identifier "deviceCertificateId=$cert" --expiration-date $((now + 7 * 86400)) --description "renewal ordered ($cli_name)"
  iot list-audit-suppressions --check-name DEVICE_CERTIFICATE_EXPIRING_CHECK
  want '[s["resourceIdentifier"]["deviceCertificateId"] for s in d["suppressions"]]' "[\"$cert\"]"
  iot start-on-demand-audit-task --target-check-names "${names[@]}"
  second=$(json 'd["taskId"]')
  wait_audit "$second"
  local described2
  described2=$(save "describe-$second")
  expect task "$described2" "$checks"
  want 'd["auditDetails"]["DEVICE_CERTIFICATE_EXPIRING_CHECK"]["checkRunStatus"]' COMPLETED_NON_COMPLIANT
  want 'd["auditDetails"]["DEVICE_CERTIFICATE_EXPIRING_CHECK"]["nonCompliantResourcesCount"]' 2
  want 'd["auditDetails"]["DEVICE_CERTIFICATE_EXPIRING_CHECK"]["suppressedNonCompliantResourcesCount"]' 1
  iot list-audit-findings --task-id "$second" --check-name DEVICE_CERTIFICATE_EXPIRING_CHECK --list-suppressed-findings
  want '[(f["nonCompliantResource"]["resourceIdentifier"]["deviceCertificateId"], f["isSuppressed"]) for f in d["findings"]]' \
    "[[\"$cert\", true]]"
  iot list-audit-tasks --start-time $((now - 3600)) --end-time $((now + 3600))
  want "sorted((t['taskId'], t['taskStatus'], t['taskType']) for t in d['tasks'] if t['taskId'] in ('$first', '$second'))" \
    "$(python3 -c 'import json, sys; print(json.dumps(sorted([[i, "COMPLETED", "ON_DEMAND_AUDIT_TASK"] for i in sys.argv[1:]])))' "$first" "$second")"
  phase "suppression counted by a second audit" "$t0"

  t0=$(now_ms)
  read_notifications "$first" "$second"
  expect notification "$run_dir/notification-$first.json" "$described" "$account" "$first"
  expect notification "$run_dir/notification-$second.json" "$described2" "$account" "$second"
  iot delete-audit-suppression --check-name DEVICE_CERTIFICATE_EXPIRING_CHECK --resource-identifier "deviceCertificateId=$cert"
  iot list-audit-suppressions
  want 'd["suppressions"]' '[]'
  phase "SNS notifications read back from SQS" "$t0"
}

scenario_boto3() {
  local t0
  t0=$(now_ms)
  make_topic audit-boto3
  last_cmd="python3 boto3_audit.py $endpoint $account $moto_url $topic_arn $queue_url"
  out=$(python3 "$expect_py" "$endpoint" "$account" "$moto_url" "$topic_arn" "$queue_url" 2>&1) || { err=""; fail "boto3"; }
  phase "${out#boto3: }" "$t0"
}

main() {
  clis=("$@")
  [ $# -gt 0 ] || clis=(v1 v2)
  local c
  for c in "${clis[@]}"; do
    [[ $c == v1 || $c == v2 ]] || { echo "usage: scripts/e2e/audit.sh [v1|v2]..." >&2; exit 2; }
  done
  check_prerequisites
  local started=$SECONDS
  work=$(mktemp -d "${TMPDIR:-/tmp}/iotdefender-e2e-audit.XXXXXX")
  run_dir=$work data_dir="$work/data"
  trap on_exit EXIT
  isolate_environment

  local t0
  t0=$(now_ms)
  if [ -n "${E2E_BIN:-}" ]; then
    bin=$E2E_BIN
  else
    bin="$work/iotdefender"
    (cd "$repo_dir" && go build -o "$bin" ./cmd/iotdefender) || { last_cmd=""; fail "go build failed"; }
  fi
  AWS=${aws_v2:-$aws_v1}
  port=$(free_port)
  endpoint="http://127.0.0.1:$port"
  start_moto
  start_sns_server
  account=$(sed -n 's/^# iotdefender account //p' "$data_dir/credentials")
  [[ $account =~ ^[0-9]{12}$ ]] || fail "no account in $data_dir/credentials"
  phase "build, moto_server, iotdefender serve" "$t0"

  scenario_demo
  export AWS_SHARED_CREDENTIALS_FILE="$data_dir/credentials"
  local summary=()
  for c in "${clis[@]}"; do
    if [ "$c" = v1 ]; then AWS=$aws_v1; else AWS=$aws_v2; fi
    cli_name="cli-$c"
    echo "== $cli_name: $("$AWS" --version 2>&1)"
    scenario_cli
    summary+=("$cli_name: 2 audits of 17 checks, findings, related resources, a suppression, 2 SNS notifications")
  done
  cli_name=boto3
  echo "== boto3"
  scenario_boto3
  stop_server
  echo "== e2e audit passed: ${clis[*]} and boto3, $calls CLI calls, $((SECONDS - started)) s"
  printf '  %s\n' "${summary[@]}"
}

main "$@"
