# shellcheck shell=bash disable=SC2034,SC2154 # globals shared with scripts/e2e.sh
# Scenarios of the fleet registry (sourced by scripts/e2e.sh). Each scenario
# is one function; what must survive a restart is checked by a function it
# adds to after_restart, which scenario_restart runs once the server is back.
#
# Globals: account (the first account's id), fixtures (make_fixtures' dir),
# and the ids and ARNs below, set by the scenarios that create them.

readonly thing=e2e-lamp-1
readonly thing_type=e2e-lamp
readonly root_group=e2e-building
readonly child_group=e2e-floor-2
readonly policy=e2e-pubsub
readonly role_alias=e2e-lamp-credentials
readonly second_account=210987654321
readonly logging_role="arn:aws:iam::123456789012:role/e2e-iot-logging"
readonly alias_role="arn:aws:iam::123456789012:role/e2e-lamp-role"

after_restart=()

# Certificate created with its keys: create-keys-and-certificate.
scenario_keys_and_certificate() {
  iot create-keys-and-certificate --set-as-active
  get 'd["certificateId"]'
  cert_id=$value
  cert_arn="arn:aws:iot:us-east-1:$account:cert/$cert_id"
  want 'd["certificateArn"]' "$cert_arn"
  want 'sorted(d["keyPair"])' '["PrivateKey", "PublicKey"]'
  get 'd["certificatePem"]'
  printf '%s\n' "$value" >"$run_dir/created.pem"
  get 'd["keyPair"]["PrivateKey"]'
  printf '%s\n' "$value" >"$run_dir/created.key"
  get 'd["keyPair"]["PublicKey"]'
  printf '%s\n' "$value" >"$run_dir/created.pub"
  local id
  id=$(cert_id_of "$run_dir/created.pem")
  [ "$id" = "$cert_id" ] || fail "certificateId $cert_id is not the SHA-256 of the certificate's DER ($id)"
  # The key pair is the certificate's: the same public key three ways.
  local from_cert from_private from_public
  from_cert=$(openssl x509 -in "$run_dir/created.pem" -noout -pubkey) || fail "openssl cannot read the certificate"
  from_private=$(openssl pkey -in "$run_dir/created.key" -pubout) || fail "openssl cannot read keyPair.PrivateKey"
  from_public=$(openssl pkey -pubin -in "$run_dir/created.pub" -pubout) || fail "openssl cannot read keyPair.PublicKey"
  if [ "$from_cert" != "$from_private" ] || [ "$from_cert" != "$from_public" ]; then
    fail "keyPair does not hold the certificate's key"
  fi

  iot describe-certificate --certificate-id "$cert_id"
  want 'd["certificateDescription"]["status"]' ACTIVE
  want 'd["certificateDescription"]["certificateArn"]' "$cert_arn"
  want 'd["certificateDescription"]["ownedBy"]' "$account"
  want 'd["certificateDescription"]["certificatePem"].strip()' "$(<"$run_dir/created.pem")"
}

