#!/usr/bin/env python3
"""A WorkSpaces Pool's life, told through boto3.

Usage: pools.py [ENDPOINT]   (default: $AWS_ENDPOINT_URL)

The server must be a fresh wslocal with --clock manual and --step 1s.
Every check is an assert, so a failure exits non-zero with a traceback; the
last line printed on success is OK.
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

client = boto3.client(
    "workspaces",
    endpoint_url=ENDPOINT,
    region_name="us-east-1",
    aws_access_key_id="000000000000",
    aws_secret_access_key="wslocal-secret",
    config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=10),
)


def step(msg):
    print("--", msg, flush=True)


def control(path, body):
    req = urllib.request.Request(ENDPOINT + "/_wslocal/" + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def advance(duration):
    status, state = control("clock", {"advance": duration})
    assert status == 200 and state["mode"] == "manual", (status, state)


def client_error(call, code, **kwargs):
    try:
        out = call(**kwargs)
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response
        return e.response["Error"]["Message"]
    raise AssertionError(f"{call.__name__}({kwargs}) succeeded, want {code}: {out}")


def pool(pool_id):
    out = client.describe_workspaces_pools(PoolIds=[pool_id])["WorkspacesPools"]
    return out[0] if out else None


step("RegisterWorkspaceDirectory with WorkspaceType POOLS")
d = client.register_workspace_directory(WorkspaceDirectoryName="pools.example.com", WorkspaceDirectoryDescription="pools",
                                        UserIdentityType="CUSTOMER_MANAGED", WorkspaceType="POOLS",
                                        SubnetIds=["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"])
directory = d["DirectoryId"]
advance("1s")
dirs = client.describe_workspace_directories(Filters=[{"Name": "WORKSPACE_TYPE", "Values": ["POOLS"]}])["Directories"]
assert [x["DirectoryId"] for x in dirs] == [directory], dirs

step("CreateWorkspacesPool from a public bundle")
bundle = next(b["BundleId"] for page in client.get_paginator("describe_workspace_bundles").paginate(Owner="AMAZON")
              for b in page["Bundles"]
              if b["Name"] == "Standard with Windows 10 (Server 2022 based) (WSP)")
p = client.create_workspaces_pool(PoolName="call-centre", Description="Call centre", BundleId=bundle, DirectoryId=directory,
                                  Capacity={"DesiredUserSessions": 2}, RunningMode="AUTO_STOP",
                                  ApplicationSettings={"Status": "ENABLED", "SettingsGroup": "desk"},
                                  Tags=[{"Key": "team", "Value": "support"}])["WorkspacesPool"]
pool_id = p["PoolId"]
assert re.fullmatch(r"wspool-[0-9a-z]{9}", pool_id), pool_id
assert p["State"] == "CREATING" and p["RunningMode"] == "AUTO_STOP", p
assert isinstance(p["CreatedAt"], datetime.datetime) and p["CreatedAt"].tzinfo is not None, p["CreatedAt"]
assert p["PoolArn"] == f"arn:aws:workspaces:us-east-1:000000000000:workspacespool/{pool_id}", p["PoolArn"]
assert re.fullmatch(r"wspool-app-settings-us-east-1-000000000000-[0-9a-z]+", p["ApplicationSettings"]["S3BucketName"]), p
assert p["CapacityStatus"] == {"AvailableUserSessions": 0, "DesiredUserSessions": 2, "ActualUserSessions": 0,
                               "ActiveUserSessions": 0}, p["CapacityStatus"]
msg = client_error(client.create_workspaces_pool, "ResourceAlreadyExistsException", PoolName="call-centre", Description="again",
                   BundleId=bundle, DirectoryId=directory, Capacity={"DesiredUserSessions": 1})
assert msg == f"A WorkSpaces Pool named call-centre already exists: {pool_id}.", msg
assert client.describe_tags(ResourceId=pool_id)["TagList"] == [{"Key": "team", "Value": "support"}]

step("CREATING -> RUNNING on the clock; a session through the control API")
advance("1s")
assert pool(pool_id)["State"] == "RUNNING"
status, session = control(f"pools/{pool_id}/sessions", {"userId": "alice"})
assert status == 201, (status, session)
cs = pool(pool_id)["CapacityStatus"]
assert (cs["ActualUserSessions"], cs["ActiveUserSessions"], cs["AvailableUserSessions"]) == (2, 1, 1), cs
sessions = client.describe_workspaces_pool_sessions(PoolId=pool_id, UserId="alice")["Sessions"]
assert [s["SessionId"] for s in sessions] == [session["SessionId"]], sessions
assert sessions[0]["ConnectionState"] == "CONNECTED" and isinstance(sessions[0]["StartTime"], datetime.datetime), sessions
client.terminate_workspaces_pool_session(SessionId=session["SessionId"])
assert client.describe_workspaces_pool_sessions(PoolId=pool_id)["Sessions"] == []

step("UpdateWorkspacesPool: UPDATING, then RUNNING with the new capacity")
u = client.update_workspaces_pool(PoolId=pool_id, Capacity={"DesiredUserSessions": 4})["WorkspacesPool"]
assert u["State"] == "UPDATING", u
msg = client_error(client.stop_workspaces_pool, "InvalidResourceStateException", PoolId=pool_id)
assert msg == f"The WorkSpaces Pool {pool_id} is UPDATING and cannot stop.", msg
advance("1s")
p = pool(pool_id)
assert p["State"] == "RUNNING" and p["CapacityStatus"]["ActualUserSessions"] == 4, p

step("StopWorkspacesPool and StartWorkspacesPool")
client.stop_workspaces_pool(PoolId=pool_id)
assert pool(pool_id)["State"] == "STOPPING"
advance("1s")
assert pool(pool_id)["State"] == "STOPPED"
client.start_workspaces_pool(PoolId=pool_id)
assert pool(pool_id)["State"] == "STARTING"
advance("1s")
assert pool(pool_id)["State"] == "RUNNING"

step("TerminateWorkspacesPool from RUNNING: STOPPING, DELETING, gone")
client.terminate_workspaces_pool(PoolId=pool_id)
seen = []
while (p := pool(pool_id)) is not None:
    seen.append(p["State"])
    assert len(seen) < 5, seen
    advance("1s")
assert seen == ["STOPPING", "DELETING"], seen
msg = client_error(client.terminate_workspaces_pool, "ResourceNotFoundException", PoolId=pool_id)
assert msg == f"The WorkSpaces Pool {pool_id} could not be found.", msg
client.deregister_workspace_directory(DirectoryId=directory)

print("OK")
