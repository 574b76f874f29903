"use strict";
// The live page of one sandbox: its objects, its pending requests (each with a button that completes it, the same REST call a test
// makes), its violations, and the journal as a sequence diagram that grows as the hub pushes events. The diagram is drawn by a small
// SVG renderer of its own, laid out like the Mermaid text GET …/diagram answers (same participants, arrows, bars and notes), and
// virtualized: only the rows in view are in the DOM, so a journal of any length scrolls and grows at the same cost.

const params = new URLSearchParams(location.hash.slice(1));
const sandboxId = params.get("id") ?? "";
const sandboxKey = params.get("key") ?? "";
const base = `/sandboxes/${encodeURIComponent(sandboxId)}`;
const headers = { "X-Sandbox-Key": sandboxKey, "content-type": "application/json" };

const ROW = 26;
const COLUMNS = { Client: 90, NDIS: 360, MCM: 630, Network: 860 };
const WIDTH = 960;
const OVERSCAN = 8;

const page = {
  events: 0,
  lastSequence: 0,
  violations: [],
  rows: [],          // { kind: "arrow" | "network" | "note", from, to, seq, name, status, label, violation }
  bars: [],          // { who, start, end }: an activation bar from the row of a pend to the row of its completion
  renderMs: 0,
  renders: 0,
};
window.ndisPage = page;

const rowsOfSequence = new Map();
const open = new Map();
let lastViolation = 0;
let dirty = false;
let follow = true;

document.getElementById("sandbox-id").textContent = sandboxId;
const scroller = document.getElementById("diagram");
const svg = document.getElementById("rows");
const spacer = document.getElementById("spacer");
document.getElementById("participants").innerHTML =
  Object.entries(COLUMNS).map(([name, x]) => `<span data-participant="${name}" style="left:${x}px">${name}</span>`).join("");
document.getElementById("participants").style.width = spacer.style.width = `${WIDTH}px`;
svg.setAttribute("width", WIDTH);

// ---- The diagram: the same mapping as the server's SequenceDiagram (Api/Diagrams/SequenceDiagram.cs). ----

function arrowOf(e) {
  if (e.name.startsWith("NdisMCm")) return ["MCM", "NDIS"];
  if (e.name.startsWith("Ndis")) return ["Client", "NDIS"];
  return e.name.startsWith("ProtocolCm") || String(e.role).toLowerCase() === "mcm" ? ["NDIS", "MCM"] : ["NDIS", "Client"];
}

function networkOf(e, from, to) {
  switch (e.name) {
    case "NdisMCmDispatchIncomingCall": return "incoming call";
    case "NdisMCmDispatchIncomingCloseCall": return e.cause != null ? `remote clear, cause ${e.cause}` : "remote clear";
    case "NdisMCmDispatchIncomingDropParty": return "remote drop";
    case "NdisMCmDispatchIncomingCallQoSChange": return "remote QoS change";
  }
  return e.cause != null && (from === "MCM" || to === "MCM") ? `rejected, cause ${e.cause}` : null;
}

const short = status => status?.startsWith("NDIS_STATUS_") ? status.slice("NDIS_STATUS_".length) : status;

function addEvent(e) {
  const [from, to] = arrowOf(e);
  const signal = networkOf(e, from, to);
  if (signal) page.rows.push({ kind: "network", from: "Network", to: "MCM", label: signal });
  const pending = e.status === "NDIS_STATUS_PENDING";
  const closes = e.pendingOperationId && e.status && !pending && open.has(e.pendingOperationId);
  const row = page.rows.length;
  let label = `${e.name}`;
  if (e.status) label += `: ${short(e.status)}`;
  if (e.cause != null) label += `, cause ${e.cause}`;
  if (e.pendingOperationId) label += (closes ? ", closes " : pending ? ", pends " : ", ") + e.pendingOperationId;
  page.rows.push({ kind: "arrow", from, to, seq: e.sequence, name: e.name, status: e.status, label });
  rowsOfSequence.set(e.sequence, row);
  if (closes) {
    open.get(e.pendingOperationId).end = row;
    open.delete(e.pendingOperationId);
  } else if (from === "NDIS" && pending && e.pendingOperationId && !open.has(e.pendingOperationId)) {
    const bar = { who: to, start: row, end: null };
    page.bars.push(bar);
    open.set(e.pendingOperationId, bar);
  }

  for (const v of page.violations.filter(v => v.journalSequence === e.sequence)) addNote(v);
  page.events++;
  page.lastSequence = e.sequence;
}

