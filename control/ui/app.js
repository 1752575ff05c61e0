// The wslocal dashboard. It reads the control API once a second and redraws
// only the parts whose data changed, so a page left open follows the
// lifecycles as the clock moves. No framework and no build step: this file
// is embedded in the binary as it is.
"use strict";

const API = "/_wslocal/";
const POLL_MS = 1000;
const REQUEST_LIMIT = 50;
const SVG_NS = "http://www.w3.org/2000/svg";

// tone groups the states of associations, resources and applications by
// how they look: done, failed, in flight, waiting for a deployment, gone.
const TONES = {
  ok: ["COMPLETED", "AVAILABLE", "REGISTERED"],
  bad: ["ERROR", "UNHEALTHY", "IMPAIRED"],
  wait: ["PENDING_INSTALL_DEPLOYMENT", "PENDING_UNINSTALL_DEPLOYMENT", "STOPPED", "SUSPENDED", "UNINSTALL_ONLY"],
  gone: ["REMOVED", "TERMINATED", "DEREGISTERED"],
};
function tone(state) {
  for (const [t, states] of Object.entries(TONES)) {
    if (states.includes(state)) return t;
  }
  return "busy"; // PENDING_INSTALL, INSTALLING, PENDING, REBOOTING, ...
}

// h builds an element; children that are not nodes become text, so
// nothing from the server is ever parsed as markup.
function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}
function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}
function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined && v !== false) el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

function badge(state) {
  return h("span", { class: `badge tone-${tone(state)}`, "data-state": state }, state || "?");
}

// when formats epoch milliseconds or an RFC 3339 string as UTC.
function when(t) {
  if (t === null || t === undefined || t === "" || t === 0) return "";
  const d = new Date(t);
  if (isNaN(d)) return String(t);
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}
function clockTime(t) {
  const d = new Date(t);
  return isNaN(d) ? String(t) : d.toISOString().slice(11, 23);
}