# A CA registered with proof of possession, device certificates registered
# under it and without one, and the refusals of a wrong registration code
# and of an expired certificate.
scenario_ca_and_device_certificates() {
  iot get-registration-code
  want_match 'd["registrationCode"]' '^[0-9a-zA-Z]{16,}$'
  get 'd["registrationCode"]'
  local code=$value

  verification_cert "$fixtures" "not-the-registration-code" "$run_dir/wrong-verification.pem"
  iot_refused RegistrationCodeValidationException register-ca-certificate \
    --ca-certificate "file://$fixtures/ca.pem" --verification-cert "file://$run_dir/wrong-verification.pem"

  verification_cert "$fixtures" "$code" "$run_dir/verification.pem"
  iot register-ca-certificate --ca-certificate "file://$fixtures/ca.pem" \
    --verification-cert "file://$run_dir/verification.pem" --set-as-active --allow-auto-registration
  ca_id=$(cert_id_of "$fixtures/ca.pem")
  want 'd["certificateId"]' "$ca_id"
  want 'd["certificateArn"]' "arn:aws:iot:us-east-1:$account:cacert/$ca_id"

  iot describe-ca-certificate --certificate-id "$ca_id"
  want 'd["certificateDescription"]["status"]' ACTIVE
  want 'd["certificateDescription"]["autoRegistrationStatus"]' ENABLE
  want 'd["certificateDescription"]["ownedBy"]' "$account"
  want 'd["certificateDescription"]["certificatePem"].strip()' "$(<"$fixtures/ca.pem")"

  local name
  device_ids=()
  for name in device-1 device-2; do
    iot register-certificate --certificate-pem "file://$fixtures/$name.pem" \
      --ca-certificate-pem "file://$fixtures/ca.pem" --set-as-active
    value=$(cert_id_of "$fixtures/$name.pem")
    want 'd["certificateId"]' "$value"
    device_ids+=("$value")
  done
  iot list-certificates-by-ca --ca-certificate-id "$ca_id"
  want 'sorted(c["certificateId"] for c in d["certificates"])' "$(names "${device_ids[@]}")"
  want 'sorted(set(c["status"] for c in d["certificates"]))' '["ACTIVE"]'

  iot describe-certificate --certificate-id "${device_ids[0]}"
  want 'd["certificateDescription"]["caCertificateId"]' "$ca_id"
  want 'd["certificateDescription"]["status"]' ACTIVE

  iot register-certificate-without-ca --certificate-pem "file://$fixtures/solo.pem" --status ACTIVE
  solo_id=$(cert_id_of "$fixtures/solo.pem")
  want 'd["certificateId"]' "$solo_id"
  want 'd["certificateArn"]' "arn:aws:iot:us-east-1:$account:cert/$solo_id"

  # A status other than the default, to see it survive the restart.
  iot update-certificate --certificate-id "${device_ids[1]}" --new-status INACTIVE

  iot_refused CertificateValidationException register-certificate \
    --certificate-pem "file://$fixtures/expired.pem" --ca-certificate-pem "file://$fixtures/ca.pem" --set-as-active
  want_contains "$err" "expired" "the refusal of an expired certificate"
  after_restart+=(check_ca_and_device_certificates)
}

# Every certificate with its status and mode (registered without a CA: SNI_ONLY).
check_ca_and_device_certificates() {
  iot describe-ca-certificate --certificate-id "$ca_id"
  want 'd["certificateDescription"]["status"]' ACTIVE
  want 'd["certificateDescription"]["autoRegistrationStatus"]' ENABLE
  iot list-certificates
  want 'sorted([c["certificateId"], c["status"], c["certificateMode"]] for c in d["certificates"])' \
    "$(python3 -c 'import json, sys; print(json.dumps(sorted([
      [sys.argv[1], "ACTIVE", "DEFAULT"], [sys.argv[2], "ACTIVE", "DEFAULT"],
      [sys.argv[3], "INACTIVE", "DEFAULT"], [sys.argv[4], "ACTIVE", "SNI_ONLY"]])))' \
      "$cert_id" "${device_ids[0]}" "${device_ids[1]}" "$solo_id")"
}

# Thing types, things with attributes, a group inside a group, membership and
# a principal attached to the thing.
scenario_things_and_groups() {
  iot create-thing-type --thing-type-name "$thing_type" \
    --thing-type-properties "thingTypeDescription=e2e lamps,searchableAttributes=room"
  want 'd["thingTypeArn"]' "arn:aws:iot:us-east-1:$account:thingtype/$thing_type"

  iot create-thing --thing-name "$thing" --thing-type-name "$thing_type" \
    --attribute-payload '{"attributes":{"room":"kitchen","floor":"2"}}'
  want 'd["thingArn"]' "arn:aws:iot:us-east-1:$account:thing/$thing"
  want_match 'd["thingId"]' '^[0-9a-f-]{36}$'
  get 'd["thingId"]'
  thing_id=$value

  iot describe-thing --thing-name "$thing"
  want 'd["attributes"]' '{"floor": "2", "room": "kitchen"}'
  want 'd["thingTypeName"]' "$thing_type"
  want 'd["version"]' 1

  iot create-thing-group --thing-group-name "$root_group"
  iot create-thing-group --thing-group-name "$child_group" --parent-group-name "$root_group" \
    --thing-group-properties "thingGroupDescription=second floor"
  child_group_arn="arn:aws:iot:us-east-1:$account:thinggroup/$child_group"
  want 'd["thingGroupArn"]' "$child_group_arn"
  iot describe-thing-group --thing-group-name "$child_group"
  want 'd["thingGroupMetadata"]["parentGroupName"]' "$root_group"
  want '[g["groupName"] for g in d["thingGroupMetadata"]["rootToParentThingGroups"]]' "[\"$root_group\"]"
  want 'd["thingGroupProperties"]["thingGroupDescription"]' "second floor"

  iot add-thing-to-thing-group --thing-group-name "$child_group" --thing-name "$thing"
  iot list-things-in-thing-group --thing-group-name "$root_group" --recursive
  want 'd["things"]' "[\"$thing\"]"

  iot attach-thing-principal --thing-name "$thing" --principal "$cert_arn"
  iot list-thing-principals --thing-name "$thing"
  want 'd["principals"]' "[\"$cert_arn\"]"
  after_restart+=(check_things_and_groups)
}

