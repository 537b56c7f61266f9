#!/usr/bin/env python3
"""boto3 over the mitigation of a running iotdefender whose account holds the
demo fleet (`iotdefender demo`) and one finished audit of it: the six
mitigation action types defined, described and listed; two audit mitigation
actions tasks, one on the audit's findings (device certificates deactivated,
their things quarantined, the findings published to SNS; CA certificates
deactivated) and one on named findings (the overly permissive policy reset to
a blank version, logging enabled); their description in the shape of the
reference's founding example with true counts; the executions of findings and
the task listing; the fleet really changed, and the published findings read
back from an SQS queue subscribed to the topic on moto_server; refused starts
that change nothing; a refused cancel.

usage:
  boto3_mitigation.py IOT_ENDPOINT ACCOUNT_ID AUDIT_TASK_ID MOTO_ENDPOINT
  boto3_mitigation.py --prepare IOT_ENDPOINT
      before the audits: suppresses the DEVICE_CERTIFICATE_EXPIRING_CHECK
      finding of greenhouse-sensor-04's certificate, so that the tasks skip
      one finding
Credentials and region of the IoT client come from the environment
(AWS_SHARED_CREDENTIALS_FILE, AWS_DEFAULT_REGION), as for the aws CLI; moto
takes any.

The aws CLI runs of scripts/e2e/mitigation.sh send what this plan says and
check their JSON output with its expectations. They keep their files in a run
directory: context.json ({"account", "topicArn", "client", "auditTaskId"}),
findings.json (list-audit-findings of the audit), related.json (the related
resources of its INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK
finding), action-NAME.json (create-mitigation-action) and
described-TASK_ID.json (describe-audit-mitigation-actions-task):

    boto3_mitigation.py --print actions|audit-mapping|findings-mapping|findings-target|finding RUN_DIR [WHICH]
    boto3_mitigation.py --expect KIND RUN_DIR ARGS...   (see expect_main)
"""

import datetime
import glob
import json
import os
import re
import sys
import time

# Who is checked, for the messages.
client_name = "boto3"

# The plan every client follows.
AUDIT_TASK = "QuarantineTask01"  # on the audit's findings (target auditTaskId)
FINDINGS_TASK = "ResetPolicyTask01"  # on two named findings, as the founding example
QUARANTINE = "quarantine"
LOG_LEVEL = "INFO"
DEVICE_CHECKS = [
    "DEVICE_CERTIFICATE_AGE_CHECK",  # compliant on the demo fleet: counted with 0 findings
    "DEVICE_CERTIFICATE_EXPIRING_CHECK",
    "DEVICE_CERTIFICATE_KEY_QUALITY_CHECK",
    "DEVICE_CERTIFICATE_SHARED_CHECK",
    "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK",
    "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK",
]
CA_CHECKS = [
    "CA_CERTIFICATE_EXPIRING_CHECK",
    "CA_CERTIFICATE_KEY_QUALITY_CHECK",
    "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK",
]
POLICY_CHECK = "IOT_POLICY_OVERLY_PERMISSIVE_CHECK"
LOGGING_CHECK = "LOGGING_DISABLED_CHECK"
SHARED_CHECK = "DEVICE_CERTIFICATE_SHARED_CHECK"
INTERMEDIATE_CHECK = "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK"
REVOKED_CA_CHECK = "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK"

# The finding suppressed before the audits (--prepare): the approaching
# expiration of greenhouse-sensor-04's certificate.
SUPPRESSED_CHECK = "DEVICE_CERTIFICATE_EXPIRING_CHECK"
SUPPRESSED_THING = "greenhouse-sensor-04"

# What the audit task's mitigation must change on the demo fleet (see
# internal/demo): the certificates of its device findings but the suppressed
# one, with the two of the irrigation pumps under the revoked intermediate CA;
# the two CAs it finds; the things attached to those certificates.
DEACTIVATED_DEVICE_CERTIFICATES = 7
DEACTIVATED_CA_CERTIFICATES = 2
QUARANTINED = sorted([
    "greenhouse-sensor-05", "door-lock-09", "weather-station-07", "irrigation-pump-21",
    "irrigation-pump-22", "barn-camera-03", "smart-meter-14",
])
PERMISSIVE_POLICY = "legacy-fleet-policy"