async function getJSON(path) {
  const res = await fetch(API + path, { cache: "no-store" });
  if (!res.ok) {
    const err = new Error(`GET ${API}${path}: HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return res.json();
}

// The catalogue may come as a bare array or wrapped; accept both.
function catalogueOf(data) {
  if (Array.isArray(data)) return data;
  return (data && (data.applications || data.Applications)) || [];
}

const KINDS = [
  { kind: "image", title: "Images", assocType: "IMAGE" },
  { kind: "bundle", title: "Bundles", assocType: "BUNDLE" },
  { kind: "workspace", title: "WorkSpaces", assocType: "WORKSPACE" },
];
const KIND_OF_ASSOC = { IMAGE: "image", BUNDLE: "bundle", WORKSPACE: "workspace" };

// model turns the exported state into partitions of resources, each with
// its associations. An association whose resource is not in the export
// (a shared image, say) still shows, under a stand-in resource.
function model(state) {
  const parts = new Map();
  const part = (account, region) => {
    const key = `${account} ${region}`;
    if (!parts.has(key)) parts.set(key, { account, region, byKind: { image: [], bundle: [], workspace: [], directory: [] }, index: new Map() });
    return parts.get(key);
  };
  for (const r of state.resources || []) {
    const p = part(r.account, r.region);
    const res = { ...r, doc: r.doc || {}, assocs: [] };
    (p.byKind[r.kind] || (p.byKind[r.kind] = [])).push(res);
    p.index.set(`${r.kind} ${r.id}`, res);
  }
  for (const a of state.associations || []) {
    const p = part(a.account, a.region);
    const kind = KIND_OF_ASSOC[a.resourceType] || String(a.resourceType).toLowerCase();
    let res = p.index.get(`${kind} ${a.resourceId}`);
    if (!res) {
      res = { account: a.account, region: a.region, kind, id: a.resourceId, state: "", doc: {}, assocs: [], standIn: true };
      (p.byKind[kind] || (p.byKind[kind] = [])).push(res);
      p.index.set(`${kind} ${a.resourceId}`, res);
    }
    res.assocs.push(a);
  }
  const sorted = [...parts.values()].sort((x, y) => (x.account + x.region).localeCompare(y.account + y.region));
  for (const p of sorted) {
    for (const list of Object.values(p.byKind)) list.sort((x, y) => (x.created || 0) - (y.created || 0) || x.id.localeCompare(y.id));
  }
  return sorted;
}

// describe gives a resource's name and the facts worth a glance.
function describe(r) {
  const d = r.doc || {};
  const props = d.WorkspaceProperties || {};
  switch (r.kind) {
    case "image":
      return { name: d.Name, facts: [d.wslocalOperatingSystemName, d.Description] };
    case "bundle":
      return {
        name: d.Name,
        facts: [d.ComputeType && d.ComputeType.Name, d.ImageId && `image ${d.ImageId}`, d.RootStorage && `${d.RootStorage.Capacity} GiB root`],
      };
    case "workspace":
      return {
        name: d.UserName,
        facts: [props.OperatingSystemName, props.ComputeTypeName, props.RootVolumeSizeGib && `${props.RootVolumeSizeGib} GiB root`,
          d.BundleId && `bundle ${d.BundleId}`, d.DirectoryId && `directory ${d.DirectoryId}`,
          d.wslocalStandby && `standby ${d.wslocalStandby.workspaceId} in ${d.wslocalStandby.region}`,
          d.wslocalPrimary && `standby of ${d.wslocalPrimary.workspaceId} in ${d.wslocalPrimary.region}`,
          d.wslocalMigratedTo && `migrated to ${d.wslocalMigratedTo}`],
      };
    case "directory":
      return { name: d.DirectoryName || d.Alias || d.WorkspaceDirectoryName, facts: [d.DirectoryType] };
  }
  return { name: "", facts: [] };
}

// dirExtras lists a directory's endpoint encryption mode, streaming
// protocol, branded platforms and Amazon Connect add-ins, when it has any.
function dirExtras(d, branding) {
  const doc = d.doc || {};
  const sp = doc.StreamingProperties || {};
  const platforms = Object.keys((branding && branding.doc && branding.doc.Platforms) || {}).sort();
  const addIns = (doc.ConnectClientAddIns || []).map((a) => a.Name);
  const facts = [
    doc.EndpointEncryptionMode && h("span", { class: "dir-encryption" }, doc.EndpointEncryptionMode),
    sp.StreamingExperiencePreferredProtocol && h("span", { class: "dir-protocol" }, `streaming ${sp.StreamingExperiencePreferredProtocol}`),
    platforms.length && h("span", { class: "dir-branding" }, `branding: ${platforms.join(", ")}`),
    addIns.length && h("span", { class: "dir-addins" }, `Connect add-in: ${addIns.join(", ")}`),
  ].filter(Boolean);
  return facts.length ? h("span", { class: "dir-extras" }, " (", facts.map((f, i) => (i ? [" · ", f] : f)), ")") : null;
}

function appNamer(apps) {
  const names = new Map(apps.map((a) => [a.ApplicationId, a.Name]));
  return (id) => names.get(id) || id;
}

function renderAssoc(a, appName) {
  return h("li", { class: `assoc tone-${tone(a.state)}`, "data-app": a.applicationId, "data-resource": a.resourceId, "data-state": a.state },
    h("div", { class: "assoc-line" },
      h("span", { class: "app-name", title: a.applicationId }, appName(a.applicationId)),
      badge(a.state)),
    a.updated ? h("div", { class: "assoc-time" }, `since ${when(a.updated)}`) : null,
    a.reasonCode || a.reasonMessage
      ? h("div", { class: "reason" }, h("code", { class: "reason-code" }, a.reasonCode), " ", h("span", { class: "reason-message" }, a.reasonMessage))
      : null);
}

function renderResource(r, appName) {
  const { name, facts } = describe(r);
  const assocs = [...r.assocs].sort((x, y) => appName(x.applicationId).localeCompare(appName(y.applicationId)));
  return h("article", { class: "resource", "data-kind": r.kind, "data-id": r.id },
    h("div", { class: "res-head" },
      h("code", { class: "res-id" }, r.id),
      r.state ? badge(r.state) : h("span", { class: "muted" }, "not in this account"),
    ),
    name ? h("div", { class: "res-name" }, name) : null,
    h("div", { class: "res-facts" }, facts.filter(Boolean).join(" · "), r.created ? ` · created ${when(r.created)}` : ""),
    assocs.length
      ? h("ul", { class: "assocs" }, assocs.map((a) => renderAssoc(a, appName)))
      : h("p", { class: "none" }, "no applications"));
}

function renderResources(state, apps) {
  const parts = model(state);
  if (!parts.length) {
    return h("p", { class: "empty" }, "Nothing yet. Import an image, register a directory or launch a WorkSpace, and it shows here.");
  }
  const appName = appNamer(apps);
  return parts.map((p) => {
    const dirs = p.byKind.directory || [];
    const pools = p.byKind.pool || [];
    return h("div", { class: "partition", "data-account": p.account, "data-region": p.region },
      h("h3", null, "Account ", h("code", null, p.account), " · ", p.region),
      h("div", { class: "kinds" }, KINDS.map(({ kind, title }) => {
        const list = p.byKind[kind] || [];
        return h("div", { class: "kind", "data-kind": kind },
          h("h4", null, title, " ", h("span", { class: "count" }, String(list.length))),
          list.length ? list.map((r) => renderResource(r, appName)) : h("p", { class: "none" }, "none"));
      })),
      dirs.length
        ? h("p", { class: "directories" }, "Directories: ", dirs.map((d) => h("span", { class: "dir", "data-id": d.id }, h("code", null, d.id), " ", badge(d.state),
          dirExtras(d, (p.byKind["client-branding"] || []).find((b) => b.id === d.id)))))
        : null,
      pools.length
        ? h("p", { class: "pools" }, "WorkSpaces Pools: ", pools.map((r) => {
          const d = r.doc || {};
          const sessions = (p.byKind["pool-session"] || []).filter((s) => (s.doc || {}).PoolId === r.id).length;
          const desired = (d.CapacityStatus || {}).DesiredUserSessions || 0;
          return h("span", { class: "pool", "data-id": r.id, title: d.PoolName || "" }, h("code", null, r.id), " ", d.PoolName || "", " ",
            badge(r.state), ` ${sessions}/${desired} sessions`);
        }))
        : null);
  });
}

// renderGraph draws applications on the left, resources on the right and
// one edge per association, coloured by its state.
function renderGraph(state, apps) {
  const assocs = state.associations || [];
  if (!assocs.length) {
    return h("p", { class: "empty" }, "No associations yet. Import an image with Office, or associate an application with a WorkSpace and deploy it.");
  }
  const appName = appNamer(apps);
  const resources = new Map();
  for (const r of state.resources || []) resources.set(`${r.account} ${r.region} ${r.id}`, r);
  const appIds = [...new Set(assocs.map((a) => a.applicationId))].sort((x, y) => appName(x).localeCompare(appName(y)));
  const resKeys = [];
  const resInfo = new Map();
  for (const a of assocs) {
    const key = `${a.account} ${a.region} ${a.resourceId}`;
    if (!resInfo.has(key)) {
      resKeys.push(key);
      resInfo.set(key, { a, r: resources.get(key) });
    }
  }
  resKeys.sort();
  const multi = new Set(assocs.map((a) => `${a.account} ${a.region}`)).size > 1;

  const W = 1000, NODE_W = 330, ROW = 48, NODE_H = 38, PAD = 8;
  const height = Math.max(appIds.length, resKeys.length) * ROW + PAD * 2;
  const yOf = (i, n) => PAD + (height - PAD * 2 - n * ROW) / 2 + i * ROW + ROW / 2;
  const appY = new Map(appIds.map((id, i) => [id, yOf(i, appIds.length)]));
  const resY = new Map(resKeys.map((k, i) => [k, yOf(i, resKeys.length)]));
  const leftX = 4 + NODE_W, rightX = W - NODE_W - 4;

  const edges = assocs.map((a) => {
    const y1 = appY.get(a.applicationId), y2 = resY.get(`${a.account} ${a.region} ${a.resourceId}`);
    const mid = (leftX + rightX) / 2;
    return svg("path", {
      class: `edge tone-${tone(a.state)}`, "data-app": a.applicationId, "data-resource": a.resourceId, "data-state": a.state,
      d: `M${leftX},${y1} C${mid},${y1} ${mid},${y2} ${rightX},${y2}`,
    }, svg("title", null, `${appName(a.applicationId)} → ${a.resourceId}: ${a.state}${a.reasonCode ? ` (${a.reasonCode})` : ""}`));
  });
  const node = (x, y, cls, attrs, line1, line2, status) =>
    svg("g", { class: `node ${cls}`, ...attrs },
      svg("rect", { x, y: y - NODE_H / 2, width: NODE_W, height: NODE_H, rx: 6 }),
      svg("text", { x: x + 10, y: line2 ? y - 3 : y + 5, class: "l1" }, clip(line1, 44),
        status ? svg("tspan", { class: `status tone-${tone(status)}`, dx: 8 }, status) : null),
      line2 ? svg("text", { x: x + 10, y: y + 12, class: "l2" }, clip(line2, 52)) : null);
  const appNodes = appIds.map((id) => node(4, appY.get(id), "app", { "data-app": id }, appName(id), id));
  const resNodes = resKeys.map((key) => {
    const { a, r } = resInfo.get(key);
    const kind = KIND_OF_ASSOC[a.resourceType] || a.resourceType;
    const name = r ? describe(r).name : "";
    const where = multi ? `${a.account} ${a.region}` : "";
    return node(rightX, resY.get(key), `res kind-${kind}`, { "data-resource": a.resourceId },
      a.resourceId, [kind, name, where].filter(Boolean).join(" · "), r && r.state);
  });
  return svg("svg", { viewBox: `0 0 ${W} ${height}`, width: "100%", role: "img", "aria-label": "applications to resources" },
    svg("g", { class: "edges" }, edges), appNodes, resNodes);
}

function clip(s, n) {
  s = String(s || "");
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

function renderLegend() {
  const items = [
    ["COMPLETED", "installed"], ["INSTALLING", "in flight"], ["PENDING_INSTALL_DEPLOYMENT", "waiting for a deployment"],
    ["ERROR", "failed"], ["REMOVED", "removed"],
  ];
  return items.map(([state, label]) => h("li", { class: `tone-${tone(state)}` }, h("span", { class: "swatch" }), label));
}

function renderRequests(data) {
  const reqs = (data && data.requests) || [];
  if (!reqs.length) return h("p", { class: "empty" }, "No requests yet.");
  return h("table", { class: "requests" },
    h("thead", null, h("tr", null, ["Time", "Operation", "Status", "Error", "ms", "Account · region"].map((c) => h("th", null, c)))),
    h("tbody", null, reqs.map((r) => h("tr", { class: r.status >= 400 ? "failed" : "", "data-operation": r.operation, title: `request ${r.requestId}` },
      h("td", { class: "muted" }, clockTime(r.time)),
      h("td", { class: "op" }, r.operation || h("span", { class: "muted" }, "(no operation)")),
      h("td", null, String(r.status)),
      h("td", { class: "err" }, r.errorCode || ""),
      h("td", { class: "num" }, r.latencyMs === undefined ? "" : Number(r.latencyMs).toFixed(1)),
      h("td", { class: "muted" }, [r.account, r.region].filter(Boolean).join(" · "))))));
}

function renderApplications(apps) {
  if (!apps.length) return h("p", { class: "empty" }, "The catalogue is empty.");
  const sorted = [...apps].sort((x, y) => x.Name.localeCompare(y.Name));
  const everyCompute = [...new Set(apps.flatMap((a) => a.SupportedComputeTypeNames || []))];
  return h("table", { class: "apps" },
    h("thead", null, h("tr", null, ["Name", "Id", "State", "Owner", "License", "Compute types"].map((c) => h("th", null, c)))),
    h("tbody", null, sorted.map((a) => h("tr", { "data-app": a.ApplicationId },
      h("td", null, a.Name),
      h("td", null, h("code", null, a.ApplicationId)),
      h("td", null, badge(a.State)),
      h("td", null, a.Owner || ""),
      h("td", null, a.LicenseType || ""),
      h("td", { class: "muted", title: (a.SupportedComputeTypeNames || []).join(", ") }, computeSummary(a, everyCompute))))));
}

// computeSummary says which compute types an application supports
// relative to the whole catalogue: the full lists are long and alike, and
// what matters is the exception (Visual Studio is not for VALUE).
function computeSummary(app, every) {
  const have = new Set(app.SupportedComputeTypeNames || []);
  const missing = every.filter((c) => !have.has(c));
  if (!have.size) return "";
  if (!missing.length) return "all";
  if (missing.length <= 3) return `all but ${missing.join(", ")}`;
  return [...have].join(", ");
}

// LINK_TONES colours the statuses of account links.
const LINK_TONES = {
  LINKED: "ok", PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT: "wait",
  REJECTED: "bad", LINKING_FAILED: "bad", LINK_NOT_FOUND: "bad",
};

// renderLinks lists the account links of the export: one row per link,
// kept in the source's partition and shared with the target.
function renderLinks(state) {
  const links = (state.resources || []).filter((r) => r.kind === "account-link");
  if (!links.length) return h("p", { class: "empty" }, "No account links. CreateAccountLinkInvitation from a source account makes one.");
  links.sort((x, y) => (x.region + x.id).localeCompare(y.region + y.id));
  return h("table", { class: "links" },
    h("thead", null, h("tr", null, ["Link", "Source", "Target", "Region", "Status", "Created"].map((c) => h("th", null, c)))),
    h("tbody", null, links.map((r) => {
      const d = r.doc || {};
      return h("tr", { "data-link": r.id, "data-state": r.state },
        h("td", null, h("code", null, r.id)),
        h("td", null, h("code", null, r.account)),
        h("td", null, h("code", null, d.TargetAccountId || "")),
        h("td", null, r.region),
        h("td", null, h("span", { class: `badge tone-${LINK_TONES[r.state] || "busy"}`, "data-state": r.state }, r.state)),
        h("td", { class: "muted" }, when(r.created)));
    })));
}

function renderFacts(health) {
  const facts = [["version", health.version], ["store", health.store], ["clock", health.clock], ["now", when(health.now)]];
  return facts.map(([k, v]) => h("div", null, h("dt", null, k), h("dd", { "data-fact": k }, v || "")));
}

// show replaces a section when its data changed since the last poll, so
// an unchanged page is left alone (no flicker, selection kept).
const shown = new Map();
function show(id, key, render) {
  if (shown.get(id) === key) return;
  shown.set(id, key);
  const el = document.getElementById(id);
  let content;
  try {
    content = render();
  } catch (err) {
    content = h("p", { class: "error" }, `Could not draw this: ${err.message}`);
  }
  el.replaceChildren(...[content].flat());
}

function unavailable(id, err) {
  const msg = err.status === 404 ? "This server does not offer it (404)." : `Unreachable: ${err.message}`;
  show(id, `error ${msg}`, () => h("p", { class: "error" }, msg));
}

async function tick() {
  const [health, state, apps, reqs] = await Promise.allSettled([
    getJSON("health"), getJSON("state"), getJSON("applications"), getJSON(`requests?limit=${REQUEST_LIMIT}`),
  ]);
  const live = document.getElementById("live");
  if (health.status === "fulfilled") {
    show("facts", JSON.stringify(health.value), () => renderFacts(health.value));
    live.dataset.status = "live";
    live.textContent = `live · updated ${new Date().toLocaleTimeString()}`;
  } else {
    live.dataset.status = "down";
    live.textContent = "server unreachable · retrying";
  }
  const catalogue = apps.status === "fulfilled" ? catalogueOf(apps.value) : [];
  const appsKey = JSON.stringify(catalogue);
  if (apps.status === "fulfilled") show("applications", appsKey, () => renderApplications(catalogue));
  else unavailable("applications", apps.reason);
  if (state.status === "fulfilled") {
    // exportedAt changes on every call; what is drawn does not depend on it.
    const key = JSON.stringify({ ...state.value, exportedAt: null }) + appsKey;
    show("graph", key, () => renderGraph(state.value, catalogue));
    show("resources", key, () => renderResources(state.value, catalogue));
    show("links", key, () => renderLinks(state.value));
  } else {
    unavailable("graph", state.reason);
    unavailable("resources", state.reason);
    unavailable("links", state.reason);
  }
  if (reqs.status === "fulfilled") show("requests", JSON.stringify(reqs.value), () => renderRequests(reqs.value));
  else unavailable("requests", reqs.reason);
}

// poll runs tick once a second, never two at once, and keeps going when
// the server restarts.
async function poll() {
  try {
    await tick();
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

document.getElementById("legend").replaceChildren(...renderLegend());
poll();
