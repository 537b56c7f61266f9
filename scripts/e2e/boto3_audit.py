#!/usr/bin/env python3
"""boto3 over the audit of a running iotdefender that holds the demo fleet
(`iotdefender demo`): audit configuration with an SNS target, two on-demand
audits, findings by task and by check and time window, a finding and its
related resources, a suppression counted by the second audit, the task
listing, and the completion notifications read back from an SQS queue
subscribed to the topic on moto_server.

usage: boto3_audit.py IOT_ENDPOINT ACCOUNT_ID MOTO_ENDPOINT TOPIC_ARN QUEUE_URL
Credentials and region of the IoT client come from the environment
(AWS_SHARED_CREDENTIALS_FILE, AWS_DEFAULT_REGION), as for the aws CLI; moto
takes any.

The expectations are shared with the aws CLI runs of scripts/e2e/audit.sh,
which check the CLI's JSON output with them:

    boto3_audit.py --expect task DESCRIBE.json CHECK,CHECK,...
    boto3_audit.py --expect findings FINDINGS.json DESCRIBE.json TASK_ID
    boto3_audit.py --expect notification MESSAGE.json DESCRIBE.json ACCOUNT_ID TASK_ID
"""

import datetime
import json
import sys
import time

import boto3
from botocore.config import Config

# The checks iotdefender cannot run (it holds no Cognito pools nor IAM data):
# FAILED with a message. The demo fleet leaves the age check compliant and
# trips every other one.
UNSUPPORTED = {
    "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
    "UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
    "IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK",
    "IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK",
}
COMPLIANT = {"DEVICE_CERTIFICATE_AGE_CHECK"}
SHARED = "DEVICE_CERTIFICATE_SHARED_CHECK"
EXPIRING = "DEVICE_CERTIFICATE_EXPIRING_CHECK"
STATISTICS = {
    "totalChecks", "inProgressChecks", "waitingForDataCollectionChecks", "compliantChecks",
    "nonCompliantChecks", "failedChecks", "canceledChecks",
}
DETAIL_KEYS = {
    "checkRunStatus", "checkCompliant", "totalResourcesCount", "nonCompliantResourcesCount",
    "suppressedNonCompliantResourcesCount",
}


def fail(message):
    sys.exit(f"{client}: {message}")


client = "boto3"  # who is checked, for the messages


def expect(what, got, want):
    if got != want:
        fail(f"{what}: expected {want!r}, got {got!r}")


def require(what, ok):
    if not ok:
        fail(what)


def run_audit(iot, checks):
    """Starts an on-demand audit of checks, waits for it, returns (id, description)."""
    task_id = iot.start_on_demand_audit_task(targetCheckNames=checks)["taskId"]
    require(f"task id {task_id!r} is 32 lowercase hex digits",
            len(task_id) == 32 and all(c in "0123456789abcdef" for c in task_id))
    deadline = time.monotonic() + 60
    while True:
        described = iot.describe_audit_task(taskId=task_id)
        if described["taskStatus"] != "IN_PROGRESS":
            return task_id, described
        if time.monotonic() > deadline:
            fail(f"audit {task_id} still IN_PROGRESS after 60 s")
        time.sleep(0.2)