# The document of the BLANK_POLICY template (mitigation.BlankPolicyDocument):
# it allows nothing.
BLANK_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "*", "Resource": "*"}]}

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def fail(message):
    sys.exit(f"{client_name}: {message}")


def expect(what, got, want):
    if got != want:
        fail(f"{what}: expected {want!r}, got {got!r}")


def require(what, ok):
    if not ok:
        fail(what)


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


def recent(what, value):
    """A timestamp of this run: within the last 10 minutes."""
    ms = epoch_ms(value)
    require(f"{what} {value!r} is within the last 10 minutes", 0 <= time.time() * 1000 - ms < 600_000)
    return ms


def body(response):
    """A boto3 response without its metadata, as the CLI prints it."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def definitions(account, topic_arn, client):
    """The six actions: name -> (actionType, roleArn, actionParams)."""
    role = f"arn:aws:iam::{account}:role/e2e-{client}-mitigation"
    return {
        "deactivate-device-certificate": ("UPDATE_DEVICE_CERTIFICATE", role,
                                          {"updateDeviceCertificateParams": {"action": "DEACTIVATE"}}),
        "deactivate-ca-certificate": ("UPDATE_CA_CERTIFICATE", role,
                                      {"updateCACertificateParams": {"action": "DEACTIVATE"}}),
        "quarantine-things": ("ADD_THINGS_TO_THING_GROUP", role,
                              {"addThingsToThingGroupParams": {"thingGroupNames": [QUARANTINE], "overrideDynamicGroups": False}}),
        "blank-policy": ("REPLACE_DEFAULT_POLICY_VERSION", role,
                         {"replaceDefaultPolicyVersionParams": {"templateName": "BLANK_POLICY"}}),
        "enable-logging": ("ENABLE_IOT_LOGGING", role,
                           {"enableIoTLoggingParams": {"roleArnForLogging": f"arn:aws:iam::{account}:role/e2e-{client}-logging",
                                                       "logLevel": LOG_LEVEL}}),
        "publish-finding": ("PUBLISH_FINDING_TO_SNS", role, {"publishFindingToSnsParams": {"topicArn": topic_arn}}),
    }


def audit_mapping():
    mapping = {c: ["deactivate-device-certificate", "quarantine-things", "publish-finding"] for c in DEVICE_CHECKS}
    mapping.update({c: ["deactivate-ca-certificate"] for c in CA_CHECKS})
    return mapping


def findings_mapping():
    return {POLICY_CHECK: ["blank-policy"], LOGGING_CHECK: ["enable-logging"]}


def one_finding(findings, check, suppressed=False):
    """The one finding of check (with that suppression state)."""
    found = [f for f in findings if f["checkName"] == check and f["isSuppressed"] == suppressed]
    expect(f"findings of {check} with isSuppressed {suppressed}", len(found), 1)
    return found[0]


class Run:
    """What one client made and saw: the expectations' context."""

    def __init__(self, account, topic_arn, client, audit_id, findings, related):
        self.account, self.topic_arn, self.client, self.audit_id = account, topic_arn, client, audit_id
        self.findings = findings  # every finding of the audit, suppressed ones included
        self.related = related  # the related resources of the intermediate CA's finding
        self.defs = definitions(account, topic_arn, client)
        self.created = {}  # action name -> create-mitigation-action output
        self.described = {}  # task id -> describe-audit-mitigation-actions-task output

    def targets(self):
        return {
            AUDIT_TASK: ({"auditTaskId": self.audit_id}, audit_mapping()),
            FINDINGS_TASK: ({"findingIds": [one_finding(self.findings, POLICY_CHECK)["findingId"],
                                            one_finding(self.findings, LOGGING_CHECK)["findingId"]]}, findings_mapping()),
        }

    def covered(self, task_id):
        """The findings a task goes through: in its target and of a mapped check."""
        target, mapping = self.targets()[task_id]
        return [f for f in self.findings if f["checkName"] in mapping and
                (f["taskId"] == target.get("auditTaskId") or f["findingId"] in target.get("findingIds", []))]

    def mitigated(self, task_id):
        return [f for f in self.covered(task_id) if not f["isSuppressed"]]

    def deactivated_certificates(self):
        """The device certificates the audit task's findings name."""
        ids = set()
        for f in self.mitigated(AUDIT_TASK):
            ident = f["nonCompliantResource"]["resourceIdentifier"]
            if f["checkName"] == INTERMEDIATE_CHECK:
                ids |= {r["resourceIdentifier"]["deviceCertificateId"] for r in self.related}
            elif "deviceCertificateId" in ident:
                ids.add(ident["deviceCertificateId"])
        expect("device certificates the audit task deactivates", len(ids), DEACTIVATED_DEVICE_CERTIFICATES)
        return ids

    def deactivated_cas(self):
        ids = {f["nonCompliantResource"]["resourceIdentifier"]["caCertificateId"]
               for f in self.mitigated(AUDIT_TASK) if f["checkName"] in CA_CHECKS}
        expect("CA certificates the audit task deactivates", len(ids), DEACTIVATED_CA_CERTIFICATES)
        return ids

    def suppressed_certificate(self):
        return one_finding(self.findings, SUPPRESSED_CHECK, True)["nonCompliantResource"]["resourceIdentifier"]["deviceCertificateId"]

    # --- Expectations.

    def check_findings(self):
        """The audit found what the plan acts on, the suppressed finding included."""
        expect("suppressed findings of the audit", [f["checkName"] for f in self.findings if f["isSuppressed"]], [SUPPRESSED_CHECK])
        for check in DEVICE_CHECKS[1:] + CA_CHECKS + [POLICY_CHECK, LOGGING_CHECK]:
            require(f"the audit found {check}", any(f["checkName"] == check for f in self.findings))
        require("the related resources of the intermediate CA's finding are device certificates",
                self.related and all(r["resourceType"] == "DEVICE_CERTIFICATE" for r in self.related))

    def check_created(self, name, created):
        expect(f"{name}: actionArn", created["actionArn"], f"arn:aws:iot:us-east-1:{self.account}:mitigationaction/{name}")
        require(f"{name}: actionId {created['actionId']!r} is a UUID", UUID.match(created["actionId"]))
        self.created[name] = created

    def check_action(self, name, d):
        """describe-mitigation-action: every member."""
        typ, role, params = self.defs[name]
        expect(f"{name}: members", sorted(d), sorted(["actionName", "actionType", "actionArn", "actionId", "roleArn",
                                                      "actionParams", "creationDate", "lastModifiedDate"]))
        expect(f"{name}: actionName", d["actionName"], name)
        expect(f"{name}: actionType", d["actionType"], typ)
        expect(f"{name}: actionArn", d["actionArn"], self.created[name]["actionArn"])
        expect(f"{name}: actionId", d["actionId"], self.created[name]["actionId"])
        expect(f"{name}: roleArn", d["roleArn"], role)
        expect(f"{name}: actionParams", d["actionParams"], params)
        expect(f"{name}: lastModifiedDate", recent("creationDate", d["creationDate"]), epoch_ms(d["lastModifiedDate"]))

    def check_actions(self, identifiers, typ=None):
        """list-mitigation-actions, of one type when typ is given."""
        names = sorted(n for n, (t, _, _) in self.defs.items() if typ in (None, t))
        expect(f"listed actions (type {typ})", sorted(i["actionName"] for i in identifiers), names)
        for i in identifiers:
            expect(f"listed {i['actionName']}: members", sorted(i), ["actionArn", "actionName", "creationDate"])
            expect(f"listed {i['actionName']}: actionArn", i["actionArn"], self.created[i["actionName"]]["actionArn"])
            recent("creationDate", i["creationDate"])

    def check_task(self, task_id, d):
        """describe-audit-mitigation-actions-task: the founding example's shape,
        member for member, with true counts."""
        target, mapping = self.targets()[task_id]
        expect(f"{task_id}: members", sorted(d), sorted(["taskStatus", "startTime", "endTime", "taskStatistics", "target",
                                                         "auditCheckToActionsMapping", "actionsDefinition"]))
        expect(f"{task_id}: taskStatus", d["taskStatus"], "COMPLETED")
        start = recent(f"{task_id}: startTime", d["startTime"])
        require(f"{task_id}: endTime {d['endTime']!r} not before startTime {d['startTime']!r}", epoch_ms(d["endTime"]) >= start)
        stats = {check: {"totalFindingsCount": 0, "failedFindingsCount": 0, "succeededFindingsCount": 0,
                         "skippedFindingsCount": 0, "canceledFindingsCount": 0} for check in mapping}
        for f in self.covered(task_id):
            s = stats[f["checkName"]]
            s["totalFindingsCount"] += 1
            s["skippedFindingsCount" if f["isSuppressed"] else "succeededFindingsCount"] += 1
        expect(f"{task_id}: taskStatistics", d["taskStatistics"], stats)
        expect(f"{task_id}: target", d["target"], target)
        expect(f"{task_id}: auditCheckToActionsMapping", d["auditCheckToActionsMapping"], mapping)
        used = sorted({a for actions in mapping.values() for a in actions})
        definitions = sorted(d["actionsDefinition"], key=lambda a: a.get("name", ""))
        expect(f"{task_id}: actions defined", [a.get("name") for a in definitions], used)
        for a in definitions:
            _, role, params = self.defs[a["name"]]
            expect(f"{task_id}: definition of {a['name']}", a,
                   {"name": a["name"], "id": self.created[a["name"]]["actionId"], "roleArn": role, "actionParams": params})
        self.described[task_id] = d

    def check_executions(self, task_id, finding_id, executions):
        """list-audit-mitigation-actions-executions of a finding: its actions in
        mapping order, COMPLETED, or SKIPPED for the suppressed finding."""
        f = next((f for f in self.covered(task_id) if f["findingId"] == finding_id), None)
        require(f"finding {finding_id} is one of {task_id}'s", f)
        _, mapping = self.targets()[task_id]
        status = "SKIPPED" if f["isSuppressed"] else "COMPLETED"
        expect(f"{task_id}/{finding_id}: actions executed", [x["actionName"] for x in executions], mapping[f["checkName"]])
        for x in executions:
            what = f"{task_id}/{finding_id}/{x['actionName']}"
            if status == "COMPLETED":
                expect(f"{what}: members", sorted(x), sorted(["taskId", "findingId", "actionName", "actionId", "status",
                                                              "startTime", "endTime"]))
            expect(f"{what}: status", x["status"], status)
            expect(f"{what}: taskId", x["taskId"], task_id)
            expect(f"{what}: findingId", x["findingId"], finding_id)
            expect(f"{what}: actionId", x["actionId"], self.created[x["actionName"]]["actionId"])
            require(f"{what}: no errorCode", "errorCode" not in x)
            require(f"{what}: endTime not before startTime",
                    epoch_ms(x["endTime"]) >= recent(f"{what}: startTime", x["startTime"]))

    def check_tasks(self, tasks, task_ids):
        """list-audit-mitigation-actions-tasks holds those tasks, as described."""
        expect("listed tasks", sorted(t["taskId"] for t in tasks), sorted(task_ids))
        for t in tasks:
            d = self.described[t["taskId"]]
            expect(f"listed {t['taskId']}: members", sorted(t), ["startTime", "taskId", "taskStatus"])
            expect(f"listed {t['taskId']}: taskStatus", t["taskStatus"], d["taskStatus"])
            expect(f"listed {t['taskId']}: startTime", epoch_ms(t["startTime"]), epoch_ms(d["startTime"]))

    def check_certificates(self, certificates):
        """list-certificates: the certificates of the findings INACTIVE, the
        suppressed finding's and every other one still ACTIVE."""
        inactive = self.deactivated_certificates()
        require("the suppressed finding's certificate is not deactivated", self.suppressed_certificate() not in inactive)
        listed = {c["certificateId"]: c["status"] for c in certificates}
        require(f"every deactivated certificate is listed: {sorted(inactive - set(listed))} missing", inactive <= set(listed))
        expect("certificate statuses", listed, {c: "INACTIVE" if c in inactive else "ACTIVE" for c in listed})

    def check_ca_certificates(self, certificates):
        inactive = self.deactivated_cas()
        listed = {c["certificateId"]: c["status"] for c in certificates}
        require(f"every deactivated CA certificate is listed: {sorted(inactive - set(listed))} missing", inactive <= set(listed))
        expect("CA certificate statuses", listed, {c: "INACTIVE" if c in inactive else "ACTIVE" for c in listed})

    def check_quarantine(self, things):
        expect(f"things in {QUARANTINE}", sorted(things), QUARANTINED)

    def check_policy(self, policy, version):
        """get-policy and get-policy-version: a blank version is the default."""
        expect("the overly permissive policy's finding", one_finding(self.findings, POLICY_CHECK)["nonCompliantResource"]
               ["resourceIdentifier"]["policyVersionIdentifier"], {"policyName": PERMISSIVE_POLICY, "policyVersionId": "1"})
        expect("get-policy policyName", policy["policyName"], PERMISSIVE_POLICY)
        expect("get-policy defaultVersionId", policy["defaultVersionId"], "2")
        expect("get-policy policyDocument", json.loads(policy["policyDocument"]), BLANK_POLICY)
        expect("get-policy-version policyVersionId", version["policyVersionId"], "2")
        expect("get-policy-version isDefaultVersion", version["isDefaultVersion"], True)
        expect("get-policy-version policyDocument (BLANK_POLICY)", json.loads(version["policyDocument"]), BLANK_POLICY)

    def check_logging(self, options):
        params = self.defs["enable-logging"][2]["enableIoTLoggingParams"]
        expect("get-v2-logging-options", {k: options.get(k) for k in ("roleArn", "defaultLogLevel", "disableAllLogs")},
               {"roleArn": params["roleArnForLogging"], "defaultLogLevel": LOG_LEVEL, "disableAllLogs": False})

    def check_messages(self, messages):
        """The SNS messages read from the queue: one per device finding of the
        audit task but the suppressed one, each with its finding."""
        listed = {f["findingId"]: f for f in self.findings}
        wanted = sorted(f["findingId"] for f in self.mitigated(AUDIT_TASK) if f["checkName"] in DEVICE_CHECKS)
        got = []
        for m in messages:
            what = f"SNS message {m}"
            expect(f"{what}: accountId", m.get("accountId"), self.account)
            expect(f"{what}: taskId", m.get("taskId"), AUDIT_TASK)
            expect(f"{what}: actionName", m.get("actionName"), "publish-finding")
            expect(f"{what}: actionId", m.get("actionId"), self.created["publish-finding"]["actionId"])
            f = m["finding"]
            want = listed.get(f.get("findingId"))
            require(f"{what}: a finding of the audit", want)
            for key in ("findingId", "taskId", "checkName", "severity", "nonCompliantResource", "reasonForNonCompliance",
                        "reasonForNonComplianceCode", "isSuppressed"):
                expect(f"published finding {f['findingId']}: {key}", f.get(key), want[key])
            # ListAuditFindings leaves the intermediate CA's device certificates
            # out [M]; the message names them, as ListRelatedResourcesForAuditFinding.
            related = self.related if f["checkName"] == INTERMEDIATE_CHECK else want.get("relatedResources", [])
            expect(f"published finding {f['findingId']}: relatedResources", f.get("relatedResources", []), related[:10])
            for key in ("taskStartTime", "findingTime"):
                expect(f"published finding {f['findingId']}: {key} (epoch seconds)", epoch_ms(f[key]), epoch_ms(want[key]))
            got.append(f["findingId"])
        expect("findings published", sorted(got), wanted)


