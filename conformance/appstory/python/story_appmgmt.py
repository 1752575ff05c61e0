#!/usr/bin/env python3
"""The application-management story, told through boto3.

Usage: story_appmgmt.py [ENDPOINT]   (default: $AWS_ENDPOINT_URL)

The server must be a fresh wslocal with --clock manual and --step 1s: every
lifecycle step takes one second of clock time and nothing moves until the
story advances the clock. Every state on the way is asserted, with its
LastUpdatedTime: a step happens at its due time, one second after the last.
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
REGION = "us-east-1"
ACCOUNT = "000000000000"
SECRET = "wslocal-secret"
STEP = datetime.timedelta(seconds=1)

DIRECTORY = "d-90670b1a2c"
BUNDLE_NAME = "Standard with Windows 10 (Server 2019 based)"
# What a public bundle's name says about the WorkSpace's operating system.
OS_OF_BUNDLE = {"Windows 10 (Server 2019 based)": "WINDOWS_SERVER_2019"}
OFFICE_PRO = "Microsoft Office LTSC Professional Plus 2021"
OFFICE_STD = "Microsoft Office LTSC Standard 2021"
VS_PRO = "Microsoft Visual Studio Professional 2022"

WS_ID = re.compile(r"^ws-[0-9a-z]{8,63}$")
WSB_ID = re.compile(r"^wsb-[0-9a-z]{8,63}$")
WSI_ID = re.compile(r"^wsi-[0-9a-z]{9,63}$")
WSA_ID = re.compile(r"^wsa-[0-9a-z]{8,63}$")

client = boto3.client(
    "workspaces",
    endpoint_url=ENDPOINT,
    region_name=REGION,
    aws_access_key_id=ACCOUNT,
    aws_secret_access_key=SECRET,
    # One attempt: a retried request would hide a server error.
    config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=10),
)


def step(msg):
    print("--", msg, flush=True)


def is_aware_datetime(v):
    return isinstance(v, datetime.datetime) and v.tzinfo is not None and v.utcoffset() is not None


def client_error(call, **kwargs):
    """Runs call, which must fail with a ClientError, and returns the error."""
    try:
        out = call(**kwargs)
    except botocore.exceptions.ClientError as e:
        return e
    raise AssertionError(f"{call.__name__}({kwargs}) succeeded, want an error: {out}")


def parse_clock(now):
    # RFC 3339 with up to nanoseconds; the manual clock keeps milliseconds.
    return datetime.datetime.fromisoformat(now.replace("Z", "+00:00"))


def clock(body=None):
    """GETs /_wslocal/clock, or POSTs body to it; returns the clock's time."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        ENDPOINT + "/_wslocal/clock",
        data=data,
        method="POST" if data else "GET",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            state = json.loads(resp.read())
    except urllib.error.HTTPError as e:
        raise AssertionError(f"/_wslocal/clock {body}: {e.code} {e.read()!r}") from None
    assert state["mode"] == "manual", f"story_appmgmt.py needs a server started with --clock manual: {state}"
    return parse_clock(state["now"])


def advance():
    """Moves the clock one step; the server applies what is due before answering."""
    return clock({"advance": "1s"})


# --- associations -------------------------------------------------------------

WS_MEMBERS = {"AssociatedResourceId", "AssociatedResourceType", "Created", "LastUpdatedTime", "State", "StateReason", "WorkspaceId"}


def check_times(a, created, updated):
    assert is_aware_datetime(a["Created"]), f"Created is {type(a['Created'])} {a['Created']!r}"
    assert is_aware_datetime(a["LastUpdatedTime"]), f"LastUpdatedTime is {a['LastUpdatedTime']!r}"
    if created is not None:
        assert a["Created"] == created, (a, created)
    assert a["LastUpdatedTime"] == updated, (a, updated)


