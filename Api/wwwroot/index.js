"use strict";
// The start page: open one sandbox's live page (its key travels in the URL fragment, which is never sent to a server), or, with the
// operator's key, list every sandbox of this instance with its verdict.

document.getElementById("open-sandbox").addEventListener("submit", event => {
  event.preventDefault();
  const id = document.getElementById("sandbox-id").value.trim();
  const key = document.getElementById("sandbox-key").value.trim();
  location.href = `/sandbox.html#id=${encodeURIComponent(id)}&key=${encodeURIComponent(key)}`;
});

document.getElementById("operator").addEventListener("submit", async event => {
  event.preventDefault();
  const key = document.getElementById("operator-key").value.trim();
  const status = document.getElementById("operator-status");
  const table = document.getElementById("sandboxes");
  const headers = { "X-Operator-Key": key };
  const answer = await fetch("/sandboxes", { headers });
  if (!answer.ok) {
    const problem = await answer.json().catch(() => ({}));
    status.textContent = `${answer.status}: ${problem.title ?? ""} ${problem.detail ?? ""}`;
    table.hidden = true;
    return;
  }

  const { sandboxes } = await answer.json();
  status.textContent = `${sandboxes.length} sandbox${sandboxes.length === 1 ? "" : "es"}. Open one with its key above.`;
  const body = table.querySelector("tbody");
  body.replaceChildren(...sandboxes.map(s => {
    const row = document.createElement("tr");
    row.dataset.sandboxId = s.id;
    for (const value of [s.id, s.profile, s.vcs, s.pendingOperations, s.events, new Date(s.lastUsed).toLocaleTimeString(), "…"]) {
      const cell = document.createElement("td");
      cell.textContent = value;
      row.append(cell);
    }

    row.cells[0].addEventListener("click", () => { document.getElementById("sandbox-id").value = s.id; document.getElementById("sandbox-key").focus(); });
    fetch(`/sandboxes/${encodeURIComponent(s.id)}/report`, { headers }).then(r => r.ok ? r.json() : null).then(report => {
      const verdict = row.cells[6];
      verdict.textContent = report === null ? "?" : report.passed ? "passed" : "failing: " + report.failingRules.join(", ");
      verdict.className = report?.passed ? "passed" : "failed";
    });
    return row;
  }));
  table.hidden = false;
});
