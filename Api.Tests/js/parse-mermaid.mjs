// Parses each file named on the command line with Mermaid's own parser (the one that renders on GitHub and GitLab), so a
// diagram NdisMock writes is known to render. Prints the diagram type of each; exits 1 with the parser's message on the first
// that does not parse. Some diagram types (stateDiagram-v2) sanitize their labels with DOMPurify, which needs a DOM: jsdom
// gives Node one before Mermaid loads.
import { readFile } from "node:fs/promises";
import { JSDOM } from "jsdom";

const { window } = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import("mermaid");

for (const file of process.argv.slice(2)) {
  const text = await readFile(file, "utf8");
  try {
    const parsed = await mermaid.parse(text);
    console.log(`${parsed.diagramType} ${file}`);
  } catch (error) {
    console.error(`${file}: ${error.message}`);
    process.exit(1);
  }
}