def check_ws_assoc(a, ws_id, app_id, state, created, updated):
    """One WorkSpace association: every member, no StateReason unless ERROR."""
    assert set(a) <= WS_MEMBERS, f"unexpected members {set(a) - WS_MEMBERS} in {a}"
    assert a["WorkspaceId"] == ws_id, (a, ws_id)
    assert a["AssociatedResourceId"] == app_id and a["AssociatedResourceType"] == "APPLICATION", (a, app_id)
    assert a["State"] == state, f"{app_id} on {ws_id}: State {a['State']}, want {state}: {a}"
    check_times(a, created, updated)
    if state != "ERROR":
        assert "StateReason" not in a, f"StateReason on a {state} association: {a}"
    return a


def ws_assocs(ws_id):
    out = client.describe_workspace_associations(WorkspaceId=ws_id, AssociatedResourceTypes=["APPLICATION"])
    return {a["AssociatedResourceId"]: a for a in out["Associations"]}


def expect_ws(ws_id, want):
    """Describes the WorkSpace's associations: exactly want, a dict of
    app id -> (state, created or None, updated)."""
    got = ws_assocs(ws_id)
    assert set(got) == set(want), f"applications of {ws_id}: {sorted(got)}, want {sorted(want)}"
    for app_id, (state, created, updated) in want.items():
        check_ws_assoc(got[app_id], ws_id, app_id, state, created, updated)
    return got


def deployment(ws_id, force=None):
    kwargs = {"WorkspaceId": ws_id}
    if force is not None:
        kwargs["Force"] = force
    out = client.deploy_workspace_applications(**kwargs)
    assert set(out) == {"Deployment", "ResponseMetadata"}, out
    return {a["AssociatedResourceId"]: a for a in out["Deployment"]["Associations"]}


def workspace(ws_id):
    out = client.describe_workspaces(WorkspaceIds=[ws_id])["Workspaces"]
    assert len(out) == 1 and out[0]["WorkspaceId"] == ws_id, out
    return out[0]


# --- a directory ----------------------------------------------------------------

t = clock()
step(f"RegisterWorkspaceDirectory {DIRECTORY}: REGISTERING, then REGISTERED one step later")
out = client.register_workspace_directory(DirectoryId=DIRECTORY)
assert out["DirectoryId"] == DIRECTORY and out["State"] == "REGISTERING", out
dirs = client.describe_workspace_directories(DirectoryIds=[DIRECTORY])["Directories"]
assert [d["State"] for d in dirs] == ["REGISTERING"], dirs
advance()
dirs = client.describe_workspace_directories(DirectoryIds=[DIRECTORY])["Directories"]
assert [d["State"] for d in dirs] == ["REGISTERED"], dirs

# --- a public Windows bundle ----------------------------------------------------

step("DescribeWorkspaceBundles Owner=AMAZON, page by page")
bundles, token, pages = [], None, []
while True:
    kwargs = {"Owner": "AMAZON"}
    if token:
        kwargs["NextToken"] = token
    page = client.describe_workspace_bundles(**kwargs)
    pages.append(len(page["Bundles"]))
    bundles += page["Bundles"]
    token = page.get("NextToken")
    if not token:
        break
    assert isinstance(token, str) and len(pages) < 10, (token, pages)
assert len(pages) >= 2 and pages[0] == 25, f"pages of {pages} bundles, want 25 on the first and more after"
assert len({b["BundleId"] for b in bundles}) == len(bundles), "a bundle listed twice"
assert all(b["Owner"] == "Amazon" and WSB_ID.match(b["BundleId"]) for b in bundles), bundles
public = next((b for b in bundles if b["Name"] == BUNDLE_NAME), None)
assert public is not None, sorted(b["Name"] for b in bundles)
assert public["ComputeType"] == {"Name": "STANDARD"}, public
assert public["RootStorage"] == {"Capacity": "80"} and public["UserStorage"] == {"Capacity": "50"}, public
assert public["State"] == "AVAILABLE" and is_aware_datetime(public["CreationTime"]), public
bundle_os = OS_OF_BUNDLE[BUNDLE_NAME.split(" with ", 1)[1]]

