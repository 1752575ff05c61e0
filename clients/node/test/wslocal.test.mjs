// Tests of the wslocal helper (../index.mjs) through the AWS SDK for
// JavaScript v3. Run by `go test ./clients/` (TestNodeHelper), or by hand:
//
//   npm ci --prefix clients/node && node --test clients/node/test/
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";

import {
  CreateIpGroupCommand, DeregisterWorkspaceDirectoryCommand, DescribeImageAssociationsCommand,
  DescribeIpGroupsCommand, DescribeWorkspaceDirectoriesCommand, DescribeWorkspaceImagesCommand,
  ImportWorkspaceImageCommand, RegisterWorkspaceDirectoryCommand, WorkSpacesClient,
} from "@aws-sdk/client-workspaces";

import { startWslocal } from "../index.mjs";

const SEED = `
accounts:
  - account: "000000000000"
    region: us-east-1
    directories:
      - {id: d-1234567890, state: REGISTERED}
`;

describe("startWslocal", () => {
  let wl, ws;
  before(async () => {
    wl = await startWslocal();
    ws = new WorkSpacesClient(wl.clientConfig);
  });
  after(async () => { ws.destroy(); await wl.stop(); });
  beforeEach(() => wl.reset());

  test("serves on a free loopback port, memory store, manual clock", async () => {
    assert.match(wl.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(wl.endpoint, "http://127.0.0.1:4599");
    const health = await wl.control("GET", "health");
    assert.deepEqual([health.status, health.store, health.clock], ["ok", "memory", "manual"]);
  });

  test("an image becomes AVAILABLE when the clock is advanced", async () => {
    const { ImageId } = await ws.send(new ImportWorkspaceImageCommand({
      Ec2ImageId: "ami-0123456789abcdef0", IngestionProcess: "BYOL_REGULAR", ImageName: "golden",
      ImageDescription: "Windows 10", Applications: ["Microsoft_Office_2019"],
    }));
    const state = async () => (await ws.send(new DescribeWorkspaceImagesCommand({ ImageIds: [ImageId] }))).Images[0].State;
    assert.equal(await state(), "PENDING");
    for (let i = 0; i < 10 && (await state()) !== "AVAILABLE"; i++) await wl.advance("1s");
    assert.equal(await state(), "AVAILABLE");
    const assoc = await ws.send(new DescribeImageAssociationsCommand({ ImageId, AssociatedResourceTypes: ["APPLICATION"] }));
    assert.deepEqual(assoc.Associations.map((a) => a.State), ["COMPLETED"]);
  });

  // These two run in order: the second sees the first's group unless reset removed it.
  test("reset isolates tests (first)", async () => {
    await ws.send(new CreateIpGroupCommand({ GroupName: "office" }));
    assert.deepEqual((await ws.send(new DescribeIpGroupsCommand({}))).Result.map((g) => g.groupName), ["office"]);
  });
  test("reset isolates tests (second)", async () => {
    assert.deepEqual((await ws.send(new DescribeIpGroupsCommand({}))).Result, []);
  });

  test("advance takes strings and seconds", async () => {
    const start = await wl.now();
    assert.equal((await wl.advance("90s")) - start, 90_000);
    assert.equal((await wl.advance(30)) - start, 120_000);
    assert.equal((await wl.now()) - start, 120_000);
  });

  test("clientConfigFor speaks for another account and region", async () => {
    const other = new WorkSpacesClient(wl.clientConfigFor("111122223333", "eu-west-1"));
    await other.send(new CreateIpGroupCommand({ GroupName: "theirs" }));
    assert.deepEqual((await other.send(new DescribeIpGroupsCommand({}))).Result.map((g) => g.groupName), ["theirs"]);
    assert.deepEqual((await ws.send(new DescribeIpGroupsCommand({}))).Result, []);
    other.destroy();
  });

  test("AWS_ENDPOINT_URL_WORKSPACES reaches wslocal while AWS_ENDPOINT_URL points elsewhere", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_ENDPOINT_URL_WORKSPACES: wl.endpoint,
      AWS_ACCESS_KEY_ID: "000000000000", AWS_SECRET_ACCESS_KEY: "x", AWS_REGION: "us-east-1",
    });
    try {
      const fromEnv = new WorkSpacesClient({});
      await fromEnv.send(new CreateIpGroupCommand({ GroupName: "from-env" }));
      fromEnv.destroy();
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    assert.deepEqual((await ws.send(new DescribeIpGroupsCommand({}))).Result.map((g) => g.groupName), ["from-env"]);
  });

  test("reset({seed: true}) without --seed is refused", async () => {
    await assert.rejects(wl.reset({ seed: true }), /HTTP 400 .*started without --seed/);
  });
});

test("reset re-applies --seed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wslocal-seed-"));
  writeFileSync(join(dir, "seed.yaml"), SEED);
  const wl = await startWslocal({ args: ["--seed", join(dir, "seed.yaml")] });
  const ws = new WorkSpacesClient(wl.clientConfig);
  try {
    const dirs = async () => (await ws.send(new DescribeWorkspaceDirectoriesCommand({}))).Directories.map((d) => `${d.DirectoryId} ${d.State}`);
    assert.deepEqual(await dirs(), ["d-1234567890 REGISTERED"]);
    await ws.send(new DeregisterWorkspaceDirectoryCommand({ DirectoryId: "d-1234567890" }));
    await ws.send(new RegisterWorkspaceDirectoryCommand({ DirectoryId: "d-2222222222" }));
    assert.deepEqual(await wl.reset(), { reset: true, seeded: true }); // re-seeds by default
    assert.deepEqual(await dirs(), ["d-1234567890 REGISTERED"]);
    assert.deepEqual(await wl.reset({ seed: false }), { reset: true, seeded: false });
    assert.deepEqual(await dirs(), []);
  } finally {
    ws.destroy();
    await wl.stop();
  }
});
