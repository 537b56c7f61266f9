#!/usr/bin/env python3
"""boto3 against a running iotdefender: create and describe a thing, page
through a listing with boto3's paginator, and a typed error.

usage: boto3_registry.py ENDPOINT_URL ACCOUNT_ID
Credentials and region come from the environment (AWS_SHARED_CREDENTIALS_FILE,
AWS_DEFAULT_REGION), as for the aws CLI.
"""

import sys

import boto3
from botocore.config import Config


def fail(message):
    sys.exit(f"boto3: {message}")


def expect(what, got, want):
    if got != want:
        fail(f"{what}: expected {want!r}, got {got!r}")


def main():
    endpoint, account = sys.argv[1], sys.argv[2]
    iot = boto3.client(
        "iot",
        endpoint_url=endpoint,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )

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
        expect("error code", e.response["Error"]["Code"], "ResourceNotFoundException")
        expect("HTTP status", e.response["ResponseMetadata"]["HTTPStatusCode"], 404)


if __name__ == "__main__":
    main()