function addNote(v) {
  const over = v.operation.startsWith("NdisMCm") || v.operation === "CompletePendingOperation" ? ["NDIS", "MCM"] : ["Client", "NDIS"];
  page.rows.push({ kind: "note", from: over[0], to: over[1], violation: v });
}

/** A violation the page learns of after the events around it: the rows are laid out again (rare, and linear in the journal). */
function relayout(events) {
  page.rows = []; page.bars = []; open.clear(); rowsOfSequence.clear(); page.events = 0;
  for (const e of events) addEvent(e);
}

const journal = [];
function onEvent(e) {
  journal.push(e);
  addEvent(e);
  schedule();
  refreshSoon();
}

function onViolations(found) {
  let late = false;
  for (const v of found) {
    if (v.sequence <= lastViolation) continue;
    lastViolation = v.sequence;
    page.violations.push(v);
    listViolation(v);
    if (v.journalSequence <= page.lastSequence) late = true;
  }

  if (late) relayout(journal.slice());
  if (found.length > 0) schedule();
}

function schedule() {
  if (dirty) return;
  dirty = true;
  requestAnimationFrame(render);
}

const escape = text => String(text).replace(/[&<>"]/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

function render() {
  const started = performance.now();
  dirty = false;
  const total = page.rows.length;
  spacer.style.height = `${total * ROW + ROW}px`;
  if (follow) scroller.scrollTop = scroller.scrollHeight;
  const first = Math.max(0, Math.floor(scroller.scrollTop / ROW) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scroller.scrollTop + scroller.clientHeight) / ROW) + OVERSCAN);
  const top = first * ROW;
  const parts = [
    `<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#243b53"/></marker>`,
    `<marker id="open-head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10" fill="none" stroke="#829ab1"/></marker></defs>`,
  ];
  for (const x of Object.values(COLUMNS)) parts.push(`<line class="lifeline" x1="${x}" x2="${x}" y1="${top}" y2="${last * ROW}"/>`);
  for (const bar of page.bars) {
    const end = bar.end ?? total;
    if (end < first || bar.start > last) continue;
    const y1 = Math.max(bar.start, first) * ROW + ROW / 2, y2 = Math.min(end, last) * ROW + ROW / 2;
    parts.push(`<rect class="bar" data-who="${bar.who}" x="${COLUMNS[bar.who] - 5}" y="${y1}" width="10" height="${Math.max(2, y2 - y1)}"/>`);
  }

  for (let i = first; i < last; i++) parts.push(draw(page.rows[i], i));
  svg.setAttribute("height", `${last * ROW + ROW}`);
  svg.innerHTML = parts.join("");
  document.getElementById("event-count").textContent = `${page.events} events`;
  document.body.dataset.lastSequence = page.lastSequence;
  document.body.dataset.events = page.events;
  page.renders++;
  page.renderMs = performance.now() - started;
}

function draw(row, i) {
  const y = i * ROW + ROW / 2;
  const x1 = COLUMNS[row.from], x2 = COLUMNS[row.to];
  if (row.kind === "note") {
    const v = row.violation;
    // A note spans the diagram, so that the rule's summary fits; its participants are in data-over.
    const left = 16, width = WIDTH - 32;
    const text = `${v.rule} ${v.severity}: ${v.operation}, ${v.summary}`;
    return `<g class="note violation ${escape(v.severity)}" data-rule="${escape(v.rule)}" data-journal-sequence="${v.journalSequence}" data-over="${row.from},${row.to}">` +
      `<rect x="${left}" y="${y - ROW / 2 + 2}" width="${width}" height="${ROW - 4}" rx="3"/>` +
      `<a href="${escape(v.referenceUrl ?? "/rules/" + v.rule)}" target="_blank"><text x="${left + 8}" y="${y + 4}">${escape(text)}</text></a></g>`;
  }

  const cls = row.kind === "network" ? "network" : row.status === "NDIS_STATUS_PENDING" ? "pending" : row.status && row.status !== "NDIS_STATUS_SUCCESS" ? "failed" : "";
  const mid = (x1 + x2) / 2;
  const label = row.kind === "network" ? escape(row.label)
    : `<tspan class="seq">${row.seq}</tspan> ${escape(row.name)}${row.status ? `: <tspan class="status">${escape(short(row.status))}</tspan>` : ""}` +
      escape(row.label.slice(row.name.length + (row.status ? short(row.status).length + 2 : 0)));
  const data = row.kind === "arrow" ? ` data-seq="${row.seq}" data-name="${row.name}" data-from="${row.from}" data-to="${row.to}"` : "";
  return `<g class="arrow ${cls}"${data}><line x1="${x1}" x2="${x2 > x1 ? x2 - 6 : x2 + 6}" y1="${y + 6}" y2="${y + 6}"/>` +
    `<text x="${mid}" y="${y}" text-anchor="middle">${label}</text></g>`;
}

