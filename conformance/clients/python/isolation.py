#!/usr/bin/env python3
"""Accounts and regions are separate worlds, seen through boto3.

Usage: isolation.py [ENDPOINT]   (default: $AWS_ENDPOINT_URL)

A 12-digit access key is the account; the region is the credential scope's.
Each of four (account, region) partitions imports an image with the same
name; none sees or touches another's. Needs a fresh server; prints OK last.
"""

import os
import sys

import boto3
import botocore.exceptions
from botocore.config import Config

ENDPOINT = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AWS_ENDPOINT_URL", "")).rstrip("/")
assert ENDPOINT, "give the endpoint as argv[1] or AWS_ENDPOINT_URL"

PARTITIONS = [(a, r) for a in ("111111111111", "222222222222") for r in ("us-east-1", "eu-west-1")]


def client(access_key, region):
    return boto3.client(
        "workspaces",
        endpoint_url=ENDPOINT,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key="wslocal-secret",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=10),
    )


def error_code(call, **kwargs):
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response
    raise AssertionError(f"{call.__name__}({kwargs}) succeeded, want an error")


clients = {p: client(*p) for p in PARTITIONS}
office_id = next(
    a["ApplicationId"]
    for a in clients[PARTITIONS[0]].describe_applications()["Applications"]
    if a["Name"] == "Microsoft Office 2019"
)

print("-- the same image name imports in every partition")
images = {}
for p, c in clients.items():
    out = c.import_workspace_image(
        Ec2ImageId="ami-0123456789abcdef0",
        IngestionProcess="BYOL_REGULAR",
        ImageName="same-name",
        ImageDescription=f"image of {p[0]} in {p[1]}",
        Applications=["Microsoft_Office_2019"],
        Tags=[{"Key": "owner", "Value": f"{p[0]}/{p[1]}"}],
    )
    images[p] = out["ImageId"]
assert len(set(images.values())) == len(PARTITIONS), images

print("-- each partition sees exactly its own image")
for p, c in clients.items():
    listed = c.describe_workspace_images()["Images"]
    assert [i["ImageId"] for i in listed] == [images[p]], (p, listed)
    assert listed[0]["OwnerAccountId"] == p[0], (p, listed[0])
    assert listed[0]["Description"] == f"image of {p[0]} in {p[1]}", (p, listed[0])
    tags = c.describe_tags(ResourceId=images[p])["TagList"]
    assert tags == [{"Key": "owner", "Value": f"{p[0]}/{p[1]}"}], (p, tags)
    assoc = c.describe_application_associations(ApplicationId=office_id, AssociatedResourceTypes=["IMAGE"])
    assert [a["AssociatedResourceId"] for a in assoc["Associations"]] == [images[p]], (p, assoc["Associations"])

print("-- and nothing of the others")
for p, c in clients.items():
    for other, other_image in images.items():
        if other == p:
            continue
        got = c.describe_workspace_images(ImageIds=[other_image])["Images"]
        assert got == [], (p, other, got)
        code, resp = error_code(c.describe_image_associations, ImageId=other_image, AssociatedResourceTypes=["APPLICATION"])
        assert code == "ResourceNotFoundException" and resp.get("ResourceId") == other_image, (p, other, resp)
        code, resp = error_code(c.describe_tags, ResourceId=other_image)
        assert code == "ResourceNotFoundException", (p, other, resp)
        code, resp = error_code(c.create_tags, ResourceId=other_image, Tags=[{"Key": "intruder", "Value": "yes"}])
        assert code == "ResourceNotFoundException", (p, other, resp)
        try:
            c.delete_workspace_image(ImageId=other_image)
        except botocore.exceptions.ClientError:
            pass  # refusing is fine too; what matters is that the image survives

print("-- after all that, every image is intact")
for p, c in clients.items():
    listed = c.describe_workspace_images()["Images"]
    assert [i["ImageId"] for i in listed] == [images[p]], (p, listed)
    tags = c.describe_tags(ResourceId=images[p])["TagList"]
    assert tags == [{"Key": "owner", "Value": f"{p[0]}/{p[1]}"}], (p, tags)

print("-- a key that is not 12 digits is account 000000000000, which sees none of them")
c = client("AKIAIOSFODNN7EXAMPLE", "us-east-1")
assert c.describe_workspace_images()["Images"] == [], "the default account sees another account's images"
out = c.import_workspace_image(
    Ec2ImageId="ami-0123456789abcdef0",
    IngestionProcess="BYOL_REGULAR",
    ImageName="same-name",
    ImageDescription="default account",
)
listed = c.describe_workspace_images()["Images"]
assert [(i["ImageId"], i["OwnerAccountId"]) for i in listed] == [(out["ImageId"], "000000000000")], listed

print("OK")