# --- boto3.

def paginate(iot, operation, key, **kwargs):
    items = []
    for page in iot.get_paginator(operation).paginate(**kwargs):
        items += page[key]
    return items


def wait_task(iot, task_id):
    deadline = time.monotonic() + 60
    while True:
        d = body(iot.describe_audit_mitigation_actions_task(taskId=task_id))
        if d["taskStatus"] != "IN_PROGRESS":
            return d
        if time.monotonic() > deadline:
            fail(f"mitigation task {task_id} still IN_PROGRESS after 60 s")
        time.sleep(0.1)


def refused(code, call, **kwargs):
    """call(**kwargs) must fail with the AWS error code."""
    from botocore.exceptions import ClientError
    try:
        call(**kwargs)
    except ClientError as e:
        expect(f"error of {call.__name__}({kwargs})", e.response["Error"]["Code"], code)
        return
    fail(f"{call.__name__}({kwargs}) succeeded; expected {code}")


def received(sqs, queue_url, count):
    """The bodies of the queue's messages, once count came (30 s at most)."""
    bodies = []
    deadline = time.monotonic() + 30
    while len(bodies) < count:
        if time.monotonic() > deadline:
            fail(f"{len(bodies)} SNS messages in the queue after 30 s, expected {count}")
        for m in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            bodies.append(json.loads(m["Body"]))
    return bodies


