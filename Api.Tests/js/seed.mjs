// The seed flow with the official SignalR JavaScript client under Node: subscribe to a sandbox, make a call, close it
// (the close pends), complete it with NdisMCmCloseCallComplete, and await ProtocolClCloseCallComplete.
// Usage: node seed.mjs <base address of a running NdisMock> [filtered]. With "filtered" it subscribes with
// SubscribeToEvents to the events it handles only, and fails on any warning of the client (e.g. for a method it has no
// handler for). Exits 0 on success, 1 with a reason otherwise.
import * as signalR from "@microsoft/signalr";

const base = process.argv[2];
const filtered = process.argv[3] === "filtered";
if (!base) {
  console.error("usage: node seed.mjs <base address>");
  process.exit(2);
}

const fail = (why) => {
  console.error(`FAIL: ${why}`);
  process.exit(1);
};
const timeout = setTimeout(() => fail("no ProtocolClCloseCallComplete within 30 s"), 30_000);

async function call(method, path, key, body) {
  const response = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...(key ? { "X-Sandbox-Key": key } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) fail(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const sandbox = await call("POST", "/sandboxes", null, {});
const s = `/sandboxes/${sandbox.id}`;
const received = [];
let closeComplete;
const closed = new Promise((resolve) => (closeComplete = resolve));

const warnings = [];
const logger = {
  log(level, message) {
    if (level < signalR.LogLevel.Warning) return;
    warnings.push(message);
    console.error(message);
  },
};
const connection = new signalR.HubConnectionBuilder()
  .withUrl(base + "/hubs/ndis", { transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
  .configureLogging(logger)
  .build();
const handled = ["NdisClMakeCall", "ProtocolClMakeCallComplete", "NdisClCloseCall", "ProtocolCmCloseCall",
                 "NdisMCmCloseCallComplete", "ProtocolClCloseCallComplete"];
for (const name of handled) {
  connection.on(name, (event) => {
    received.push(`${event.sequence} ${name} ${event.status ?? ""}`.trim());
    if (name !== event.name) fail(`method ${name} carried event ${event.name}`);
    if (name === "ProtocolClCloseCallComplete") closeComplete(event);
  });
}
await connection.start();
const info = filtered
  ? await connection.invoke("SubscribeToEvents", sandbox.id, sandbox.key, 0, handled)
  : await connection.invoke("Subscribe", sandbox.id, sandbox.key, 0);
if (info.lastSequence !== 4) fail(`a new sandbox starts at sequence 4, not ${info.lastSequence}`);

const af = (await call("POST", `${s}/client/address-families`, sandbox.key, { addressFamily: "Q2931", clientAfContext: "js-af" })).ndisAfHandle;
const vc = (await call("POST", `${s}/client/address-families/${af}/vcs`, sandbox.key, { protocolVcContext: "js-vc" })).ndisVcHandle;
const made = await call("POST", `${s}/client/vcs/${vc}/call`, sandbox.key, {});
await call("POST", `${s}/pending/${made.pendingOperationId}/complete`, sandbox.key, { status: "NDIS_STATUS_SUCCESS" });
const close = await call("POST", `${s}/client/vcs/${vc}/call/close`, sandbox.key, {});
if (close.status !== "NDIS_STATUS_PENDING") fail(`the close should pend, it answered ${close.status}`);
await call("POST", `${s}/mcm/vcs/${vc}/close-call-complete`, sandbox.key, { status: "NDIS_STATUS_SUCCESS" });

const event = await closed;
clearTimeout(timeout);
if (event.protocolVcContext !== "js-vc") fail(`protocolVcContext was ${event.protocolVcContext}`);
if (event.pendingOperationId !== close.pendingOperationId) fail("the callback names another pending operation");
if (event.statusCode !== "0x00000000") fail(`statusCode was ${event.statusCode}`);
await connection.stop();
if (filtered && warnings.length > 0) fail(`the client warned: ${warnings.join("; ")}`);
console.log(received.join("\n"));
console.log("OK ProtocolClCloseCallComplete");