check_things_and_groups() {
  iot describe-thing --thing-name "$thing"
  want 'd["thingId"]' "$thing_id"
  want 'd["attributes"]' '{"floor": "2", "room": "kitchen"}'
  want 'd["thingTypeName"]' "$thing_type"
  # The thing is found through the root group: the hierarchy and the
  # membership are both there.
  iot list-things-in-thing-group --thing-group-name "$root_group" --recursive
  want 'd["things"]' "[\"$thing\"]"
  iot list-thing-principals --thing-name "$thing"
  want 'd["principals"]' "[\"$cert_arn\"]"
}

# A policy, tagged, with a second, default version, attached to a certificate
# and to a thing group; a malformed document refused.
# shellcheck disable=SC2016 # ${iot:...} are policy variables, not the shell's
scenario_policies() {
  local doc1 doc2
  doc1='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"}]}'
  doc2='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iot:Connect","iot:Publish"],"Resource":["arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}","arn:aws:iot:us-east-1:123456789012:topic/lamps/${iot:Connection.Thing.ThingName}"]}]}'
  iot create-policy --policy-name "$policy" --policy-document "$doc1" --tags "Key=team,Value=lighting/floor+2"
  want 'd["policyArn"]' "arn:aws:iot:us-east-1:$account:policy/$policy"
  want 'd["policyVersionId"]' 1

  iot create-policy-version --policy-name "$policy" --policy-document "$doc2" --set-as-default
  want 'd["policyVersionId"]' 2
  want 'd["isDefaultVersion"]' true

  iot attach-policy --policy-name "$policy" --target "$cert_arn"
  iot attach-policy --policy-name "$policy" --target "$child_group_arn"
  iot list-attached-policies --target "$cert_arn"
  want '[p["policyName"] for p in d["policies"]]' "[\"$policy\"]"
  iot list-targets-for-policy --policy-name "$policy"
  want 'sorted(d["targets"])' "$(names "$cert_arn" "$child_group_arn")"

  iot_refused MalformedPolicyException create-policy --policy-name e2e-malformed \
    --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Perhaps","Action":"iot:Connect","Resource":"*"}]}'
  policy_doc2=$doc2
  after_restart+=(check_policies)
}

check_policies() {
  iot get-policy --policy-name "$policy"
  want 'd["defaultVersionId"]' 2
  want 'json.loads(d["policyDocument"]) == json.loads(sys.argv[2])' true "$policy_doc2"
  iot list-policy-versions --policy-name "$policy"
  want 'sorted((v["versionId"], v["isDefaultVersion"]) for v in d["policyVersions"])' '[["1", false], ["2", true]]'
  iot list-targets-for-policy --policy-name "$policy"
  want 'sorted(d["targets"])' "$(names "$cert_arn" "$child_group_arn")"
  # The ARN travels in the query string.
  iot list-tags-for-resource --resource-arn "arn:aws:iot:us-east-1:$account:policy/$policy"
  want 'd["tags"]' '[{"Key": "team", "Value": "lighting/floor+2"}]'
}

# Logging options, both APIs.
scenario_logging() {
  iot set-v2-logging-options --role-arn "$logging_role" --default-log-level INFO --no-disable-all-logs
  iot get-v2-logging-options
  want '(d["roleArn"], d["defaultLogLevel"], d["disableAllLogs"])' "[\"$logging_role\", \"INFO\", false]"

  iot set-logging-options --logging-options-payload "roleArn=$logging_role,logLevel=WARN"
  iot get-logging-options
  want '(d["roleArn"], d["logLevel"])' "[\"$logging_role\", \"WARN\"]"
  after_restart+=(check_logging)
}

check_logging() {
  iot get-v2-logging-options
  want '(d["roleArn"], d["defaultLogLevel"], d["disableAllLogs"])' "[\"$logging_role\", \"INFO\", false]"
  iot get-logging-options
  want '(d["roleArn"], d["logLevel"])' "[\"$logging_role\", \"WARN\"]"
}

# Role aliases.
scenario_role_aliases() {
  iot create-role-alias --role-alias "$role_alias" --role-arn "$alias_role" --credential-duration-seconds 1800
  check_role_aliases
  iot list-role-aliases
  want 'd["roleAliases"]' "[\"$role_alias\"]"
  after_restart+=(check_role_aliases)
}

