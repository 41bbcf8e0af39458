// `npm run bench:bundle`: gzip size of the JavaScript a browser loads for /inbox/:conversationId,
// read from the Remix build manifest (run `npm run build` first), plus the chunks it imports once it
// runs (the Realtime client). Target: ≤ 200 KB.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "../stack/local-stack";

interface Manifest {
  entry: { module: string; imports: string[] };
  routes: Record<string, { module: string; imports?: string[] }>;
}

const buildDir = path.join(ROOT, "public/build");
const manifestFile = readdirSync(buildDir).find((file) => file.startsWith("manifest-"));
if (!manifestFile) throw new Error("no build: run `npm run build` first");
const manifest = JSON.parse(
  readFileSync(path.join(buildDir, manifestFile), "utf8")
    .replace(/^window\.__remixManifest=/, "")
    .replace(/;$/, ""),
) as Manifest;

const files = new Set([manifest.entry.module, ...manifest.entry.imports]);
for (const id of ["root", "routes/inbox", "routes/inbox.$conversationId"]) {
  const route = manifest.routes[id];
  if (!route) throw new Error(`route ${id} missing from the manifest`);
  for (const file of [route.module, ...(route.imports ?? [])]) files.add(file);
}
// Chunks the page imports after it starts (the Realtime client) are loaded by every inbox visit too.
const lazy = new Set<string>();
const queue = [...files];
for (let i = 0; i < queue.length; i++) {
  const source = readFileSync(path.join(ROOT, "public", queue[i] ?? ""), "utf8");
  for (const [, target] of source.matchAll(/import\("(\/build\/[^"]+\.js)"\)/g)) {
    if (!target || files.has(target) || lazy.has(target)) continue;
    lazy.add(target);
    queue.push(target);
  }
}
const gzipKb = (set: Set<string>) =>
  [...set].reduce((sum, file) => sum + gzipSync(readFileSync(path.join(ROOT, "public", file)), { level: 9 }).length, 0) / 1024;
const initial = gzipKb(files);
const total = initial + gzipKb(lazy);
process.stdout.write(`inbox route JS: ${files.size} files, ${initial.toFixed(1)} KB gzip before the page runs\n`);
process.stdout.write(
  `  + ${lazy.size} chunk(s) it loads right after (Realtime): ${total.toFixed(1)} KB gzip in all (target ≤ 200 KB)\n`,
);
process.stdout.write(`inbox_js_gzip_kb=${total.toFixed(1)} initial_kb=${initial.toFixed(1)}\n`);