def clients(endpoint, moto):
    import boto3
    from botocore.config import Config
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    iot = boto3.client("iot", endpoint_url=endpoint, config=config)
    moto_args = dict(endpoint_url=moto, region_name="us-east-1", aws_access_key_id="testing",
                     aws_secret_access_key="testing", config=config)
    return iot, (boto3.client("sns", **moto_args) if moto else None), (boto3.client("sqs", **moto_args) if moto else None)


def prepare(endpoint):
    iot, _, _ = clients(endpoint, None)
    principals = iot.list_thing_principals(thingName=SUPPRESSED_THING)["principals"]
    expect(f"principals of {SUPPRESSED_THING}", len(principals), 1)
    iot.create_audit_suppression(checkName=SUPPRESSED_CHECK, resourceIdentifier={"deviceCertificateId": principals[0].split("/")[-1]},
                                 suppressIndefinitely=True, description="renewal ordered: the mitigation tasks skip it")
    print(f"suppressed {SUPPRESSED_CHECK} of {SUPPRESSED_THING}'s certificate")


def main():
    endpoint, account, audit_id, moto = sys.argv[1:5]
    iot, sns, sqs = clients(endpoint, moto)

    topic_arn = sns.create_topic(Name="mitigation-boto3")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="mitigation-boto3-queue")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})

    findings = paginate(iot, "list_audit_findings", "findings", taskId=audit_id, PaginationConfig={"PageSize": 4})
    intermediate = one_finding(findings, INTERMEDIATE_CHECK)["findingId"]
    related = paginate(iot, "list_related_resources_for_audit_finding", "relatedResources", findingId=intermediate)
    run = Run(account, topic_arn, "boto3", audit_id, findings, related)
    run.check_findings()

    # 1. The six action types.
    iot.create_thing_group(thingGroupName=QUARANTINE)
    for name, (_, role, params) in run.defs.items():
        run.check_created(name, body(iot.create_mitigation_action(actionName=name, roleArn=role, actionParams=params)))
    for name in run.defs:
        run.check_action(name, body(iot.describe_mitigation_action(actionName=name)))
    run.check_actions(paginate(iot, "list_mitigation_actions", "actionIdentifiers", PaginationConfig={"PageSize": 4}))
    for typ, _, _ in run.defs.values():
        run.check_actions(paginate(iot, "list_mitigation_actions", "actionIdentifiers", actionType=typ), typ)

    # 2. The two tasks.
    for task_id, (target, mapping) in run.targets().items():
        started = iot.start_audit_mitigation_actions_task(taskId=task_id, target=target, auditCheckToActionsMapping=mapping,
                                                          clientRequestToken=f"{task_id}-boto3")
        expect(f"start {task_id}", body(started), {"taskId": task_id})
    for task_id in run.targets():
        run.check_task(task_id, wait_task(iot, task_id))
    shared = one_finding(findings, SHARED_CHECK)["findingId"]
    suppressed = one_finding(findings, SUPPRESSED_CHECK, True)["findingId"]
    policy = one_finding(findings, POLICY_CHECK)["findingId"]
    for task_id, finding_id in [(AUDIT_TASK, shared), (AUDIT_TASK, suppressed), (FINDINGS_TASK, policy)]:
        run.check_executions(task_id, finding_id, paginate(iot, "list_audit_mitigation_actions_executions", "actionsExecutions",
                                                           taskId=task_id, findingId=finding_id, PaginationConfig={"PageSize": 1}))
    now = datetime.datetime.now(datetime.timezone.utc)
    window = {"startTime": now - datetime.timedelta(hours=1), "endTime": now + datetime.timedelta(hours=1)}
    before = paginate(iot, "list_audit_mitigation_actions_tasks", "tasks", PaginationConfig={"PageSize": 1}, **window)
    run.check_tasks(before, [AUDIT_TASK, FINDINGS_TASK])
    # The second task names findings of the audit: applied to its results too.
    run.check_tasks(paginate(iot, "list_audit_mitigation_actions_tasks", "tasks", auditTaskId=audit_id, **window),
                    [AUDIT_TASK, FINDINGS_TASK])
    run.check_tasks(paginate(iot, "list_audit_mitigation_actions_tasks", "tasks", findingId=policy, **window), [FINDINGS_TASK])

    # 3. The fleet changed.
    run.check_certificates(paginate(iot, "list_certificates", "certificates", PaginationConfig={"PageSize": 5}))
    for cert in run.deactivated_certificates():
        expect(f"describe_certificate {cert} status",
               iot.describe_certificate(certificateId=cert)["certificateDescription"]["status"], "INACTIVE")
    run.check_ca_certificates(paginate(iot, "list_ca_certificates", "certificates"))
    for ca in run.deactivated_cas():
        expect(f"describe_ca_certificate {ca} status",
               iot.describe_ca_certificate(certificateId=ca)["certificateDescription"]["status"], "INACTIVE")
    things = paginate(iot, "list_things_in_thing_group", "things", thingGroupName=QUARANTINE)
    run.check_quarantine(things)
    attached = set()
    for cert in run.deactivated_certificates():
        attached |= set(paginate(iot, "list_principal_things", "things", principal=f"arn:aws:iot:us-east-1:{account}:cert/{cert}"))
    expect("things attached to the deactivated certificates", sorted(attached), sorted(things))
    p = body(iot.get_policy(policyName=PERMISSIVE_POLICY))
    run.check_policy(p, body(iot.get_policy_version(policyName=PERMISSIVE_POLICY, policyVersionId=p["defaultVersionId"])))
    run.check_logging(body(iot.get_v2_logging_options()))
    wanted = len([f for f in run.mitigated(AUDIT_TASK) if f["checkName"] in DEVICE_CHECKS])
    run.check_messages(received(sqs, queue_url, wanted))

    # 4. Refused starts change nothing.
    audit_target, audit_map = run.targets()[AUDIT_TASK]
    start = iot.start_audit_mitigation_actions_task
    refused("InvalidRequestException", start, taskId="e2e-unknown-action", target=audit_target,
            auditCheckToActionsMapping={SHARED_CHECK: ["no-such-action"]}, clientRequestToken="t1")
    refused("InvalidRequestException", start, taskId="e2e-type-not-allowed", target=audit_target,
            auditCheckToActionsMapping={SHARED_CHECK: ["deactivate-ca-certificate"]}, clientRequestToken="t2")
    refused("InvalidRequestException", start, taskId="e2e-two-targets", target={"auditTaskId": audit_id, "findingIds": [shared]},
            auditCheckToActionsMapping={SHARED_CHECK: ["publish-finding"]}, clientRequestToken="t3")
    refused("InvalidRequestException", start, taskId="e2e-26-findings", target={"findingIds": [f["findingId"] for f in findings] +
                                                                                 [f"e2e-finding-{i}" for i in range(26 - len(findings))]},
            auditCheckToActionsMapping={SHARED_CHECK: ["publish-finding"]}, clientRequestToken="t4")
    refused("TaskAlreadyExistsException", start, taskId=AUDIT_TASK, target=audit_target, auditCheckToActionsMapping=audit_map,
            clientRequestToken="another-token")
    again = start(taskId=AUDIT_TASK, target=audit_target, auditCheckToActionsMapping=audit_map, clientRequestToken=f"{AUDIT_TASK}-boto3")
    expect("the same request again", body(again), {"taskId": AUDIT_TASK})

    for task_id in ["e2e-unknown-action", "e2e-type-not-allowed", "e2e-two-targets", "e2e-26-findings"]:
        refused("ResourceNotFoundException", iot.describe_audit_mitigation_actions_task, taskId=task_id)

    # 5. A finished task cannot be canceled; an unknown one is not found.
    refused("InvalidRequestException", iot.cancel_audit_mitigation_actions_task, taskId=AUDIT_TASK)
    refused("ResourceNotFoundException", iot.cancel_audit_mitigation_actions_task, taskId="e2e-no-such-task")
    after = paginate(iot, "list_audit_mitigation_actions_tasks", "tasks", **window)
    expect("tasks after the refused requests", sorted(after, key=lambda t: t["taskId"]), sorted(before, key=lambda t: t["taskId"]))
    expect(f"{AUDIT_TASK} after the refused requests", wait_task(iot, AUDIT_TASK), run.described[AUDIT_TASK])

    print(f"boto3: 6 actions, 2 tasks on {len(run.covered(AUDIT_TASK)) + len(run.covered(FINDINGS_TASK))} findings, "
          f"{len(run.deactivated_certificates())} certificates and {len(run.deactivated_cas())} CAs deactivated, "
          f"{len(things)} things quarantined, {wanted} findings published, 6 refusals")