scroller.addEventListener("scroll", () => {
  follow = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - ROW * 2;
  schedule();
});

// ---- Objects, pending requests, violations and the verdict, read over REST as events arrive. ----

let refreshTimer = null;
function refreshSoon() {
  if (refreshTimer !== null) return;
  refreshTimer = setTimeout(async () => { refreshTimer = null; await refresh(); }, 150);
}

async function get(path) {
  const answer = await fetch(base + path, { headers });
  if (!answer.ok) throw new Error(`${path}: ${answer.status}`);
  return answer.json();
}

async function refresh() {
  const [sandbox, violations, report] = await Promise.all([get(""), get(`/violations?after=${lastViolation}`), get("/report")]);
  showTree(sandbox);
  showPending(sandbox.pendingOperations);
  onViolations(violations.violations);
  const verdict = document.getElementById("verdict");
  verdict.textContent = report.passed ? "conforms" : `failing: ${report.failingRules.join(", ")}`;
  verdict.className = `verdict ${report.passed ? "passed" : "failed"}`;
}

const state = value => `<span class="state ${escape(value)}">${escape(value)}</span>`;
const handle = value => `<span class="handle">${escape(value)}</span>`;

function showTree(s) {
  const n = s.network;
  document.getElementById("network").textContent =
    `${s.profile.name} · ${n.medium}: ${n.reserved} of ${n.capacity} ${n.medium === "Atm" ? "cells/s" : "B-channels"} reserved by ${n.calls} call${n.calls === 1 ? "" : "s"}`;
  const items = s.addressFamilies.map(af => {
    const saps = s.saps.filter(p => p.ndisAfHandle === af.ndisAfHandle).map(p =>
      `<li data-handle="${escape(p.ndisSapHandle)}">SAP ${handle(p.ndisSapHandle)} ${state(p.state)} ${escape(p.sap.value)}</li>`);
    const vcs = s.vcs.filter(v => v.ndisAfHandle === af.ndisAfHandle).map(v => {
      const media = v.activeParameters?.mediaParameters;
      const reservation = media?.atm?.vci != null ? ` VCI ${media.atm.vci}` : media?.isdn?.bChannels != null ? ` B-channels 0x${Number(media.isdn.bChannels).toString(16)}` : "";
      const parties = v.parties.map(p => `<li data-handle="${escape(p.ndisPartyHandle)}">party ${handle(p.ndisPartyHandle)} ${state(p.state)}</li>`).join("");
      return `<li data-handle="${escape(v.ndisVcHandle)}" data-call-state="${escape(v.callState)}">VC ${handle(v.ndisVcHandle)} ${escape(v.protocolVcContext ?? "")} ` +
        `${state(v.activation)} call ${state(v.callState)}${v.closing ? " closing" : ""}${escape(reservation)}${parties ? `<ul>${parties}</ul>` : ""}</li>`;
    });
    return `<li data-handle="${escape(af.ndisAfHandle)}">AF ${handle(af.ndisAfHandle)} ${escape(af.addressFamily.addressFamily)} ${state(af.state)} ${escape(af.clientAfContext ?? "")}` +
      `<ul>${saps.join("")}${vcs.join("")}</ul></li>`;
  });
  document.getElementById("tree").innerHTML = items.length ? items.join("") : `<li class="muted">No address family open.</li>`;
}

let statuses = ["NDIS_STATUS_SUCCESS", "NDIS_STATUS_FAILURE", "NDIS_STATUS_RESOURCES"];
function showPending(pending) {
  const list = document.getElementById("pending");
  const kept = new Set(pending.map(p => p.pendingOperationId));
  for (const item of [...list.children]) if (!kept.has(item.dataset.pendingOperationId)) item.remove();
  for (const p of pending) {
    if (list.querySelector(`li[data-pending-operation-id="${CSS.escape(p.pendingOperationId)}"]`)) continue;
    const item = document.createElement("li");
    item.dataset.pendingOperationId = p.pendingOperationId;
    item.innerHTML = `${handle(p.pendingOperationId)} ${escape(p.handler)}${p.ndisVcHandle ? " on " + handle(p.ndisVcHandle) : ""} ` +
      `waits for ${escape(p.completion)} (${escape(p.completedBy)})${p.selfCompletes ? ", completes by itself" : ""}` +
      `<div class="complete-with"><select>${statuses.map(s => `<option>${s}</option>`).join("")}</select><button type="button" class="complete">Complete</button></div>`;
    item.querySelector("button").addEventListener("click", () => complete(p.pendingOperationId, item.querySelector("select").value));
    list.append(item);
  }
}