# --- a WorkSpace ----------------------------------------------------------------

step(f"CreateWorkspaces from {BUNDLE_NAME}: PENDING, then AVAILABLE one step later")
out = client.create_workspaces(Workspaces=[{"DirectoryId": DIRECTORY, "UserName": "alice", "BundleId": public["BundleId"]}])
assert out["FailedRequests"] == [], out["FailedRequests"]
assert len(out["PendingRequests"]) == 1, out
ws = out["PendingRequests"][0]
ws_id = ws["WorkspaceId"]
assert WS_ID.match(ws_id) and ws["State"] == "PENDING", ws
assert ws["BundleId"] == public["BundleId"] and ws["DirectoryId"] == DIRECTORY and ws["UserName"] == "alice", ws
# As AWS's create-workspaces example shows: no properties, address or computer name yet.
assert sorted(ws) == ["BundleId", "DirectoryId", "State", "UserName", "WorkspaceId"], ws
props = workspace(ws_id)["WorkspaceProperties"]
assert props["OperatingSystemName"] == bundle_os, props
assert props["RootVolumeSizeGib"] == 80 and props["UserVolumeSizeGib"] == 50 and props["ComputeTypeName"] == "STANDARD", props
assert workspace(ws_id)["State"] == "PENDING"
advance()
ws = workspace(ws_id)
assert ws["State"] == "AVAILABLE", ws
assert ws["WorkspaceProperties"]["OperatingSystemName"] == bundle_os, ws
assert ws_assocs(ws_id) == {}, "a WorkSpace from a public bundle has no applications"

# --- the catalogue --------------------------------------------------------------

step("DescribeApplications: Office 2021 Professional Plus and Standard, Visual Studio 2022")
apps = {a["Name"]: a for a in client.describe_applications()["Applications"]}
for name in (OFFICE_PRO, OFFICE_STD, VS_PRO):
    a = apps.get(name)
    assert a is not None, f"{name} not in {sorted(apps)}"
    assert WSA_ID.match(a["ApplicationId"]) and a["State"] == "AVAILABLE" and a["Owner"] == "AMAZON", a
    assert bundle_os in a["SupportedOperatingSystemNames"] and "STANDARD" in a["SupportedComputeTypeNames"], a
    assert is_aware_datetime(a["Created"]), a
assert "VALUE" not in apps[VS_PRO]["SupportedComputeTypeNames"], apps[VS_PRO]
office, office_std, vs = (apps[n]["ApplicationId"] for n in (OFFICE_PRO, OFFICE_STD, VS_PRO))

# --- install Office -------------------------------------------------------------

step("AssociateWorkspaceApplication Office: PENDING_INSTALL_DEPLOYMENT")
t_assoc = clock()
out = client.associate_workspace_application(WorkspaceId=ws_id, ApplicationId=office)
check_ws_assoc(out["Association"], ws_id, office, "PENDING_INSTALL_DEPLOYMENT", t_assoc, t_assoc)
expect_ws(ws_id, {office: ("PENDING_INSTALL_DEPLOYMENT", t_assoc, t_assoc)})

step("IncompatibleApplicationsException: Office Standard 2021 next to Office Professional Plus 2021")
e = client_error(client.associate_workspace_application, WorkspaceId=ws_id, ApplicationId=office_std)
assert isinstance(e, client.exceptions.IncompatibleApplicationsException), type(e)
assert e.response["Error"]["Code"] == "IncompatibleApplicationsException", e.response
assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
expect_ws(ws_id, {office: ("PENDING_INSTALL_DEPLOYMENT", t_assoc, t_assoc)})

step("an association waits for a deployment: the clock moves, nothing does")
t = advance()
expect_ws(ws_id, {office: ("PENDING_INSTALL_DEPLOYMENT", t_assoc, t_assoc)})

