#!/usr/bin/env python3
"""Strict authentication, seen through boto3.

Usage: strict.py [ENDPOINT]   (default: $AWS_ENDPOINT_URL)

The server must run with --auth strict and the credentials file that
strict_test.go writes (CREDENTIALS there): an admin key and a reader key
allowed workspaces:Describe* but denied workspaces:DescribeImageAssociations,
both of account 111122223333. Prints OK last.
"""

import datetime
import os
import re
import sys

import boto3
import botocore
import botocore.auth
import botocore.exceptions
from botocore.config import Config

ENDPOINT = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AWS_ENDPOINT_URL", "")).rstrip("/")
assert ENDPOINT, "give the endpoint as argv[1] or AWS_ENDPOINT_URL"
ACCOUNT = "111122223333"
ADMIN = ("AKIAWSLOCALADMIN", "admin-secret")
READER = ("AKIAWSLOCALREADER", "reader-secret")
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)


def client(key, secret, region="eu-west-1", **config):
    return boto3.client(
        "workspaces",
        endpoint_url=ENDPOINT,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=10, **config),
    )


def refused(call, status, code, message=None, pattern=None, **kwargs):
    """Runs call, which must fail with status and code (and message, or a
    message matching pattern)."""
    try:
        out = call(**kwargs)
    except botocore.exceptions.ClientError as e:
        err, meta = e.response["Error"], e.response["ResponseMetadata"]
        assert meta["HTTPStatusCode"] == status, (status, e.response)
        assert err["Code"] == code, (code, e.response)
        if message is not None:
            assert err["Message"] == message, (message, err["Message"])
        if pattern is not None:
            assert re.fullmatch(pattern, err["Message"]), (pattern, err["Message"])
        assert meta["HTTPHeaders"].get("x-amzn-errortype") == code, meta["HTTPHeaders"]
        print(f"   {call.__name__}: {status} {code}: {err['Message']}", flush=True)
        return
    raise AssertionError(f"{call.__name__}({kwargs}) succeeded, want {code}: {out}")


print("-- a good signature passes; the account is the credentials file's", flush=True)
admin = client(*ADMIN)
assert len(admin.describe_applications()["Applications"]) == 10
image_id = admin.import_workspace_image(
    Ec2ImageId="ami-0123456789abcdef0", IngestionProcess="BYOL_REGULAR", ImageName="strict-boto3",
    ImageDescription="signed by boto3", Applications=["Microsoft_Office_2019"],
)["ImageId"]
images = admin.describe_workspace_images(ImageIds=[image_id])["Images"]
assert len(images) == 1 and images[0]["OwnerAccountId"] == ACCOUNT, images
# The region is the credential scope's: another region has no such image.
assert client(*ADMIN, region="us-east-1").describe_workspace_images(ImageIds=[image_id])["Images"] == []

print("-- a wrong secret: InvalidSignatureException", flush=True)
refused(client(ADMIN[0], "not-the-secret").describe_applications, 403, "InvalidSignatureException", MISMATCH)

print("-- an unknown access key: UnrecognizedClientException", flush=True)
refused(client("AKIANOBODYKNOWS", "x").describe_applications, 403, "UnrecognizedClientException",
        "The security token included in the request is invalid.")

print("-- signed 20 minutes ago: Signature expired", flush=True)
real_now = botocore.auth.get_current_datetime
botocore.auth.get_current_datetime = lambda: real_now() - datetime.timedelta(minutes=20)
try:
    refused(admin.describe_applications, 403, "InvalidSignatureException",
            pattern=r"Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)")
finally:
    botocore.auth.get_current_datetime = real_now

print("-- unsigned: MissingAuthenticationTokenException", flush=True)
unsigned = client("x", "x", signature_version=botocore.UNSIGNED)
refused(unsigned.describe_applications, 403, "MissingAuthenticationTokenException", "Missing Authentication Token")

print("-- denied actions: AccessDeniedException", flush=True)
reader = client(*READER)
assert reader.describe_workspace_images(ImageIds=[image_id])["Images"][0]["ImageId"] == image_id
refused(reader.import_workspace_image, 400, "AccessDeniedException",
        f"User: arn:aws:iam::{ACCOUNT}:user/{READER[0]} is not authorized to perform: workspaces:ImportWorkspaceImage",
        Ec2ImageId="ami-0123456789abcdef0", IngestionProcess="BYOL_REGULAR", ImageName="nope", ImageDescription="nope")
try:
    reader.describe_image_associations(ImageId=image_id, AssociatedResourceTypes=["APPLICATION"])
    raise AssertionError("DescribeImageAssociations is denied to the reader")
except reader.exceptions.AccessDeniedException as e:
    # The model lists AccessDeniedException for this operation: botocore
    # raises its modelled exception class.
    assert e.response["Error"]["Message"].endswith("workspaces:DescribeImageAssociations"), e.response

print("OK")
