"""A mixed stack through boto3: Directory Service and EC2 in moto's server,
WorkSpaces in wslocal, chosen per service by the environment alone.

    AWS_ENDPOINT_URL=http://127.0.0.1:5000               # moto: every service ...
    AWS_ENDPOINT_URL_WORKSPACES=http://127.0.0.1:4599    # ... but WorkSpaces
    python3 mixedstack.py http://127.0.0.1:4599          # wslocal's URL, for its clock

wslocal must run with --clock manual. A VPC with two subnets and a Simple AD
directory are created in moto; the directory is registered in wslocal by
its id (wslocal does not call Directory Service), and a WorkSpace is
launched in it from a public bundle, the clock advanced until it is
AVAILABLE. Then the same is read through a shared config file's
`services` section instead of the environment. Prints DIRECTORY <id>,
WORKSPACE <id> and, last, OK.
"""

import json
import os
import sys
import tempfile
import urllib.request

import boto3

WSLOCAL = sys.argv[1].rstrip("/")
MOTO = os.environ["AWS_ENDPOINT_URL"].rstrip("/")
assert os.environ["AWS_ENDPOINT_URL_WORKSPACES"].rstrip("/") == WSLOCAL, "AWS_ENDPOINT_URL_WORKSPACES must be wslocal"


def advance(duration):
    req = urllib.request.Request(WSLOCAL + "/_wslocal/clock", method="POST",
                                 data=json.dumps({"advance": duration}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        assert resp.status == 200, resp.status


def wait(what, read, want, steps=10):
    """Advance the clock one second at a time until read() == want."""
    got = read()
    for _ in range(steps):
        if got == want:
            return
        advance("1s")
        got = read()
    raise AssertionError(f"{what}: {got} after {steps} steps, want {want}")


# Per-service endpoints from the environment alone: no endpoint_url in code.
ec2, ds, ws = boto3.client("ec2"), boto3.client("ds"), boto3.client("workspaces")
for client, want in ((ec2, MOTO), (ds, MOTO), (ws, WSLOCAL)):
    got = client.meta.endpoint_url.rstrip("/")
    assert got == want, f"{client.meta.service_model.service_name} goes to {got}, want {want}"

# Directory Service (and the VPC it needs) in moto.
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
           for i, az in enumerate(zones)]
directory = ds.create_directory(Name="corp.example.com", Password="Passw0rd!", Size="Small",
                                VpcSettings={"VpcId": vpc, "SubnetIds": subnets})["DirectoryId"]
assert directory.startswith("d-") and len(directory) == 12, directory
described = ds.describe_directories(DirectoryIds=[directory])["DirectoryDescriptions"]
assert [d["Stage"] for d in described] == ["Active"], described

# WorkSpaces in wslocal, on moto's directory id and subnets.
reg = ws.register_workspace_directory(DirectoryId=directory, SubnetIds=subnets)
assert reg["DirectoryId"] == directory and reg["State"] == "REGISTERING", reg


def directory_state():
    dirs = ws.describe_workspace_directories(DirectoryIds=[directory])["Directories"]
    return dirs[0]["State"] if dirs else None


wait("directory", directory_state, "REGISTERED")
got = ws.describe_workspace_directories(DirectoryIds=[directory])["Directories"][0]
assert got["SubnetIds"] == subnets, got["SubnetIds"]

bundle = next(b for b in ws.describe_workspace_bundles(Owner="AMAZON")["Bundles"]
              if b["ComputeType"]["Name"] == "STANDARD")["BundleId"]
created = ws.create_workspaces(Workspaces=[{"DirectoryId": directory, "UserName": "alice", "BundleId": bundle}])
assert created["FailedRequests"] == [], created["FailedRequests"]
workspace = created["PendingRequests"][0]["WorkspaceId"]
assert created["PendingRequests"][0]["State"] == "PENDING", created["PendingRequests"]


def workspace_state():
    return ws.describe_workspaces(WorkspaceIds=[workspace])["Workspaces"][0]["State"]


wait("workspace", workspace_state, "AVAILABLE")
got = ws.describe_workspaces(WorkspaceIds=[workspace])["Workspaces"][0]
assert (got["DirectoryId"], got["UserName"], got["BundleId"]) == (directory, "alice", bundle), got
assert got["SubnetId"] in subnets, (got["SubnetId"], subnets)

# moto knows nothing of WorkSpaces: the directory is still its own.
assert ds.describe_directories(DirectoryIds=[directory])["DirectoryDescriptions"][0]["DirectoryId"] == directory

# The same split from a shared config file: a profile's endpoint_url for
# every service, a services section for WorkSpaces.
with tempfile.TemporaryDirectory() as tmp:
    config = os.path.join(tmp, "config")
    with open(config, "w") as f:
        f.write(f"""[profile mixed]
region = us-east-1
endpoint_url = {MOTO}
services = local-workspaces

[services local-workspaces]
workspaces =
  endpoint_url = {WSLOCAL}
""")
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_WORKSPACES"):
        del os.environ[name]
    os.environ["AWS_CONFIG_FILE"] = config
    os.environ["AWS_PROFILE"] = "mixed"  # the environment's keys still sign
    session = boto3.Session()
    ws2, ds2 = session.client("workspaces"), session.client("ds")
    assert ws2.meta.endpoint_url.rstrip("/") == WSLOCAL, ws2.meta.endpoint_url
    assert ds2.meta.endpoint_url.rstrip("/") == MOTO, ds2.meta.endpoint_url
    assert [w["WorkspaceId"] for w in ws2.describe_workspaces(DirectoryId=directory)["Workspaces"]] == [workspace]
    assert directory in [d["DirectoryId"] for d in ds2.describe_directories()["DirectoryDescriptions"]]

print("DIRECTORY", directory)
print("WORKSPACE", workspace)
print("OK")
