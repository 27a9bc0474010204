// Parse a BPMN file with bpmn.io's bpmn-moddle and print what it saw as JSON:
// {"warnings": [messages], "flowElements": [{"type", "id", "name"}], "lanes": [names]}.
// With OUT, also writes the document back as bpmn-moddle serialises it (as bpmn.io saves it).
// Exits 1 (printing {"error": message}) when bpmn-moddle cannot parse the file at all.
// Usage: node tests/js/parse.mjs FILE.bpmn [OUT.bpmn]
import { readFile, writeFile } from "node:fs/promises";
import { BpmnModdle } from "bpmn-moddle";

function flowElements(container) {
  const found = [];
  for (const element of container.flowElements || []) {
    found.push({ type: element.$type, id: element.id, name: element.name ?? null });
    if (element.flowElements) found.push(...flowElements(element));
  }
  return found;
}

function lanes(process) {
  return (process.laneSets || []).flatMap((set) => (set.lanes || []).map((lane) => lane.name ?? null));
}

const [path, out] = process.argv.slice(2);
try {
  const xml = await readFile(path, "utf8");
  const moddle = new BpmnModdle();
  const { rootElement, warnings } = await moddle.fromXML(xml);
  if (out) {
    const { xml: saved } = await moddle.toXML(rootElement, { format: true });
    await writeFile(out, saved, "utf8");
  }
  const processes = rootElement.rootElements.filter((e) => e.$type === "bpmn:Process");
  console.log(
    JSON.stringify({
      warnings: warnings.map((w) => w.message),
      flowElements: processes.flatMap(flowElements),
      lanes: processes.flatMap(lanes),
    }),
  );
} catch (error) {
  console.log(JSON.stringify({ error: String(error.message ?? error) }));
  process.exit(1);
}
