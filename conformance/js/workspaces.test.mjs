// wslocal through the AWS SDK for JavaScript v3: the client finds the
// server only through AWS_ENDPOINT_URL, as a user's code would. The server
// must run with --clock manual, so the import moves only when this test
// advances the clock. js_test.go starts one and runs this file.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  WorkSpacesClient,
  DescribeApplicationsCommand,
  ImportWorkspaceImageCommand,
  DescribeImageAssociationsCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-workspaces";

const endpoint = process.env.AWS_ENDPOINT_URL;
assert.ok(endpoint, "set AWS_ENDPOINT_URL to a wslocal started with --clock manual");

// One attempt: a retried error would hide what the server answered first.
const client = new WorkSpacesClient({ maxAttempts: 1 });

async function advanceClock(advance) {
  const res = await fetch(new URL("/_wslocal/clock", endpoint), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ advance }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, `POST /_wslocal/clock: ${JSON.stringify(body)}`);
  return body;
}

async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail("the call succeeded; an error was expected");
}

// The scenario is one story: later steps use what earlier ones made.
let office2019;
let imageId;

test("DescribeApplications lists the AWS catalogue", async () => {
  const out = await client.send(new DescribeApplicationsCommand({}));
  assert.ok(out.Applications.length >= 10, `${out.Applications.length} applications`);
  for (const a of out.Applications) {
    assert.match(a.ApplicationId, /^wsa-[0-9a-z]{8,63}$/);
    assert.equal(a.Owner, "AMAZON");
    assert.ok(a.Created instanceof Date, "Created is a Date");
  }
  office2019 = out.Applications.find((a) => a.Name === "Microsoft Office 2019");
  assert.ok(office2019, "Microsoft Office 2019 is in the catalogue");
  assert.equal(office2019.State, "UNINSTALL_ONLY");
  assert.equal(office2019.LicenseType, "LICENSED");
});

test("ImportWorkspaceImage with Office 2019", async () => {
  const out = await client.send(new ImportWorkspaceImageCommand({
    Ec2ImageId: "ami-0123456789abcdef0",
    IngestionProcess: "BYOL_REGULAR",
    ImageName: `js-golden-${process.pid}-${Date.now()}`,
    ImageDescription: "Windows 10 with Office 2019 (imported by the JS SDK)",
    Applications: ["Microsoft_Office_2019"],
  }));
  assert.match(out.ImageId, /^wsi-[0-9a-z]{9,63}$/);
  imageId = out.ImageId;
});

async function imageAssociations() {
  assert.ok(imageId, "no image: the import step failed");
  const out = await client.send(new DescribeImageAssociationsCommand({ ImageId: imageId, AssociatedResourceTypes: ["APPLICATION"] }));
  assert.equal(out.Associations.length, 1, JSON.stringify(out.Associations));
  const [a] = out.Associations;
  assert.equal(a.ImageId, imageId);
  assert.equal(a.AssociatedResourceType, "APPLICATION");
  assert.equal(a.AssociatedResourceId, office2019.ApplicationId);
  return a;
}

test("the association installs while the import runs", async () => {
  const a = await imageAssociations();
  assert.equal(a.State, "INSTALLING");
});

test("advancing the manual clock completes the import", async () => {
  const before = await imageAssociations();
  const clock = await advanceClock("5s");
  assert.equal(clock.mode, "manual");
  const a = await imageAssociations();
  assert.equal(a.State, "COMPLETED");
  assert.equal(a.StateReason, undefined);
  assert.ok(a.Created instanceof Date, "Created is a Date");
  assert.ok(a.LastUpdatedTime instanceof Date, "LastUpdatedTime is a Date");
  assert.equal(a.Created.getTime(), before.Created.getTime(), "Created does not move");
  assert.ok(a.LastUpdatedTime > a.Created, `LastUpdatedTime ${a.LastUpdatedTime.toISOString()} after Created ${a.Created.toISOString()}`);
  assert.ok(a.LastUpdatedTime <= new Date(clock.now), "LastUpdatedTime is not after the server's clock");
});

test("an image that does not exist is ResourceNotFoundException", async () => {
  const missing = "wsi-000000000";
  const err = await rejection(client.send(new DescribeImageAssociationsCommand({ ImageId: missing, AssociatedResourceTypes: ["APPLICATION"] })));
  assert.ok(err instanceof ResourceNotFoundException, `${err.name}: ${err.message}`);
  assert.equal(err.name, "ResourceNotFoundException");
  assert.equal(err.$fault, "client");
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.ok(err.$metadata.requestId, "the x-amzn-RequestId header reaches $metadata.requestId");
  assert.equal(err.ResourceId, missing);
  assert.match(err.message, new RegExp(missing));
});

test("a malformed image id is a ValidationException with AWS's message", async () => {
  const err = await rejection(client.send(new DescribeImageAssociationsCommand({ ImageId: "abc", AssociatedResourceTypes: ["APPLICATION"] })));
  assert.equal(err.name, "ValidationException");
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.equal(err.message,
    "1 validation error detected: Value 'abc' at 'imageId' failed to satisfy constraint: " +
    "Member must satisfy regular expression pattern: wsi-[0-9a-z]{9,63}$");
});
