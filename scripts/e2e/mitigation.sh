#!/usr/bin/env bash
# End-to-end test of the audit's mitigation with real clients. Starts
# moto_server (SNS and SQS), fills an account with `iotdefender demo` and
# suppresses one finding-to-be, then, for the aws CLI v1, the aws CLI v2 and
# boto3 in turn, starts the iotdefender binary (--sns-endpoint at moto) on a
# fresh copy of that data directory, audits it with `iotdefender audit run`
# and drives the mitigation API:
#   - the six mitigation action types defined (a "quarantine" thing group, an
#     SNS topic on moto with an SQS queue subscribed), described and listed;
#   - a task on the audit's findings (device certificates deactivated, their
#     things quarantined, the findings published to SNS; CA certificates
#     deactivated) and one on two named findings (the overly permissive policy
#     reset to BLANK_POLICY, logging enabled), described in the shape of the
#     reference's founding example with counts checked against the findings,
#     the executions of findings, the task listing and its filters;
#   - the fleet really changed: certificates and CAs INACTIVE, the things in
#     quarantine, the blank policy version the default, v2 logging on, and
#     the published findings read back from the queue;
#   - refused starts (InvalidRequestException, TaskAlreadyExistsException)
#     that change nothing, the same request again answered with its task, and
#     a refused cancel of a finished task.
# The expectations are shared with boto3 (scripts/e2e/boto3_mitigation.py).
#
#   scripts/e2e/mitigation.sh           the aws CLI v1 and v2, then boto3
#   scripts/e2e/mitigation.sh v1|v2     one CLI, then boto3
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

plan_py="$script_dir/boto3_mitigation.py"
suite=mitigation
audit_task=QuarantineTask01  # boto3_mitigation.py's AUDIT_TASK
findings_task=ResetPolicyTask01 # and FINDINGS_TASK

# plan WHAT ARGS...: what boto3_mitigation.py's plan says for this run.
plan() {
  local got
  got=$(python3 "$plan_py" --print "$@" 2>&1) || { last_cmd="boto3_mitigation.py --print $*" out="$got" err=""; fail "the plan cannot say $1"; }
  echo "$got"
}

# expect KIND ARGS...: boto3_mitigation.py's expectation KIND over this run's
# files and the last command's output.
expect() {
  local msg
  msg=$(python3 "$plan_py" --expect "$1" "$run_dir" "${@:2}" 2>&1) || fail "$msg"
}

# save NAME: keeps the last output in the run directory, prints its path.
save() {
  printf '%s' "$out" >"$run_dir/$1.json"
  echo "$run_dir/$1.json"
}

# phase NAME STARTED_MS: one line of progress with the time since STARTED_MS.
phase() {
  local ms=$(($(now_ms) - $2))
  note "$(printf '%-48s ok  %d.%d s' "$1" $((ms / 1000)) $((ms % 1000 / 100)))"
}

# prepare_fleet: the demo fleet in $work/fleet, with the DEVICE_CERTIFICATE_
# EXPIRING_CHECK finding of greenhouse-sensor-04 suppressed; every client
# starts on a copy of it.
prepare_fleet() {
  local t0
  t0=$(now_ms)
  run_dir=$work data_dir="$work/fleet"
  start_sns_server
  account=$(sed -n 's/^# iotdefender account //p' "$data_dir/credentials")
  [[ $account =~ ^[0-9]{12}$ ]] || fail "no account in $data_dir/credentials"
  run_cmd "$bin" demo --endpoint "$endpoint" --data "$data_dir"
  [ -s "$data_dir/demo-weak-key-blocklist.txt" ] || fail "the demo wrote no weak-key blocklist"
  run_cmd env AWS_SHARED_CREDENTIALS_FILE="$data_dir/credentials" python3 "$plan_py" --prepare "$endpoint"
  stop_server
  phase "iotdefender demo, a suppression" "$t0"
}