# --- The aws CLI runs.

def load(path):
    with open(path) as f:
        return json.load(f)


def cli_run(run_dir):
    global client_name
    ctx = load(os.path.join(run_dir, "context.json"))
    client_name = f"aws CLI ({ctx['client']})"
    findings = load(os.path.join(run_dir, "findings.json"))["findings"]
    related_path = os.path.join(run_dir, "related.json")
    related = load(related_path)["relatedResources"] if os.path.exists(related_path) else []
    run = Run(ctx["account"], ctx["topicArn"], ctx["client"], ctx["auditTaskId"], findings, related)
    for name in run.defs:
        path = os.path.join(run_dir, f"action-{name}.json")
        if os.path.exists(path):
            run.created[name] = load(path)
    for path in glob.glob(os.path.join(run_dir, "described-*.json")):
        run.described[os.path.basename(path)[len("described-"):-len(".json")]] = load(path)
    return run


def print_main(what, run_dir=None, *args):
    if what == "audit-mapping":
        print(json.dumps(audit_mapping()))
        return
    if what == "findings-mapping":
        print(json.dumps(findings_mapping()))
        return
    run = cli_run(run_dir)
    if what == "actions":  # name, roleArn, actionParams: a line each
        for name, (_, role, params) in run.defs.items():
            print(f"{name}\t{role}\t{json.dumps(params)}")
    elif what == "findings-target":
        print(json.dumps(run.targets()[FINDINGS_TASK][0]))
    elif what == "finding":  # the id of the one finding of a check: CHECK [suppressed]
        print(one_finding(run.findings, args[0], args[1:] == ("suppressed",))["findingId"])
    elif what == "deactivated-certificates":
        print("\n".join(sorted(run.deactivated_certificates())))
    elif what == "deactivated-cas":
        print("\n".join(sorted(run.deactivated_cas())))
    elif what == "messages-wanted":
        print(len([f for f in run.mitigated(AUDIT_TASK) if f["checkName"] in DEVICE_CHECKS]))
    else:
        fail(f"nothing to print named {what!r}")