def epoch_ms(value):
    """Milliseconds since the epoch of a timestamp as boto3 (datetime), the aws
    CLI v1 (epoch seconds) or v2 (ISO 8601) gives it."""
    if isinstance(value, datetime.datetime):
        return round(value.timestamp() * 1000)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(value * 1000)
    if isinstance(value, str):
        try:
            return round(datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
        except ValueError:
            pass
    fail(f"{value!r} is not a timestamp")


def check_task(described, checks):
    """The founding example's shape, with the demo fleet's outcome."""
    expect("taskStatus", described["taskStatus"], "COMPLETED")
    expect("taskType", described["taskType"], "ON_DEMAND_AUDIT_TASK")
    started = epoch_ms(described["taskStartTime"])
    require("taskStartTime within the last 10 minutes", 0 <= time.time() * 1000 - started < 600_000)
    stats = described["taskStatistics"]
    expect("taskStatistics members", set(stats), STATISTICS)
    expect("taskStatistics", stats, {
        "totalChecks": len(checks), "inProgressChecks": 0, "waitingForDataCollectionChecks": 0,
        "compliantChecks": len(COMPLIANT), "nonCompliantChecks": len(checks) - len(COMPLIANT) - len(UNSUPPORTED),
        "failedChecks": len(UNSUPPORTED), "canceledChecks": 0,
    })
    details = described["auditDetails"]
    expect("checks in auditDetails", sorted(details), checks)
    for name, d in details.items():
        # checkCompliant says nothing of a check that did not run: omitted then.
        members = DETAIL_KEYS - {"checkCompliant"} if name in UNSUPPORTED else DETAIL_KEYS
        require(f"{name}: members {sorted(d)} include {sorted(members)}", members <= set(d))
        if name in UNSUPPORTED:
            expect(f"{name} checkRunStatus", d["checkRunStatus"], "FAILED")
            require(f"{name}: a FAILED check says why", d.get("message"))
        elif name in COMPLIANT:
            expect(f"{name} checkRunStatus", d["checkRunStatus"], "COMPLETED_COMPLIANT")
            expect(f"{name} checkCompliant", d["checkCompliant"], True)
        else:
            expect(f"{name} checkRunStatus", d["checkRunStatus"], "COMPLETED_NON_COMPLIANT")
            expect(f"{name} checkCompliant", d["checkCompliant"], False)
            require(f"{name}: nonCompliantResourcesCount >= 1", d["nonCompliantResourcesCount"] >= 1)
            require(f"{name}: total >= non-compliant", d["totalResourcesCount"] >= d["nonCompliantResourcesCount"])
    return details


def paginate(iot, operation, key, **kwargs):
    items = []
    for page in iot.get_paginator(operation).paginate(**kwargs):
        items += page[key]
    return items


def check_findings(findings, details, task_id):
    """The findings of a task: one per resource and reason, each complete."""
    expect("findings of the task", sum(1 for f in findings if f["taskId"] == task_id), len(findings))
    for name, d in details.items():
        resources = {f["nonCompliantResource"]["resourceType"] + json.dumps(f["nonCompliantResource"]["resourceIdentifier"], sort_keys=True)
                     for f in findings if f["checkName"] == name}
        expect(f"{name}: distinct resources in the findings", len(resources), d["nonCompliantResourcesCount"])
    for f in findings:
        require(f"finding {f.get('findingId')}: its members",
                {"findingId", "taskId", "checkName", "taskStartTime", "findingTime", "severity", "nonCompliantResource",
                 "reasonForNonCompliance", "reasonForNonComplianceCode", "isSuppressed"} <= set(f))
        expect("isSuppressed", f["isSuppressed"], False)
        epoch_ms(f["findingTime"])
    codes = {(f["checkName"], f["reasonForNonComplianceCode"]) for f in findings}
    require("the Debian weak key found (CVE-2008-0166)",
            ("DEVICE_CERTIFICATE_KEY_QUALITY_CHECK", "CERTIFICATE_KEY_VULNERABILITY_CVE-2008-0166") in codes)
    require("the expired device certificate found",
            (EXPIRING, "CERTIFICATE_PAST_EXPIRATION") in codes and (EXPIRING, "CERTIFICATE_APPROACHING_EXPIRATION") in codes)


def notifications(sqs, queue_url, task_ids):
    """Reads the queue until a notification of each task came; returns them by task id."""
    got = {}
    deadline = time.monotonic() + 30
    while set(got) != set(task_ids):
        if time.monotonic() > deadline:
            fail(f"notifications of {sorted(set(task_ids) - set(got))} not received within 30 s")
        for m in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            body = json.loads(m["Body"])
            got[body.get("taskId")] = body
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
    return got


def check_notification(n, account, task_id, described):
    expect("notification accountId", n["accountId"], account)
    expect("notification taskId", n["taskId"], task_id)
    expect("notification taskStatus", n["taskStatus"], "COMPLETED")
    expect("notification taskType", n["taskType"], "ON_DEMAND_AUDIT_TASK")
    stats = described["taskStatistics"]
    for field, stat in [("failedChecksCount", "failedChecks"), ("canceledChecksCount", "canceledChecks"),
                        ("nonCompliantChecksCount", "nonCompliantChecks"), ("compliantChecksCount", "compliantChecks"),
                        ("totalChecksCount", "totalChecks")]:
        expect(f"notification {field}", n[field], stats[stat])
    expect("notification taskStartTime (epoch ms)", n["taskStartTime"], epoch_ms(described["taskStartTime"]))
    by_name = {d["checkName"]: d for d in n["auditDetails"]}
    expect("notification checks", sorted(by_name), sorted(described["auditDetails"]))
    for name, d in described["auditDetails"].items():
        sent = by_name[name]
        expect(f"notification {name} checkRunStatus", sent["checkRunStatus"], d["checkRunStatus"])
        for field in ["nonCompliantResourcesCount", "totalResourcesCount", "suppressedNonCompliantResourcesCount"]:
            expect(f"notification {name} {field}", sent[field], d[field])


def main():
    endpoint, account, moto, topic_arn, queue_url = sys.argv[1:6]
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    iot = boto3.client("iot", endpoint_url=endpoint, config=config)
    sqs = boto3.client("sqs", endpoint_url=moto, region_name="us-east-1", aws_access_key_id="testing",
                       aws_secret_access_key="testing", config=config)
    role = f"arn:aws:iam::{account}:role/e2e-boto3-audit"

    checks = sorted(iot.describe_account_audit_configuration()["auditCheckConfigurations"])
    expect("checks in the catalogue", len(checks), 17)
    iot.update_account_audit_configuration(
        roleArn=role,
        auditNotificationTargetConfigurations={"SNS": {"targetArn": topic_arn, "roleArn": role, "enabled": True}},
        auditCheckConfigurations={name: {"enabled": True} for name in checks},
    )
    cfg = iot.describe_account_audit_configuration()
    expect("roleArn", cfg["roleArn"], role)
    expect("SNS target", cfg["auditNotificationTargetConfigurations"]["SNS"],
           {"targetArn": topic_arn, "roleArn": role, "enabled": True})
    require("every check enabled", all(c["enabled"] for c in cfg["auditCheckConfigurations"].values()))

    first, described = run_audit(iot, checks)
    details = check_task(described, checks)

    findings = paginate(iot, "list_audit_findings", "findings", taskId=first, PaginationConfig={"PageSize": 5})
    check_findings(findings, details, first)

    shared = [f for f in findings if f["checkName"] == SHARED]
    expect("shared-certificate findings", len(shared), 1)
    now = datetime.datetime.now(datetime.timezone.utc)
    window = paginate(iot, "list_audit_findings", "findings", checkName=SHARED,
                      startTime=now - datetime.timedelta(hours=1), endTime=now + datetime.timedelta(hours=1))
    require("findings by check name and time window hold the task's",
            shared[0]["findingId"] in {f["findingId"] for f in window} and all(f["checkName"] == SHARED for f in window))
    finding = iot.describe_audit_finding(findingId=shared[0]["findingId"])["finding"]
    expect("described finding", finding["findingId"], shared[0]["findingId"])
    expect("described finding reason code", finding["reasonForNonComplianceCode"], "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES")
    related = paginate(iot, "list_related_resources_for_audit_finding", "relatedResources",
                       findingId=finding["findingId"], PaginationConfig={"PageSize": 1})
    expect("related client ids", sorted(r["resourceIdentifier"]["clientId"] for r in related),
           ["weather-station-07", "weather-station-08"])
    for r in related:
        expect("related resource type", r["resourceType"], "CLIENT_ID")
        require("CONNECTION_TIME in epoch ms", r["additionalInfo"]["CONNECTION_TIME"].isdigit())

    expiring = [f for f in findings
                if f["checkName"] == EXPIRING and f["reasonForNonComplianceCode"] == "CERTIFICATE_APPROACHING_EXPIRATION"]
    expect("approaching-expiration findings", len(expiring), 1)
    cert = expiring[0]["nonCompliantResource"]["resourceIdentifier"]
    iot.create_audit_suppression(checkName=EXPIRING, resourceIdentifier=cert,
                                 expirationDate=now + datetime.timedelta(days=7), description="renewal ordered (boto3)")
    try:
        second, described2 = run_audit(iot, checks)
        d = described2["auditDetails"][EXPIRING]
        expect("suppressed audit: status", d["checkRunStatus"], "COMPLETED_NON_COMPLIANT")
        expect("suppressed audit: non-compliant", d["nonCompliantResourcesCount"], details[EXPIRING]["nonCompliantResourcesCount"])
        expect("suppressed audit: suppressed", d["suppressedNonCompliantResourcesCount"], 1)
        suppressed = paginate(iot, "list_audit_findings", "findings", taskId=second, checkName=EXPIRING,
                              listSuppressedFindings=True)
        expect("suppressed findings", [(f["nonCompliantResource"]["resourceIdentifier"], f["isSuppressed"]) for f in suppressed],
               [(cert, True)])

        tasks = paginate(iot, "list_audit_tasks", "tasks", startTime=now - datetime.timedelta(hours=1),
                         endTime=now + datetime.timedelta(hours=1), taskType="ON_DEMAND_AUDIT_TASK")
        listed = {t["taskId"]: t for t in tasks}
        for task_id in (first, second):
            expect(f"listed task {task_id}", listed.get(task_id),
                   {"taskId": task_id, "taskStatus": "COMPLETED", "taskType": "ON_DEMAND_AUDIT_TASK"})

        sent = notifications(sqs, queue_url, [first, second])
        check_notification(sent[first], account, first, described)
        check_notification(sent[second], account, second, described2)
    finally:
        iot.delete_audit_suppression(checkName=EXPIRING, resourceIdentifier=cert)

    print(f"boto3: 2 audits of {len(checks)} checks, {len(findings)} findings, suppression counted, 2 notifications")


def expect_main(kind, *args):
    """Checks JSON files of the aws CLI with the expectations above."""
    global client
    client = "aws CLI"

    def load(path):
        with open(path) as f:
            return json.load(f)

    if kind == "task":
        check_task(load(args[0]), args[1].split(","))
    elif kind == "findings":
        check_findings(load(args[0])["findings"], load(args[1])["auditDetails"], args[2])
    elif kind == "notification":
        check_notification(load(args[0]), args[2], args[3], load(args[1]))
    else:
        fail(f"unknown expectation {kind!r}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--expect"]:
        expect_main(*sys.argv[2:])
    else:
        main()