# fresh_fleet NAME: a server on a copy of the demo fleet, audited with
# `iotdefender audit run`; sets run_dir, data_dir, endpoint and audit_id.
fresh_fleet() {
  local t0
  t0=$(now_ms)
  run_dir="$work/$1" data_dir="$work/$1/data"
  mkdir -p "$run_dir"
  cp -a "$work/fleet" "$data_dir"
  start_sns_server --weak-key-blocklist "$data_dir/demo-weak-key-blocklist.txt"
  export AWS_SHARED_CREDENTIALS_FILE="$data_dir/credentials"
  run_cmd "$bin" audit run --enable --endpoint "$endpoint" --data "$data_dir"
  want_contains "$out" "13 checks: 12 non-compliant, 1 compliant, 0 failed, 0 canceled." "audit run output"
  audit_id=$(sed -n 's/^Audit \([0-9a-f]\{32\}\) started.*/\1/p' <<<"$out")
  [ -n "$audit_id" ] || fail "no audit task id in the output of audit run"
  phase "fresh copy of the fleet, iotdefender audit run" "$t0"
}

# wait_mitigation ID: polls describe-audit-mitigation-actions-task until the
# task leaves IN_PROGRESS; saves the description as described-ID.json.
wait_mitigation() {
  local deadline=$((SECONDS + 60))
  while :; do
    iot describe-audit-mitigation-actions-task --task-id "$1"
    [ "$(json 'd["taskStatus"]')" != IN_PROGRESS ] && break
    [ "$SECONDS" -lt "$deadline" ] || fail "mitigation task $1 still IN_PROGRESS after 60 s"
    sleep 0.2
  done
  save "described-$1" >/dev/null
}

# scenario_actions: the six action types, created, described, listed.
scenario_actions() {
  local t0 line name role params
  t0=$(now_ms)
  make_topic "mitigation-$cli_name"
  printf '{"account": "%s", "topicArn": "%s", "client": "%s", "auditTaskId": "%s"}' \
    "$account" "$topic_arn" "$cli_name" "$audit_id" >"$run_dir/context.json"
  iot list-audit-findings --task-id "$audit_id"
  save findings >/dev/null
  local intermediate
  intermediate=$(plan finding "$run_dir" INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK)
  iot list-related-resources-for-audit-finding --finding-id "$intermediate"
  save related >/dev/null
  expect findings

  iot create-thing-group --thing-group-name quarantine
  local actions=()
  mapfile -t actions < <(plan actions "$run_dir")
  [ "${#actions[@]}" -eq 6 ] || fail "the plan has ${#actions[@]} actions, not 6"
  for line in "${actions[@]}"; do
    IFS=$'\t' read -r name role params <<<"$line"
    iot create-mitigation-action --action-name "$name" --role-arn "$role" --action-params "$params"
    save "action-$name" >/dev/null
  done
  expect created
  iot describe-mitigation-action --action-name publish-finding
  expect action publish-finding "$(save described-action)"
  iot list-mitigation-actions
  expect actions "$(save listed-actions)"
  iot list-mitigation-actions --action-type UPDATE_CA_CERTIFICATE
  expect actions "$(save listed-ca-actions)" UPDATE_CA_CERTIFICATE
  phase "6 action types: created, described, listed" "$t0"
}

# scenario_tasks: a task on the audit's findings and one on two findings,
# described, their executions and the task listing.
scenario_tasks() {
  local t0 now shared suppressed policy audit_mapping findings_target findings_mapping
  t0=$(now_ms)
  audit_mapping=$(plan audit-mapping)
  findings_target=$(plan findings-target "$run_dir")
  findings_mapping=$(plan findings-mapping)
  iot start-audit-mitigation-actions-task --task-id "$audit_task" --target "{\"auditTaskId\": \"$audit_id\"}" \
    --audit-check-to-actions-mapping "$audit_mapping" --client-request-token "$audit_task-$cli_name"
  want d "{\"taskId\": \"$audit_task\"}"
  iot start-audit-mitigation-actions-task --task-id "$findings_task" --target "$findings_target" \
    --audit-check-to-actions-mapping "$findings_mapping" --client-request-token "$findings_task-$cli_name"
  want d "{\"taskId\": \"$findings_task\"}"
  wait_mitigation "$audit_task"
  expect task "$audit_task"
  wait_mitigation "$findings_task"
  expect task "$findings_task"
  phase "2 tasks: started, described (founding shape)" "$t0"

  t0=$(now_ms)
  shared=$(plan finding "$run_dir" DEVICE_CERTIFICATE_SHARED_CHECK)
  suppressed=$(plan finding "$run_dir" DEVICE_CERTIFICATE_EXPIRING_CHECK suppressed)
  policy=$(plan finding "$run_dir" IOT_POLICY_OVERLY_PERMISSIVE_CHECK)
  iot list-audit-mitigation-actions-executions --task-id "$audit_task" --finding-id "$shared"
  expect executions "$audit_task" "$shared" "$(save executions-shared)"
  iot list-audit-mitigation-actions-executions --task-id "$audit_task" --finding-id "$suppressed"
  expect executions "$audit_task" "$suppressed" "$(save executions-suppressed)"
  iot list-audit-mitigation-actions-executions --task-id "$findings_task" --finding-id "$policy"
  expect executions "$findings_task" "$policy" "$(save executions-policy)"
  now=$(date +%s)
  window=(--start-time $((now - 3600)) --end-time $((now + 3600)))
  iot list-audit-mitigation-actions-tasks "${window[@]}"
  expect tasks "$(save tasks-before)" "$audit_task" "$findings_task"
  iot list-audit-mitigation-actions-tasks "${window[@]}" --audit-task-id "$audit_id"
  expect tasks "$(save tasks-of-audit)" "$audit_task" "$findings_task" # the second names findings of the audit
  iot list-audit-mitigation-actions-tasks "${window[@]}" --finding-id "$policy"
  expect tasks "$(save tasks-of-finding)" "$findings_task"
  phase "executions of 3 findings, task listings" "$t0"
}