step("DeployWorkspaceApplications: PENDING_INSTALL -> INSTALLING -> COMPLETED, one step each")
dep = deployment(ws_id)
assert set(dep) == {office}, dep
check_ws_assoc(dep[office], ws_id, office, "PENDING_INSTALL", t_assoc, t)
expect_ws(ws_id, {office: ("PENDING_INSTALL", t_assoc, t)})
t1 = advance()
assert t1 == t + STEP, (t, t1)
expect_ws(ws_id, {office: ("INSTALLING", t_assoc, t1)})

step("ResourceInUseException while INSTALLING: deploy, associate and disassociate")
for call, kwargs in (
    (client.deploy_workspace_applications, {"WorkspaceId": ws_id}),
    (client.associate_workspace_application, {"WorkspaceId": ws_id, "ApplicationId": vs}),
    (client.disassociate_workspace_application, {"WorkspaceId": ws_id, "ApplicationId": office}),
):
    e = client_error(call, **kwargs)
    assert isinstance(e, client.exceptions.ResourceInUseException), (call.__name__, type(e), e.response)
    assert e.response["Error"]["Code"] == "ResourceInUseException", e.response
    assert e.response.get("ResourceId") == ws_id, e.response
    assert e.response["Error"]["Message"], e.response
t2 = advance()
expect_ws(ws_id, {office: ("COMPLETED", t_assoc, t2)})
assert t2 == t1 + STEP

# --- Visual Studio: too big for 80 GiB, then forced after growing the volume -------

step("Visual Studio on the 80 GiB root volume: PENDING_INSTALL, then ERROR InsufficientDiskSpace")
t_vs = clock()
out = client.associate_workspace_application(WorkspaceId=ws_id, ApplicationId=vs)
check_ws_assoc(out["Association"], ws_id, vs, "PENDING_INSTALL_DEPLOYMENT", t_vs, t_vs)
dep = deployment(ws_id)
assert set(dep) == {office, vs}, dep
check_ws_assoc(dep[vs], ws_id, vs, "PENDING_INSTALL", t_vs, t_vs)
check_ws_assoc(dep[office], ws_id, office, "COMPLETED", t_assoc, t2)
t = advance()
got = expect_ws(ws_id, {office: ("COMPLETED", t_assoc, t2), vs: ("ERROR", t_vs, t)})
reason = got[vs].get("StateReason")
assert isinstance(reason, dict) and set(reason) == {"ErrorCode", "ErrorMessage"}, got[vs]
assert reason["ErrorCode"] == "ValidationError.InsufficientDiskSpace", reason
assert isinstance(reason["ErrorMessage"], str) and reason["ErrorMessage"], reason
t_err = t

step("ERROR stays: the clock moves, and a deployment without Force leaves it")
advance()
dep = deployment(ws_id, force=False)
assert dep[vs]["State"] == "ERROR" and dep[vs]["StateReason"] == reason, dep[vs]
got = expect_ws(ws_id, {office: ("COMPLETED", t_assoc, t2), vs: ("ERROR", t_vs, t_err)})
assert got[vs]["StateReason"] == reason, got[vs]

step("ModifyWorkspaceProperties UserVolumeSizeGib=100, then RootVolumeSizeGib=175 (one volume at a time)")
client.modify_workspace_properties(WorkspaceId=ws_id, WorkspaceProperties={"UserVolumeSizeGib": 100})
client.modify_workspace_properties(WorkspaceId=ws_id, WorkspaceProperties={"RootVolumeSizeGib": 175})
ws = workspace(ws_id)
assert ws["State"] == "AVAILABLE" and ws["WorkspaceProperties"]["RootVolumeSizeGib"] == 175, ws