check_role_aliases() {
  iot describe-role-alias --role-alias "$role_alias"
  want '[d["roleAliasDescription"][k] for k in ("roleAlias", "roleArn", "credentialDurationSeconds", "owner")]' \
    "[\"$role_alias\", \"$alias_role\", 1800, \"$account\"]"
}

# Requests signed with a wrong secret or an unknown key are refused.
scenario_authentication() {
  AWS_ACCESS_KEY_ID=$access_key_id AWS_SECRET_ACCESS_KEY=not-the-secret-of-this-key \
    iot_refused InvalidSignatureException list-things
  AWS_ACCESS_KEY_ID=AKIAE2EUNKNOWNKEY000 AWS_SECRET_ACCESS_KEY=whatever-secret \
    iot_refused UnrecognizedClientException list-things
}

# A second account added and removed while the server runs: its key works at
# once, sees none of the first account's things, and stops working soon
# after the account is removed.
scenario_second_account() {
  run_cmd "$bin" accounts add --data "$data_dir" --id "$second_account"
  want 'd["accountId"]' "$second_account"
  local key secret
  get 'd["accessKeyId"]'
  key=$value
  get 'd["secretAccessKey"]'
  secret=$value

  AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret iot list-things
  want 'd["things"]' '[]'
  AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret iot_refused ResourceNotFoundException \
    describe-thing --thing-name "$thing"
  # The same name is free in the second account.
  AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret iot create-thing --thing-name "$thing"
  want 'd["thingArn"]' "arn:aws:iot:us-east-1:$second_account:thing/$thing"

  run_cmd "$bin" accounts list --data "$data_dir"
  want_contains "$out" "\"$second_account\"" "accounts list"

  run_cmd "$bin" accounts remove --data "$data_dir" --id "$second_account"
  local deadline rc
  deadline=$(($(now_ms) + 3000))
  while :; do
    rc=0
    calls=$((calls + 1))
    AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret \
      "$AWS" iot list-things --endpoint-url "$endpoint" --output json >"$run_dir/stdout" 2>"$run_dir/stderr" || rc=$?
    if [ "$rc" -ne 0 ] && grep -qF "(UnrecognizedClientException)" "$run_dir/stderr"; then
      break
    fi
    if [ "$(now_ms)" -gt "$deadline" ]; then
      last_cmd="aws iot list-things with the removed account's key"
      out=$(<"$run_dir/stdout")
      err=$(<"$run_dir/stderr")
      fail "the removed account's key still works 3 s after accounts remove"
    fi
    sleep 0.2
  done
  # The first account is untouched.
  iot describe-thing --thing-name "$thing"
  want 'd["thingId"]' "$thing_id"
}

# boto3 against the same server.
scenario_boto3() {
  run_cmd python3 "$script_dir/e2e/boto3_registry.py" "$endpoint" "$account"
}

# Listings paged through the CLI: nextToken followed by the CLI's own
# paginator (over the things so far: the first one and boto3's five), and
# marker/nextMarker passed by hand (the operation's --page-size turns the
# CLI's paginator off).
scenario_cli_paging() {
  iot list-things --page-size 2
  want 'sorted(t["thingName"] for t in d["things"])' \
    "$(names "$thing" e2e-boto3-0 e2e-boto3-1 e2e-boto3-2 e2e-boto3-3 e2e-boto3-4)"

  iot list-certificates --page-size 3
  want 'len(d["certificates"])' 3
  get 'd["nextMarker"]'
  local marker=$value listed
  get '[c["certificateId"] for c in d["certificates"]]'
  listed=$value
  iot list-certificates --page-size 3 --marker "$marker"
  want '"nextMarker" in d' false
  want 'sorted(json.loads(sys.argv[2]) + [c["certificateId"] for c in d["certificates"]])' \
    "$(names "$cert_id" "${device_ids[@]}" "$solo_id")" "$listed"
}

# An operation iotdefender does not implement says so, by name.
scenario_not_implemented() {
  iot_refused NotImplementedException list-topic-rules
  want_contains "$err" ListTopicRules "the NotImplementedException message"
}

# The server stops cleanly on SIGTERM and starts again on the same data
# directory with everything in it and the same credentials.
scenario_restart() {
  local credentials_before check
  credentials_before=$(<"$data_dir/credentials")
  stop_server
  start_server
  [ "$(<"$data_dir/credentials")" = "$credentials_before" ] || fail "the credentials file changed on restart"
  for check in "${after_restart[@]}"; do
    "$check"
  done
}
