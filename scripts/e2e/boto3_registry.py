#!/usr/bin/env python3
"""boto3 against a running iotdefender: create and describe a thing, page
through a listing with boto3's paginator, a typed error, and the HTTP
statuses of a few errors.

usage: boto3_registry.py ENDPOINT_URL ACCOUNT_ID
Credentials and region come from the environment (AWS_SHARED_CREDENTIALS_FILE,
AWS_DEFAULT_REGION), as for the aws CLI.
"""

import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def fail(message):
    sys.exit(f"boto3: {message}")


def expect(what, got, want):
    if got != want:
        fail(f"{what}: expected {want!r}, got {got!r}")


def main():
    endpoint, account = sys.argv[1], sys.argv[2]
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    iot = boto3.client("iot", endpoint_url=endpoint, config=config)

    names = [f"e2e-boto3-{i}" for i in range(5)]
    for name in names:
        created = iot.create_thing(
            thingName=name, attributePayload={"attributes": {"batch": "boto3"}}
        )
        expect("create_thing thingArn", created["thingArn"],
               f"arn:aws:iot:us-east-1:{account}:thing/{name}")

    described = iot.describe_thing(thingName=names[0])
    expect("describe_thing thingName", described["thingName"], names[0])
    expect("describe_thing attributes", described["attributes"], {"batch": "boto3"})

    # Five things, two a page: three pages, chained by nextToken.
    pages = iot.get_paginator("list_things").paginate(
        attributeName="batch", attributeValue="boto3", PaginationConfig={"PageSize": 2}
    )
    sizes, listed = [], []
    for page in pages:
        sizes.append(len(page["things"]))
        listed += [t["thingName"] for t in page["things"]]
    expect("list_things page sizes", sizes, [2, 2, 1])
    expect("list_things names", sorted(listed), names)

    try:
        iot.describe_thing(thingName="e2e-boto3-missing")
        fail("describe_thing of a missing thing succeeded")
    except iot.exceptions.ResourceNotFoundException as e:
        expect_error(e, "ResourceNotFoundException", 404)

    # The HTTP statuses of an unimplemented operation and of a bad signature.
    try:
        iot.list_topic_rules()
        fail("list_topic_rules succeeded")
    except ClientError as e:
        expect_error(e, "NotImplementedException", 501)
        if "ListTopicRules" not in e.response["Error"]["Message"]:
            fail(f"the NotImplementedException message does not name ListTopicRules: {e}")
    key = boto3.Session().get_credentials().access_key
    forged = boto3.client("iot", endpoint_url=endpoint, config=config,
                          aws_access_key_id=key, aws_secret_access_key="not-the-secret")
    try:
        forged.list_things()
        fail("list_things with a wrong secret succeeded")
    except ClientError as e:
        expect_error(e, "InvalidSignatureException", 403)


def expect_error(e, code, status):
    expect("error code", e.response["Error"]["Code"], code)
    expect(f"HTTP status of {code}", e.response["ResponseMetadata"]["HTTPStatusCode"], status)


if __name__ == "__main__":
    main()