step("DeployWorkspaceApplications Force=True: PENDING_INSTALL -> INSTALLING -> COMPLETED")
t = clock()
dep = deployment(ws_id, force=True)
check_ws_assoc(dep[vs], ws_id, vs, "PENDING_INSTALL", t_vs, t)
expect_ws(ws_id, {office: ("COMPLETED", t_assoc, t2), vs: ("PENDING_INSTALL", t_vs, t)})
t = advance()
expect_ws(ws_id, {office: ("COMPLETED", t_assoc, t2), vs: ("INSTALLING", t_vs, t)})
t = advance()
t_vs_done = t
expect_ws(ws_id, {office: ("COMPLETED", t_assoc, t2), vs: ("COMPLETED", t_vs, t_vs_done)})

# --- an image of the WorkSpace ------------------------------------------------------

step("CreateWorkspaceImage: PENDING with its applications INSTALLING, then AVAILABLE and COMPLETED")
t_img = clock()
out = client.create_workspace_image(Name="appstory-image", Description="Office and Visual Studio", WorkspaceId=ws_id)
image_id = out["ImageId"]
assert WSI_ID.match(image_id), out
assert out["State"] == "PENDING" and out["OperatingSystem"] == {"Type": "WINDOWS"}, out
assert out["RequiredTenancy"] == "DEFAULT" and out["OwnerAccountId"] == ACCOUNT, out
assert out["Created"] == t_img, (out["Created"], t_img)

IMAGE_MEMBERS = {"AssociatedResourceId", "AssociatedResourceType", "Created", "LastUpdatedTime", "ImageId", "State", "StateReason"}


def expect_image(state, updated):
    got = client.describe_image_associations(ImageId=image_id, AssociatedResourceTypes=["APPLICATION"])["Associations"]
    assert sorted(a["AssociatedResourceId"] for a in got) == sorted([office, vs]), got
    for a in got:
        assert set(a) <= IMAGE_MEMBERS and "StateReason" not in a, a
        assert a["ImageId"] == image_id and a["AssociatedResourceType"] == "APPLICATION" and a["State"] == state, a
        check_times(a, t_img, updated)


assert [i["State"] for i in client.describe_workspace_images(ImageIds=[image_id])["Images"]] == ["PENDING"]
expect_image("INSTALLING", t_img)
t_img_done = advance()
images = client.describe_workspace_images(ImageIds=[image_id])["Images"]
assert [i["State"] for i in images] == ["AVAILABLE"], images
expect_image("COMPLETED", t_img_done)

# --- a bundle of the image ------------------------------------------------------------

step("CreateWorkspaceBundle of the image: its applications COMPLETED")
t_bundle = clock()
out = client.create_workspace_bundle(
    BundleName="appstory-bundle",
    BundleDescription="Office and Visual Studio on 175 GiB",
    ImageId=image_id,
    ComputeType={"Name": "STANDARD"},
    UserStorage={"Capacity": "50"},
    RootStorage={"Capacity": "175"},
)
b = out["WorkspaceBundle"]
bundle_id = b["BundleId"]
assert WSB_ID.match(bundle_id) and b["ImageId"] == image_id and b["Owner"] == ACCOUNT and b["State"] == "AVAILABLE", b
got = client.describe_bundle_associations(BundleId=bundle_id, AssociatedResourceTypes=["APPLICATION"])["Associations"]
assert sorted(a["AssociatedResourceId"] for a in got) == sorted([office, vs]), got
for a in got:
    assert a["BundleId"] == bundle_id and a["AssociatedResourceType"] == "APPLICATION" and a["State"] == "COMPLETED", a
    assert "StateReason" not in a, a
    check_times(a, t_bundle, t_bundle)

# --- a WorkSpace of the bundle: the applications install with it ---------------------