/** The same call a test makes: POST …/pending/{id}/complete with the chosen status. */
async function complete(id, status) {
  const answer = await fetch(`${base}/pending/${encodeURIComponent(id)}/complete`, { method: "POST", headers, body: JSON.stringify({ status }) });
  const body = await answer.json().catch(() => ({}));
  document.getElementById("complete-result").textContent =
    `${id}: ${answer.status} ${body.status ?? ""}${body.rule ? ` ${body.rule} ${body.title}` : ""}`;
  refreshSoon();
}

function listViolation(v) {
  const item = document.createElement("li");
  item.className = v.severity;
  item.dataset.rule = v.rule;
  item.dataset.journalSequence = v.journalSequence;
  item.innerHTML = `<strong>${escape(v.rule)}</strong> ${escape(v.severity)} in ${escape(v.operation)} after event ${v.journalSequence}: ${escape(v.detail)} ` +
    `<a href="${escape(v.referenceUrl ?? "/rules/" + v.rule)}" target="_blank">${escape(v.reference)}</a>`;
  document.getElementById("violations").prepend(item);
}

// ---- Swagger UI with this sandbox's key already entered in Authorize (its persisted authorization). ----

document.getElementById("swagger-link").addEventListener("click", () => {
  const authorized = JSON.parse(localStorage.getItem("authorized") ?? "{}");
  authorized.SandboxKey = { name: "SandboxKey", schema: { type: "apiKey", name: "X-Sandbox-Key", in: "header" }, value: sandboxKey };
  localStorage.setItem("authorized", JSON.stringify(authorized));
});

// ---- The hub: every journal event from the first, then live ones; reconnect after the last one seen. ----

async function connect() {
  const connectionState = document.getElementById("connection");
  const documentSchemas = (await (await fetch("/swagger/v1/swagger.json")).json()).components.schemas;
  statuses = documentSchemas.NdisStatusName.enum.filter(s => s !== "NDIS_STATUS_PENDING");
  statuses.sort((a, b) => (b === "NDIS_STATUS_SUCCESS") - (a === "NDIS_STATUS_SUCCESS"));
  const hub = new signalR.HubConnectionBuilder().withUrl("/hubs/ndis").withAutomaticReconnect().configureLogging(signalR.LogLevel.Warning).build();
  for (const name of documentSchemas.EventName.enum) hub.on(name, onEvent);
  hub.on("SubscriptionEnded", ended => { connectionState.textContent = `ended: ${ended.reason ?? ended}`; connectionState.className = "connection lost"; });
  // One Subscribe replays at most Sandboxes__MaxReplayPerSubscribe events, so a long journal is read page by page over REST
  // first (GetEvents, from the oldest event still kept); Subscribe then replays only what arrived in between.
  const catchUp = async () => {
    for (;;) {
      const answer = await fetch(`${base}/events?after=${page.lastSequence}&limit=1000`, { headers });
      if (answer.status === 410 && page.events === 0) {
        page.lastSequence = (await answer.json()).oldestSequenceKept - 1;
        continue;
      }

      if (!answer.ok) throw new Error(`GetEvents: ${answer.status}`);
      const batch = await answer.json();
      for (const e of batch.events) onEvent(e);
      if (batch.events.length === 0 || page.lastSequence >= batch.lastSequence) return;
    }
  };
  const subscribe = async () => {
    for (let attempt = 1; ; attempt++) {
      await catchUp();
      try {
        await hub.invoke("Subscribe", sandboxId, sandboxKey, page.lastSequence);
        break;
      } catch (error) {
        // More events arrived between the last page and the Subscribe than one Subscribe replays: read them too.
        if (attempt >= 5 || !String(error.message).includes("MaxReplayPerSubscribe")) throw error;
      }
    }

    connectionState.textContent = "live";
    connectionState.className = "connection connected";
  };
  hub.onreconnecting(() => { connectionState.textContent = "reconnecting…"; connectionState.className = "connection lost"; });
  hub.onreconnected(subscribe);
  try {
    await hub.start();
    await subscribe();
  } catch (error) {
    connectionState.textContent = `not connected: ${error.message}`;
    connectionState.className = "connection lost";
    return;
  }

  await refresh();
  // A refused call changes nothing and journals nothing, so no event announces its violation: look for new ones now and then.
  setInterval(() => get(`/violations?after=${lastViolation}`).then(v => onViolations(v.violations)).catch(() => {}), 1000);
}

connect();
