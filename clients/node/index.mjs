// wslocal, the local Amazon WorkSpaces API, for node:test and Jest with the
// AWS SDK for JavaScript v3. One wslocal process on a free loopback port,
// in-memory store, manual clock:
//
//   import { startWslocal } from "wslocal-node";
//   import { WorkSpacesClient } from "@aws-sdk/client-workspaces";
//
//   let wl, ws;
//   before(async () => { wl = await startWslocal(); ws = new WorkSpacesClient(wl.clientConfig); });
//   beforeEach(() => wl.reset());
//   after(() => wl.stop());
//
// The binary is options.bin, else $WSLOCAL_BIN, else a `go build` of the
// wslocal checkout this file lives in, else `wslocal` on PATH.

import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The wslocal module root above this file, or null. */
function checkout() {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const gomod = join(dir, "go.mod");
    if (existsSync(gomod) && /^module\s+github\.com\/wslocal\/wslocal\s/.test(readFileSync(gomod, "utf8"))) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Finds or builds the executable; returns it and a directory to remove. */
function findBinary(bin) {
  if (bin) return { bin, cleanup: null };
  if (process.env.WSLOCAL_BIN) return { bin: process.env.WSLOCAL_BIN, cleanup: null };
  const root = checkout();
  if (root) {
    const dir = mkdtempSync(join(tmpdir(), "wslocal-"));
    const out = join(dir, "wslocal");
    try {
      execFileSync("go", ["build", "-o", out, "./cmd/wslocal"], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
      return { bin: out, cleanup: dir };
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      if (err.code !== "ENOENT") throw new Error(`go build ./cmd/wslocal in ${root} failed:\n${err.stderr ?? err.message}`);
    }
  }
  return { bin: "wslocal", cleanup: null };
}

/** A Go duration string from "90s" or a number of seconds. */
function duration(d) {
  if (typeof d === "number" && Number.isFinite(d)) return `${d}s`;
  if (typeof d === "string") return d;
  throw new TypeError(`a duration is a string like "90s" or a number of seconds, not ${typeof d}`);
}

/**
 * Starts wslocal with `--store memory --clock manual`, then options.args (a
 * later flag wins). Resolves once it answers its health check.
 *
 * @param {{bin?: string, args?: string[], account?: string, region?: string,
 *          token?: string, startupTimeoutMs?: number}} [options]
 */
export async function startWslocal(options = {}) {
  const { args = [], account = "000000000000", region = "us-east-1", startupTimeoutMs = 30000 } = options;
  const token = options.token ?? process.env.WSLOCAL_CONTROL_TOKEN;
  const { bin, cleanup } = findBinary(options.bin);
  const child = spawn(bin, ["--addr", "127.0.0.1:0", "--store", "memory", "--clock", "manual", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const log = [];
  const exited = new Promise((resolve) => child.once("close", resolve));
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wslocal did not start within ${startupTimeoutMs} ms:\n${log.join("\n")}`)), startupTimeoutMs);
    child.once("error", (err) => { clearTimeout(timer); reject(new Error(`start ${bin}: ${err.message} (set WSLOCAL_BIN)`)); });
    exited.then(() => { clearTimeout(timer); reject(new Error(`wslocal exited before listening:\n${log.join("\n")}`)); });
    createInterface({ input: child.stderr }).on("line", (line) => {
      log.push(line);
      if (log.length > 200) log.shift();
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  }).catch((err) => {
    child.kill("SIGKILL");
    if (cleanup) rmSync(cleanup, { recursive: true, force: true });
    throw err;
  });

  async function control(method, path, body) {
    const headers = {};
    // The control API refuses a state-changing request of another content type.
    if (method !== "GET") headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${endpoint}/_wslocal/${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /_wslocal/${path}: HTTP ${res.status} ${text}`);
    return JSON.parse(text);
  }

  const seeded = args.some((a) => a === "--seed" || a.startsWith("--seed=")) || Boolean(process.env.WSLOCAL_SEED);
  const clientConfigFor = (acct = account, reg = region) => ({
    endpoint, region: reg, credentials: { accessKeyId: acct, secretAccessKey: "wslocal" },
  });

  await control("GET", "health");
  return {
    /** The endpoint URL, e.g. http://127.0.0.1:41234. */
    endpoint,
    /** A WorkSpacesClient configuration: new WorkSpacesClient(wl.clientConfig). */
    clientConfig: clientConfigFor(),
    /** The same for another account (12 digits) and region. */
    clientConfigFor,
    /** A request to the control API (/_wslocal/<path>); resolves to its JSON answer. */
    control,
    /** Deletes all state; with seed (by default: when started with --seed), applies the seed again in the same transaction. */
    reset: ({ seed = seeded } = {}) => control("POST", "reset", seed ? { seed: true } : undefined),
    /** Moves the manual clock ("90s" or seconds), applies what became due; resolves to the new time. */
    advance: async (d) => new Date((await control("POST", "clock", { advance: duration(d) })).now),
    /** wslocal's clock. */
    now: async () => new Date((await control("GET", "clock")).now),
    /** The last lines wslocal wrote to stderr. */
    log: () => log.join("\n"),
    /** Stops wslocal (SIGTERM, SIGKILL after 20 s) and removes what was built. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 20000);
        await exited;
        clearTimeout(timer);
      }
      if (cleanup) rmSync(cleanup, { recursive: true, force: true });
    },
  };
}