# scenario_fleet: what the tasks changed, read back from the registry and
# from the SQS queue.
scenario_fleet() {
  local t0 cert ca wanted n=0
  t0=$(now_ms)
  iot list-certificates
  expect certificates "$(save certificates)"
  # The first line of each list (not "| head -n 1": under pipefail, head
  # closing the pipe early could kill plan's echo with SIGPIPE).
  cert=$(plan deactivated-certificates "$run_dir")
  cert=${cert%%$'\n'*}
  iot describe-certificate --certificate-id "$cert"
  want 'd["certificateDescription"]["status"]' INACTIVE
  iot list-ca-certificates
  expect ca-certificates "$(save ca-certificates)"
  ca=$(plan deactivated-cas "$run_dir")
  ca=${ca%%$'\n'*}
  iot describe-ca-certificate --certificate-id "$ca"
  want 'd["certificateDescription"]["status"]' INACTIVE
  iot list-things-in-thing-group --thing-group-name quarantine
  local quarantine_file
  quarantine_file=$(save quarantine)
  expect quarantine "$quarantine_file"
  iot list-principal-things --principal "arn:aws:iot:us-east-1:$account:cert/$cert"
  want 'd["things"] != [] and set(d["things"]) <= set(json.load(open(sys.argv[2]))["things"])' true "$quarantine_file"
  iot get-policy --policy-name legacy-fleet-policy
  local policy_file
  policy_file=$(save policy)
  iot get-policy-version --policy-name legacy-fleet-policy --policy-version-id "$(json 'd["defaultVersionId"]')"
  expect policy "$policy_file" "$(save policy-version)"
  iot get-v2-logging-options
  expect logging "$(save logging)"
  phase "certificates, CAs, quarantine, policy, logging" "$t0"

  t0=$(now_ms)
  wanted=$(plan messages-wanted "$run_dir")
  local deadline=$((SECONDS + 30)) got=0
  while [ "$got" -lt "$wanted" ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "$got SNS messages in the queue after 30 s, expected $wanted"
    moto sqs receive-message --queue-url "$queue_url" --max-number-of-messages 10 --wait-time-seconds 1
    n=$((n + 1))
    save "messages-$n" >/dev/null
    got=$((got + $(json 'len(d.get("Messages", [])) if d else 0')))
  done
  expect messages "$run_dir"/messages-*.json
  phase "$wanted findings published, read back from SQS" "$t0"
}

# scenario_refused: starts refused with nothing changed; the same request
# again answered with its task; a finished task not canceled.
scenario_refused() {
  local t0 audit_target mapping shared ids26
  t0=$(now_ms)
  audit_target="{\"auditTaskId\": \"$audit_id\"}"
  mapping=$(plan audit-mapping)
  shared=$(plan finding "$run_dir" DEVICE_CERTIFICATE_SHARED_CHECK)
  iot_refused InvalidRequestException start-audit-mitigation-actions-task --task-id e2e-unknown-action --target "$audit_target" \
    --audit-check-to-actions-mapping '{"DEVICE_CERTIFICATE_SHARED_CHECK": ["no-such-action"]}' --client-request-token t1
  iot_refused InvalidRequestException start-audit-mitigation-actions-task --task-id e2e-type-not-allowed --target "$audit_target" \
    --audit-check-to-actions-mapping '{"DEVICE_CERTIFICATE_SHARED_CHECK": ["deactivate-ca-certificate"]}' --client-request-token t2
  iot_refused InvalidRequestException start-audit-mitigation-actions-task --task-id e2e-two-targets \
    --target "{\"auditTaskId\": \"$audit_id\", \"findingIds\": [\"$shared\"]}" \
    --audit-check-to-actions-mapping '{"DEVICE_CERTIFICATE_SHARED_CHECK": ["publish-finding"]}' --client-request-token t3
  ids26=$(python3 -c 'import json; print(json.dumps({"findingIds": ["e2e-finding-%02d" % i for i in range(26)]}))')
  iot_refused InvalidRequestException start-audit-mitigation-actions-task --task-id e2e-26-findings --target "$ids26" \
    --audit-check-to-actions-mapping '{"DEVICE_CERTIFICATE_SHARED_CHECK": ["publish-finding"]}' --client-request-token t4
  iot_refused TaskAlreadyExistsException start-audit-mitigation-actions-task --task-id "$audit_task" --target "$audit_target" \
    --audit-check-to-actions-mapping "$mapping" --client-request-token another-token
  iot start-audit-mitigation-actions-task --task-id "$audit_task" --target "$audit_target" \
    --audit-check-to-actions-mapping "$mapping" --client-request-token "$audit_task-$cli_name"
  want d "{\"taskId\": \"$audit_task\"}"
  iot_refused InvalidRequestException cancel-audit-mitigation-actions-task --task-id "$audit_task"

  # Nothing changed: the same tasks, the audit task as it was described.
  iot list-audit-mitigation-actions-tasks "${window[@]}"
  want d "$(python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' "$run_dir/tasks-before.json")"
  iot describe-audit-mitigation-actions-task --task-id "$audit_task"
  want d "$(python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' "$run_dir/described-$audit_task.json")"
  phase "5 refused starts, a retry, a refused cancel" "$t0"
}

# run_client NAME: every scenario with the aws CLI in AWS, on a fresh fleet.
run_client() {
  cli_name=$1
  local started=$SECONDS first_call=$calls
  echo "== $cli_name: $("$AWS" --version 2>&1)"
  fresh_fleet "$cli_name"
  scenario_actions
  scenario_tasks
  scenario_fleet
  scenario_refused
  stop_server
  summary+=("$cli_name: 6 actions, 2 tasks, the fleet changed, 6 refusals; $((calls - first_call)) CLI calls, $((SECONDS - started)) s")
}

scenario_boto3() {
  local t0 started=$SECONDS
  cli_name=boto3
  echo "== boto3"
  fresh_fleet boto3
  t0=$(now_ms)
  last_cmd="python3 boto3_mitigation.py $endpoint $account $audit_id $moto_url"
  out=$(python3 "$plan_py" "$endpoint" "$account" "$audit_id" "$moto_url" 2>&1) || { err=""; fail "boto3"; }
  phase "mitigation" "$t0"
  note "${out#boto3: }"
  stop_server
  summary+=("boto3: $((SECONDS - started)) s")
}

main() {
  clis=("$@")
  [ $# -gt 0 ] || clis=(v1 v2)
  local c
  for c in "${clis[@]}"; do
    [[ $c == v1 || $c == v2 ]] || { echo "usage: scripts/e2e/mitigation.sh [v1|v2]..." >&2; exit 2; }
  done
  check_prerequisites
  local started=$SECONDS
  work=$(mktemp -d "${TMPDIR:-/tmp}/iotdefender-e2e-mitigation.XXXXXX")
  run_dir=$work
  trap on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  isolate_environment

  local t0
  t0=$(now_ms)
  if [ -n "${E2E_BIN:-}" ]; then
    bin=$E2E_BIN
  else
    bin="$work/iotdefender"
    (cd "$repo_dir" && go build -o "$bin" ./cmd/iotdefender) || { last_cmd=""; fail "go build failed"; }
  fi
  start_moto
  phase "build, moto_server" "$t0"
  prepare_fleet

  summary=()
  for c in "${clis[@]}"; do
    if [ "$c" = v1 ]; then AWS=$aws_v1; else AWS=$aws_v2; fi
    run_client "cli-$c"
  done
  scenario_boto3
  echo "== e2e mitigation passed: ${clis[*]} and boto3, $calls CLI calls, $((SECONDS - started)) s"
  printf '  %s\n' "${summary[@]}"
}

main "$@"
