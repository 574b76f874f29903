// Parses each file named on the command line with Mermaid's own parser (the one that renders on GitHub and GitLab), so a
// diagram NdisMock writes is known to render. Prints the diagram type of each; exits 1 with the parser's message on the first
// that does not parse.
import { readFile } from "node:fs/promises";
import mermaid from "mermaid";

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