def expect_main(kind, run_dir, *args):
    """Checks JSON files of the aws CLI with the expectations above:

    findings                      findings.json and related.json
    created                       every action-NAME.json
    action NAME FILE              describe-mitigation-action
    actions FILE [TYPE]           list-mitigation-actions
    task TASK_ID                  described-TASK_ID.json
    executions TASK_ID FINDING_ID FILE
    tasks FILE TASK_ID...         list-audit-mitigation-actions-tasks
    certificates FILE             list-certificates
    ca-certificates FILE          list-ca-certificates
    quarantine FILE               list-things-in-thing-group
    policy POLICY_FILE VERSION_FILE
    logging FILE                  get-v2-logging-options
    messages FILE...              sqs receive-message outputs
    """
    run = cli_run(run_dir)
    if kind == "findings":
        run.check_findings()
    elif kind == "created":
        expect("actions created", sorted(run.created), sorted(run.defs))
        for name, created in run.created.items():
            run.check_created(name, created)
    elif kind == "action":
        run.check_action(args[0], load(args[1]))
    elif kind == "actions":
        run.check_actions(load(args[0])["actionIdentifiers"], *args[1:])
    elif kind == "task":
        run.check_task(args[0], run.described[args[0]])
    elif kind == "executions":
        run.check_executions(args[0], args[1], load(args[2])["actionsExecutions"])
    elif kind == "tasks":
        run.check_tasks(load(args[0])["tasks"], list(args[1:]))
    elif kind == "certificates":
        run.check_certificates(load(args[0])["certificates"])
    elif kind == "ca-certificates":
        run.check_ca_certificates(load(args[0])["certificates"])
    elif kind == "quarantine":
        run.check_quarantine(load(args[0])["things"])
    elif kind == "policy":
        run.check_policy(load(args[0]), load(args[1]))
    elif kind == "logging":
        run.check_logging(load(args[0]))
    elif kind == "messages":
        bodies = []
        for path in args:
            text = open(path).read().strip()
            bodies += [json.loads(m["Body"]) for m in (json.loads(text).get("Messages", []) if text else [])]
        run.check_messages(bodies)
    else:
        fail(f"unknown expectation {kind!r}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--expect"]:
        expect_main(*sys.argv[2:])
    elif sys.argv[1:2] == ["--print"]:
        print_main(*sys.argv[2:])
    elif sys.argv[1:2] == ["--prepare"]:
        prepare(*sys.argv[2:])
    else:
        main()