step("CreateWorkspaces from the bundle: PENDING_INSTALL -> INSTALLING -> COMPLETED, no deployment")
t_ws2 = clock()
out = client.create_workspaces(Workspaces=[{"DirectoryId": DIRECTORY, "UserName": "bob", "BundleId": bundle_id}])
assert out["FailedRequests"] == [], out["FailedRequests"]
ws2 = out["PendingRequests"][0]
ws2_id = ws2["WorkspaceId"]
assert WS_ID.match(ws2_id) and ws2_id != ws_id and ws2["State"] == "PENDING", ws2
props2 = workspace(ws2_id)["WorkspaceProperties"]
assert props2["OperatingSystemName"] == bundle_os and props2["RootVolumeSizeGib"] == 175, props2
expect_ws(ws2_id, {office: ("PENDING_INSTALL", t_ws2, t_ws2), vs: ("PENDING_INSTALL", t_ws2, t_ws2)})
t = advance()
assert workspace(ws2_id)["State"] == "AVAILABLE"
expect_ws(ws2_id, {office: ("INSTALLING", t_ws2, t), vs: ("INSTALLING", t_ws2, t)})
t_ws2_done = advance()
expect_ws(ws2_id, {office: ("COMPLETED", t_ws2, t_ws2_done), vs: ("COMPLETED", t_ws2, t_ws2_done)})

step("DescribeApplicationAssociations WORKSPACE BUNDLE IMAGE: Office everywhere, COMPLETED")


def app_assocs(app_id, types=("WORKSPACE", "BUNDLE", "IMAGE")):
    out = client.describe_application_associations(ApplicationId=app_id, AssociatedResourceTypes=list(types))
    assert "NextToken" not in out, out
    for a in out["Associations"]:
        assert a["ApplicationId"] == app_id, a
        assert is_aware_datetime(a["Created"]) and is_aware_datetime(a["LastUpdatedTime"]), a
    return [(a["AssociatedResourceType"], a["AssociatedResourceId"], a["State"], a["LastUpdatedTime"]) for a in out["Associations"]]


# Ordered by resource type, then id.
office_where = sorted(
    [
        ("BUNDLE", bundle_id, "COMPLETED", t_bundle),
        ("IMAGE", image_id, "COMPLETED", t_img_done),
        ("WORKSPACE", ws_id, "COMPLETED", t2),
        ("WORKSPACE", ws2_id, "COMPLETED", t_ws2_done),
    ]
)
assert app_assocs(office) == office_where, app_assocs(office)
vs_where = [w if w[1] != ws_id else ("WORKSPACE", ws_id, "COMPLETED", t_vs_done) for w in office_where]
assert app_assocs(vs) == vs_where, app_assocs(vs)
assert app_assocs(office, ["IMAGE"]) == [("IMAGE", image_id, "COMPLETED", t_img_done)]
assert app_assocs(office_std) == []

# --- uninstall Office from the first WorkSpace -----------------------------------------

step("DisassociateWorkspaceApplication Office: PENDING_UNINSTALL_DEPLOYMENT")
t = clock()
out = client.disassociate_workspace_application(WorkspaceId=ws_id, ApplicationId=office)
check_ws_assoc(out["Association"], ws_id, office, "PENDING_UNINSTALL_DEPLOYMENT", t_assoc, t)
vs_row = (vs, ("COMPLETED", t_vs, t_vs_done))
expect_ws(ws_id, dict([vs_row, (office, ("PENDING_UNINSTALL_DEPLOYMENT", t_assoc, t))]))

step("DeployWorkspaceApplications: PENDING_UNINSTALL -> UNINSTALLING -> REMOVED")
t = advance()
dep = deployment(ws_id)
check_ws_assoc(dep[office], ws_id, office, "PENDING_UNINSTALL", t_assoc, t)
check_ws_assoc(dep[vs], ws_id, vs, "COMPLETED", t_vs, t_vs_done)
expect_ws(ws_id, dict([vs_row, (office, ("PENDING_UNINSTALL", t_assoc, t))]))
t = advance()
expect_ws(ws_id, dict([vs_row, (office, ("UNINSTALLING", t_assoc, t))]))
t_removed = advance()
expect_ws(ws_id, dict([vs_row, (office, ("REMOVED", t_assoc, t_removed))]))
want = [w if w[1] != ws_id else ("WORKSPACE", ws_id, "REMOVED", t_removed) for w in office_where]
assert app_assocs(office) == want, app_assocs(office)

print("OK")
