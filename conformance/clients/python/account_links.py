#!/usr/bin/env python3
"""The account link invitation flow, seen through boto3.

Usage: account_links.py [ENDPOINT]   (default: $AWS_ENDPOINT_URL)

A source account invites a target account; both see the link, a third
account does not; the source cannot accept it, the target does; an accepted
link cannot be deleted. Errors arrive as botocore's modelled exceptions.
Needs a fresh server; prints OK last.
"""

import os
import re
import sys

import boto3
from botocore.config import Config

ENDPOINT = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AWS_ENDPOINT_URL", "")).rstrip("/")
assert ENDPOINT, "give the endpoint as argv[1] or AWS_ENDPOINT_URL"

SOURCE, TARGET, OTHER = "111111111111", "222222222222", "333333333333"


def client(account):
    return boto3.client(
        "workspaces",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=account,
        aws_secret_access_key="wslocal-secret",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=10),
    )


def raises(exc, call, **kwargs):
    try:
        call(**kwargs)
    except exc as e:
        return e.response["Error"]["Message"]
    raise AssertionError(f"{call.__name__}({kwargs}) did not raise {exc.__name__}")


def listed(c, **kwargs):
    pages = c.get_paginator("list_account_links").paginate(**kwargs)
    return [(l["AccountLinkId"], l["AccountLinkStatus"]) for page in pages for l in page["AccountLinks"]]


src, dst, other = client(SOURCE), client(TARGET), client(OTHER)

print("-- the source invites the target")
link = src.create_account_link_invitation(TargetAccountId=TARGET, ClientToken="boto3-invite")["AccountLink"]
link_id = link["AccountLinkId"]
assert re.fullmatch(r"link-.{8,24}", link_id), link
assert link == {
    "AccountLinkId": link_id,
    "AccountLinkStatus": "PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT",
    "SourceAccountId": SOURCE,
    "TargetAccountId": TARGET,
}, link
again = src.create_account_link_invitation(TargetAccountId=TARGET, ClientToken="boto3-invite")["AccountLink"]
assert again["AccountLinkId"] == link_id, again

print("-- both accounts see it, a third does not")
for c in (src, dst):
    assert listed(c) == [(link_id, "PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT")], listed(c)
assert dst.get_account_link(LinkedAccountId=SOURCE)["AccountLink"]["AccountLinkId"] == link_id
assert listed(other) == [], listed(other)
msg = raises(other.exceptions.ResourceNotFoundException, other.get_account_link, LinkId=link_id)
assert msg == f"The account link {link_id} could not be found.", msg

print("-- only the target accepts")
msg = raises(src.exceptions.AccessDeniedException, src.accept_account_link_invitation, LinkId=link_id)
assert msg == f"Only the target account {TARGET} can accept the account link {link_id}.", msg
raises(src.exceptions.ValidationException, src.create_account_link_invitation, TargetAccountId=SOURCE)
accepted = dst.accept_account_link_invitation(LinkId=link_id)["AccountLink"]
assert accepted["AccountLinkStatus"] == "LINKED", accepted
assert listed(src, LinkStatusFilter=["LINKED"]) == [(link_id, "LINKED")]
assert listed(src, LinkStatusFilter=["PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT"]) == []

print("-- there is no unlinking")
msg = raises(src.exceptions.ConflictException, src.delete_account_link_invitation, LinkId=link_id)
assert msg == f"The account link {link_id} is LINKED: an accepted link cannot be deleted.", msg

print("OK")
