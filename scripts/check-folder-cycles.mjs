#!/usr/bin/env node
// Fails when two folders of src/ import each other, directly or through others (a cycle between folders), naming the
// folders and one import of each step. Reads dependency-cruiser's JSON (npm run lint:deps runs both); unit tests
// (*.spec.ts) are left out, as they may reach anything.
import { execFileSync } from 'node:child_process';

const json = execFileSync(process.execPath, ['node_modules/dependency-cruiser/bin/dependency-cruise.mjs', 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
  encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
});
const folderOf = (path) => /^src\/([^/]+)\//.exec(path)?.[1] ?? null;
const edges = new Map(); // folder -> Map(folder -> example import)
for (const m of JSON.parse(json).modules) {
  if (m.source.endsWith('.spec.ts')) continue;
  const from = folderOf(m.source);
  if (!from) continue;
  for (const d of m.dependencies) {
    const to = folderOf(d.resolved);
    if (!to || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${m.source} → ${d.resolved}`);
  }
}
// strongly connected components (Tarjan): a component of more than one folder is a cycle
let index = 0;
const idx = new Map(), low = new Map(), stack = [], on = new Set(), cycles = [];
const visit = (v) => {
  idx.set(v, index); low.set(v, index++); stack.push(v); on.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do { w = stack.pop(); on.delete(w); comp.push(w); } while (w !== v);
    if (comp.length > 1) cycles.push(comp.sort());
  }
};
for (const v of edges.keys()) if (!idx.has(v)) visit(v);
if (!cycles.length) {
  console.log(`✔ no cycle between the folders of src/ (${edges.size} folders)`);
} else {
  for (const comp of cycles) {
    console.error(`✖ these folders of src/ import each other in a circle: ${comp.join(', ')}`);
    for (const a of comp) for (const [b, example] of edges.get(a) ?? []) if (comp.includes(b)) console.error(`    ${a} → ${b}: ${example}`);
  }
  process.exit(1);
}
