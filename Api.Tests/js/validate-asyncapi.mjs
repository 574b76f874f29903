// Validates an AsyncAPI document with the AsyncAPI Initiative's own parser (its schema and Spectral rules):
//   node validate-asyncapi.mjs ../../Api/asyncapi.json
// Prints every diagnostic as one JSON object per line and exits 1 when any is an error or a warning.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const file = resolve(process.argv[2] ?? "../../Api/asyncapi.json");
const parser = new Parser();
const { document, diagnostics } = await parser.parse(await readFile(file, "utf8"), { source: pathToFileURL(file).href });

const severities = { [DiagnosticSeverity.Error]: "error", [DiagnosticSeverity.Warning]: "warning", [DiagnosticSeverity.Information]: "information", [DiagnosticSeverity.Hint]: "hint" };
for (const d of diagnostics) {
  console.log(JSON.stringify({ severity: severities[d.severity], code: d.code, message: d.message, path: d.path.join("/") }));
}

const failing = diagnostics.filter(d => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning);
if (document === undefined || failing.length > 0) {
  console.error(`${file}: ${failing.length} error(s) or warning(s)${document === undefined ? "; the document did not parse" : ""}`);
  process.exit(1);
}

console.log(`${file}: AsyncAPI ${document.version()}, ${document.operations().length} operations, ${document.messages().length} messages, no error and no warning`);
