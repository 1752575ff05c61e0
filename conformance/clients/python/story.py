#!/usr/bin/env python3
"""The Office-on-an-imported-image story, told through boto3.

Usage: story.py [ENDPOINT]   (default: $AWS_ENDPOINT_URL)

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
import botocore
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.exceptions
from botocore.config import Config

ENDPOINT = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AWS_ENDPOINT_URL", "")).rstrip("/")
assert ENDPOINT, "give the endpoint as argv[1] or AWS_ENDPOINT_URL"
REGION = "us-east-1"
ACCOUNT = "000000000000"
SECRET = "wslocal-secret"
IMPORT_STEP = datetime.timedelta(seconds=1)

IMAGE_ID = re.compile(r"^wsi-[0-9a-z]{9,63}$")
APP_ID = re.compile(r"^wsa-[0-9a-z]{8,63}$")

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


def raw(target, body, content_type="application/x-amz-json-1.1"):
    """POSTs body as-is, SigV4-signed like a real client, and returns
    (status, headers, decoded JSON body)."""
    req = botocore.awsrequest.AWSRequest(
        method="POST",
        url=ENDPOINT + "/",
        data=body,
        headers={"Content-Type": content_type, "X-Amz-Target": target},
    )
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(ACCOUNT, SECRET), "workspaces", REGION).add_auth(req)
    prepared = req.prepare()
    http_req = urllib.request.Request(prepared.url, data=body, method="POST", headers=dict(prepared.headers.items()))
    try:
        with urllib.request.urlopen(http_req, timeout=10) as resp:
            status, headers, data = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        status, headers, data = e.code, e.headers, e.read()
    return status, headers, json.loads(data)


def advance(duration):
    req = urllib.request.Request(
        ENDPOINT + "/_wslocal/clock",
        data=json.dumps({"advance": duration}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            state = json.loads(resp.read())
    except urllib.error.HTTPError as e:
        raise AssertionError(f"POST /_wslocal/clock advance {duration}: {e.code} {e.read()!r}") from None
    assert state["mode"] == "manual", state
    return state


step("GET /_wslocal/health: a manual clock")
with urllib.request.urlopen(ENDPOINT + "/_wslocal/health", timeout=10) as resp:
    health = json.loads(resp.read())
assert health["status"] == "ok", health
assert health["clock"] == "manual", f"story.py needs a server started with --clock manual: {health}"


def associations(image_id):
    out = client.describe_image_associations(ImageId=image_id, AssociatedResourceTypes=["APPLICATION"])
    assert set(out) == {"Associations", "ResponseMetadata"}, out
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    return out["Associations"]


def check_association(a, image_id, app_id, state):
    allowed = {"AssociatedResourceId", "AssociatedResourceType", "Created", "LastUpdatedTime", "ImageId", "State", "StateReason"}
    assert set(a) <= allowed, f"unexpected members {set(a) - allowed} in {a}"
    assert isinstance(a["AssociatedResourceId"], str) and APP_ID.match(a["AssociatedResourceId"]), a
    assert a["AssociatedResourceId"] == app_id, (a, app_id)
    assert a["AssociatedResourceType"] == "APPLICATION", a
    assert isinstance(a["ImageId"], str) and a["ImageId"] == image_id, a
    assert isinstance(a["State"], str) and a["State"] == state, a
    assert is_aware_datetime(a["Created"]), f"Created is {type(a['Created'])} {a['Created']!r}"
    assert is_aware_datetime(a["LastUpdatedTime"]), f"LastUpdatedTime is {a['LastUpdatedTime']!r}"
    assert a["Created"] <= a["LastUpdatedTime"], a
    assert "StateReason" not in a, f"StateReason on a {state} association: {a}"


# --- the catalogue -----------------------------------------------------------

step("DescribeApplications: Microsoft Office 2019 is in the catalogue")
apps = client.describe_applications()["Applications"]
by_name = {a["Name"]: a for a in apps}
assert "Microsoft Office 2019" in by_name, sorted(by_name)
office = by_name["Microsoft Office 2019"]
office_id = office["ApplicationId"]
assert APP_ID.match(office_id), office
assert office["State"] == "UNINSTALL_ONLY", office
assert office["Owner"] == "AMAZON", office
assert is_aware_datetime(office["Created"]), office

# --- import: PENDING + INSTALLING ---------------------------------------------

step("ImportWorkspaceImage with Microsoft_Office_2019")
out = client.import_workspace_image(
    Ec2ImageId="ami-0123456789abcdef0",
    IngestionProcess="BYOL_REGULAR",
    ImageName="story-golden",
    ImageDescription="Windows 10 with Office 2019",
    Applications=["Microsoft_Office_2019"],
)
image_id = out["ImageId"]
assert isinstance(image_id, str) and IMAGE_ID.match(image_id), out

step("DescribeImageAssociations: INSTALLING while the import runs")
assocs = associations(image_id)
assert len(assocs) == 1, assocs
check_association(assocs[0], image_id, office_id, "INSTALLING")
installing = assocs[0]
assert installing["Created"] == installing["LastUpdatedTime"], installing

images = client.describe_workspace_images(ImageIds=[image_id])["Images"]
assert len(images) == 1 and images[0]["State"] == "PENDING", images

step("the import's errors: a name taken, and a PENDING image cannot be deleted")
e = client_error(
    client.import_workspace_image,
    Ec2ImageId="ami-0123456789abcdef0",
    IngestionProcess="BYOL_REGULAR",
    ImageName="story-golden",
    ImageDescription="the same name again",
)
assert e.response["Error"]["Code"] == "ResourceAlreadyExistsException", e.response
e = client_error(client.delete_workspace_image, ImageId=image_id)
assert e.response["Error"]["Code"] == "InvalidResourceStateException", e.response

step("the manual clock does not move by itself")
assert associations(image_id)[0]["State"] == "INSTALLING"

# --- the clock moves: AVAILABLE + COMPLETED -----------------------------------

step("POST /_wslocal/clock advance 2s, then poll until COMPLETED")
advance("2s")
polls = 0
for polls in range(1, 21):
    assocs = associations(image_id)
    if assocs and assocs[0]["State"] == "COMPLETED":
        break
assert assocs[0]["State"] == "COMPLETED", f"still {assocs} after {polls} polls"
# The control API sweeps before it answers, so the first read sees it.
assert polls == 1, f"COMPLETED only after {polls} polls: the clock call returned before the sweep"
assert len(assocs) == 1, assocs
done = assocs[0]
check_association(done, image_id, office_id, "COMPLETED")
assert done["Created"] == installing["Created"], (done, installing)
# The step happens at its due time, not when the clock was moved past it.
assert done["LastUpdatedTime"] - done["Created"] == IMPORT_STEP, (done["Created"], done["LastUpdatedTime"])

step("DescribeWorkspaceImages: every field of the AVAILABLE image")
images = client.describe_workspace_images(ImageIds=[image_id])["Images"]
assert len(images) == 1, images
img = images[0]
allowed = {
    "ImageId", "Name", "Description", "OperatingSystem", "State", "RequiredTenancy", "ErrorCode",
    "ErrorMessage", "Created", "OwnerAccountId", "Updates", "ErrorDetails", "ImageType",
}
assert set(img) <= allowed, f"unexpected members {set(img) - allowed}"
assert img["ImageId"] == image_id, img
assert img["Name"] == "story-golden", img
assert img["Description"] == "Windows 10 with Office 2019", img
assert img["OperatingSystem"] == {"Type": "WINDOWS"}, img
assert img["State"] == "AVAILABLE", img
assert img["RequiredTenancy"] == "DEDICATED", img
assert img["OwnerAccountId"] == ACCOUNT, img
assert is_aware_datetime(img["Created"]) and img["Created"] == done["Created"], img
assert isinstance(img["Updates"]["UpdateAvailable"], bool) and img["Updates"]["UpdateAvailable"] is False, img
assert "ErrorCode" not in img and "ErrorMessage" not in img, img

listed = client.describe_workspace_images()["Images"]
assert [i["ImageId"] for i in listed] == [image_id], listed

step("DescribeApplications pages with NextToken as botocore sends it back")
seen, token, pages = [], None, 0
while True:
    kwargs = {"MaxResults": 3}
    if token:
        kwargs["NextToken"] = token
    page = client.describe_applications(**kwargs)
    pages += 1
    assert len(page["Applications"]) <= 3, page
    seen += [a["ApplicationId"] for a in page["Applications"]]
    token = page.get("NextToken")
    if not token:
        break
    assert isinstance(token, str) and pages < 10, (token, pages)
assert sorted(seen) == sorted(a["ApplicationId"] for a in apps), (seen, apps)
assert len(set(seen)) == len(seen), seen

step("DescribeApplicationAssociations: the image from the application's side")
out = client.describe_application_associations(ApplicationId=office_id, AssociatedResourceTypes=["IMAGE"])
assert out["Associations"] == [
    {
        "ApplicationId": office_id,
        "AssociatedResourceId": image_id,
        "AssociatedResourceType": "IMAGE",
        "Created": done["Created"],
        "LastUpdatedTime": done["LastUpdatedTime"],
        "State": "COMPLETED",
    }
], out["Associations"]

# --- errors through the client ----------------------------------------------

step("ResourceNotFoundException, with ResourceId parsed by botocore")
missing = "wsi-000000000"
e = client_error(client.describe_image_associations, ImageId=missing, AssociatedResourceTypes=["APPLICATION"])
assert isinstance(e, client.exceptions.ResourceNotFoundException), type(e)
assert e.response["Error"]["Code"] == "ResourceNotFoundException", e.response
assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
assert missing in e.response["Error"]["Message"], e.response
# botocore puts the error shape's own members at the top of the response.
assert e.response.get("ResourceId") == missing, e.response

step("ValidationException for ImageId 'abc': botocore does not check patterns, the server does")
e = client_error(client.describe_image_associations, ImageId="abc", AssociatedResourceTypes=["APPLICATION"])
assert e.response["Error"]["Code"] == "ValidationException", e.response
assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
assert e.response["Error"]["Message"] == (
    "1 validation error detected: Value 'abc' at 'imageId' failed to satisfy constraint: "
    "Member must satisfy regular expression pattern: wsi-[0-9a-z]{9,63}$"
), e.response["Error"]["Message"]

step("ValidationException for an enum value botocore lets through")
e = client_error(client.describe_image_associations, ImageId=image_id, AssociatedResourceTypes=["NOPE"])
assert e.response["Error"]["Code"] == "ValidationException", e.response
assert "associatedResourceTypes" in e.response["Error"]["Message"], e.response

step("a missing required member never leaves botocore")
try:
    client.describe_image_associations(ImageId=image_id)
except botocore.exceptions.ParamValidationError as e:
    assert "AssociatedResourceTypes" in str(e), e
else:
    raise AssertionError("botocore sent a request without AssociatedResourceTypes")

# --- framework errors on raw requests -----------------------------------------

step("SerializationException for a malformed body")
status, headers, body = raw("WorkspacesService.DescribeImageAssociations", b'{"ImageId": ')
assert status == 400, (status, body)
assert headers["x-amzn-ErrorType"] == "SerializationException", dict(headers)
assert body["__type"] == "SerializationException", body
assert isinstance(body.get("message"), str) and body["message"], body
assert headers["Content-Type"] == "application/x-amz-json-1.1", dict(headers)

step("SerializationException for a member of the wrong JSON type")
status, headers, body = raw(
    "WorkspacesService.DescribeImageAssociations", b'{"ImageId": 5, "AssociatedResourceTypes": ["APPLICATION"]}'
)
assert status == 400, (status, body)
assert headers["x-amzn-ErrorType"] == "SerializationException", dict(headers)
assert body["__type"] == "SerializationException", body

step("UnknownOperationException for WorkspacesService.NoSuchOp")
status, headers, body = raw("WorkspacesService.NoSuchOp", b"{}")
assert status == 400, (status, body)
assert headers["x-amzn-ErrorType"] == "UnknownOperationException", dict(headers)
assert body["__type"] == "UnknownOperationException", body
assert isinstance(body.get("message"), str) and body["message"], body

step("a raw, signed request that is well-formed works like the client's")
status, headers, body = raw(
    "WorkspacesService.DescribeImageAssociations",
    json.dumps({"ImageId": image_id, "AssociatedResourceTypes": ["APPLICATION"]}).encode(),
)
assert status == 200, (status, body)
assert [a["State"] for a in body["Associations"]] == ["COMPLETED"], body
assert isinstance(body["Associations"][0]["Created"], (int, float)), body  # epoch seconds on the wire

step("DeleteWorkspaceImage: the image and its associations are gone")
client.delete_workspace_image(ImageId=image_id)
assert client.describe_workspace_images(ImageIds=[image_id])["Images"] == []
e = client_error(client.describe_image_associations, ImageId=image_id, AssociatedResourceTypes=["APPLICATION"])
assert e.response["Error"]["Code"] == "ResourceNotFoundException" and e.response["ResourceId"] == image_id, e.response
out = client.describe_application_associations(ApplicationId=office_id, AssociatedResourceTypes=["IMAGE"])
assert out["Associations"] == [], out["Associations"]

print("OK")
