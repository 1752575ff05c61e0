#!/usr/bin/env python3
"""ImportCustomWorkspaceImage and DescribeCustomWorkspaceImageImport through boto3.

Usage: custom_import.py [ENDPOINT]   (default: $AWS_ENDPOINT_URL)

The server must be a fresh wslocal with --clock manual and --step 1s.
Every check is an assert; the last line printed on success is OK.
"""

import datetime
import json
import os
import re
import sys
import urllib.error
import urllib.request

import boto3
import botocore.exceptions
from botocore.config import Config

ENDPOINT = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AWS_ENDPOINT_URL", "")).rstrip("/")
assert ENDPOINT, "give the endpoint as argv[1] or AWS_ENDPOINT_URL"
REGION = "us-east-1"
ACCOUNT = "123456789012"
INFRA = f"arn:aws:imagebuilder:{REGION}:{ACCOUNT}:infrastructure-configuration/byol"
STAGES = [
    ("PENDING", 0), ("IN_PROGRESS", 8), ("PROCESSING_SOURCE_IMAGE", 16), ("IMAGE_TESTING_START", 25),
    ("UPDATING_OPERATING_SYSTEM", 33), ("IMAGE_COMPATIBILITY_CHECKING", 41), ("IMAGE_TESTING_GENERALIZATION", 50),
    ("CREATING_TEST_INSTANCE", 58), ("INSTALLING_COMPONENTS", 66), ("GENERALIZING", 75), ("VALIDATING", 83),
    ("PUBLISHING", 91), ("COMPLETED", 100),
]

client = boto3.client(
    "workspaces", endpoint_url=ENDPOINT, region_name=REGION,
    aws_access_key_id=ACCOUNT, aws_secret_access_key="x",
    config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=10),
)


def step(msg):
    print("--", msg, flush=True)


def control(method, path, body=None):
    req = urllib.request.Request(ENDPOINT + path, method=method, headers={"Content-Type": "application/json"},
                                 data=None if body is None else json.dumps(body).encode())
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def advance(duration):
    status, state = control("POST", "/_wslocal/clock", {"advance": duration})
    assert status == 200 and state["mode"] == "manual", (status, state)


def start(name, source, os_version="Windows_10", protocol="DCV"):
    return client.import_custom_workspace_image(
        ImageName=name, ImageDescription="BYOL through Image Builder", ComputeType="BASE", Protocol=protocol,
        ImageSource=source, InfrastructureConfigurationArn=INFRA, Platform="WINDOWS", OsVersion=os_version,
        Tags=[{"Key": "owner", "Value": "boto3"}],
    )


step("import-custom-workspace-image from an EC2 import task: PENDING at once")
out = start("boto3-custom", {"Ec2ImportTaskId": "import-ami-0123456789abcdef0"})
image_id = out["ImageId"]
assert re.fullmatch(r"wsi-[0-9a-z]{9,63}", image_id), out
assert out["State"] == "PENDING", out
first = client.describe_custom_workspace_image_import(ImageId=image_id)
created = first["Created"]
assert isinstance(created, datetime.datetime) and created.tzinfo is not None, created

step("every stage on the clock, ProgressPercentage an int rising to 100")
instance = None
for i, (state, progress) in enumerate(STAGES):
    if i:
        advance("1s")
    d = client.describe_custom_workspace_image_import(ImageId=image_id)
    assert d["State"] == state and d["ProgressPercentage"] == progress, (i, d)
    assert type(d["ProgressPercentage"]) is int, d
    assert d["ImageSource"] == {"Ec2ImportTaskId": "import-ami-0123456789abcdef0"}, d
    assert d["InfrastructureConfigurationArn"] == INFRA, d
    assert d["Created"] == created, d
    assert d["LastUpdatedTime"] == created + datetime.timedelta(seconds=i), d
    assert "ErrorDetails" not in d, d
    if i:
        assert re.fullmatch(r"i-[0-9a-f]{17}", d["ImageBuilderInstanceId"]), d
        instance = instance or d["ImageBuilderInstanceId"]
        assert d["ImageBuilderInstanceId"] == instance, d
    image = client.describe_workspace_images(ImageIds=[image_id])["Images"][0]
    assert image["State"] == ("AVAILABLE" if state == "COMPLETED" else "PENDING"), (state, image)
assert image["RequiredTenancy"] == "DEDICATED" and image["OperatingSystem"]["Type"] == "WINDOWS", image
tags = client.describe_tags(ResourceId=image_id)["TagList"]
assert tags == [{"Key": "owner", "Value": "boto3"}], tags

step("an importError fault rule: ERROR in VALIDATING with its ErrorDetails")
status, rule = control("POST", "/_wslocal/faults", {
    "operation": "ImportCustomWorkspaceImage", "count": 1,
    "importError": {"code": "ImageValidationFailed", "message": "The image has no WorkSpaces agent.", "stage": "VALIDATING"}})
assert status == 201, (status, rule)
bad = start("boto3-bad", {"Ec2ImageId": "ami-0123456789abcdef0"}, os_version="Windows_11")["ImageId"]
advance("1m")
d = client.describe_custom_workspace_image_import(ImageId=bad)
assert d["State"] == "ERROR" and d["ProgressPercentage"] == 83, d
assert d["ErrorDetails"] == [{"ErrorCode": "ImageValidationFailed", "ErrorMessage": "The image has no WorkSpaces agent."}], d
assert d["StateMessage"] == "The image import failed in VALIDATING.", d
image = client.describe_workspace_images(ImageIds=[bad])["Images"][0]
assert image["State"] == "ERROR" and image["ErrorCode"] == "ImageValidationFailed", image
assert image["ErrorMessage"] == "The image has no WorkSpaces agent.", image
status, faults = control("GET", "/_wslocal/faults")
assert status == 200 and faults["faults"] == [], faults

step("refusals botocore parses")
for kwargs, code, message in [
    (dict(name="boto3-w11", source={"Ec2ImageId": "ami-0123456789abcdef0"}, os_version="Windows_11", protocol="PCOIP"),
     "InvalidParameterValuesException", "Windows 11 does not support the PCOIP protocol; use DCV or BYOP."),
    (dict(name="boto3-custom", source={"Ec2ImageId": "ami-0123456789abcdef0"}),
     "ResourceAlreadyExistsException", "An image named boto3-custom already exists."),
]:
    try:
        start(**kwargs)
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response
        assert e.response["Error"]["Message"] == message, e.response
    else:
        raise AssertionError(f"{kwargs} succeeded, want {code}")
try:
    client.describe_custom_workspace_image_import(ImageId="wsi-000000000")
except client.exceptions.ResourceNotFoundException as e:
    assert e.response["Error"]["Message"] == "The image wsi-000000000 could not be found.", e.response
else:
    raise AssertionError("describe of an unknown image succeeded")

print("OK")
