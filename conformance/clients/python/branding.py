#!/usr/bin/env python3
"""Client branding through boto3: PNG files in, LogoUrls out, the same bytes back.

Usage: branding.py [ENDPOINT]   (default: $AWS_ENDPOINT_URL)

Imports a small Windows logo and a large (over 1 MiB) iOS @3x logo read
from PNG files, fetches every LogoUrl with plain HTTP as a browser would,
and compares the bytes; then the errors botocore parses. Needs a fresh
server; prints OK last.
"""

import os
import struct
import sys
import tempfile
import urllib.error
import urllib.request
import zlib

import boto3
import botocore.exceptions
from botocore.config import Config

ENDPOINT = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AWS_ENDPOINT_URL", "")).rstrip("/")
assert ENDPOINT, "give the endpoint as argv[1] or AWS_ENDPOINT_URL"
DIRECTORY = "d-0123456789"


def png(width, noise=0):
    """A width x width red PNG; noise adds an ancillary chunk of that many random bytes."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(width))
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", width, width, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows))
    if noise:
        body += chunk(b"zzZz", os.urandom(noise))
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


def write(data):
    f = tempfile.NamedTemporaryFile(suffix=".png", delete=False)
    f.write(data)
    f.close()
    return f.name


c = boto3.client(
    "workspaces",
    endpoint_url=ENDPOINT,
    region_name="us-east-1",
    aws_access_key_id="000000000000",
    aws_secret_access_key="wslocal-secret",
    config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30),
)

c.register_workspace_directory(DirectoryId=DIRECTORY)

small, large = write(png(16)), write(png(64, noise=1_200_000))
with open(small, "rb") as f:
    small_bytes = f.read()
with open(large, "rb") as f:
    large_bytes = f.read()
assert len(large_bytes) > 1 << 20, len(large_bytes)

print("-- import from PNG files")
out = c.import_client_branding(
    ResourceId=DIRECTORY,
    DeviceTypeWindows={"Logo": small_bytes, "SupportEmail": "help@example.com", "LoginMessage": {"en_US": "<b>Hello</b>"}},
    DeviceTypeIos={"Logo3x": large_bytes, "SupportLink": "https://example.com/help"},
)
win, ios = out["DeviceTypeWindows"], out["DeviceTypeIos"]
assert win["SupportEmail"] == "help@example.com" and "SupportLink" not in win, win
assert win["LoginMessage"] == {"en_US": "<b>Hello</b>"}, win
assert "LogoUrl" not in ios and "Logo2xUrl" not in ios, ios
assert set(out) - {"ResponseMetadata"} == {"DeviceTypeWindows", "DeviceTypeIos"}, out

described = c.describe_client_branding(ResourceId=DIRECTORY)
assert described["DeviceTypeWindows"]["LogoUrl"] == win["LogoUrl"], described
assert described["DeviceTypeIos"]["Logo3xUrl"] == ios["Logo3xUrl"], described

print("-- the LogoUrls serve the files' bytes")
for url, want in ((win["LogoUrl"], small_bytes), (ios["Logo3xUrl"], large_bytes)):
    assert url.startswith(ENDPOINT + "/_wslocal/branding/000000000000/us-east-1/" + DIRECTORY + "/"), url
    req = urllib.request.Request(url, headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"})
    with urllib.request.urlopen(req, timeout=10) as res:
        body = res.read()
        assert res.status == 200 and res.headers["Content-Type"] == "image/png", (res.status, res.headers)
    assert body == want, f"{url}: {len(body)} bytes, want the {len(want)} imported"

print("-- errors")


def error(call, **kwargs):
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError(f"{call.__name__}({kwargs}) succeeded, want an error")


code, msg = error(c.import_client_branding, ResourceId=DIRECTORY, DeviceTypeWeb={"Logo": b"GIF89a..."})
assert code == "InvalidParameterValuesException" and msg == "The Logo of DeviceTypeWeb is not a PNG image: the only image format accepted is PNG.", (code, msg)
code, msg = error(c.import_client_branding, ResourceId=DIRECTORY,
                  DeviceTypeWeb={"SupportEmail": "help@example.com", "SupportLink": "https://example.com"})
assert code == "InvalidParameterValuesException" and "mutually exclusive" in msg, (code, msg)
code, _ = error(c.describe_client_branding, ResourceId="d-9999999999")
assert code == "ResourceNotFoundException", code

print("-- delete one platform")
c.delete_client_branding(ResourceId=DIRECTORY, Platforms=["DeviceTypeWindows"])
left = c.describe_client_branding(ResourceId=DIRECTORY)
assert "DeviceTypeWindows" not in left and "DeviceTypeIos" in left, left
try:
    urllib.request.urlopen(win["LogoUrl"], timeout=10)
    raise AssertionError("the deleted logo is still served")
except urllib.error.HTTPError as e:
    assert e.code == 404, e.code

os.unlink(small)
os.unlink(large)
print("OK")
