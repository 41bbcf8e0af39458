// `npm run bench:bundle`: gzip size of the JavaScript a browser loads for /inbox/:conversationId,
// read from the Remix build manifest (run `npm run build` first). Target: ≤ 200 KB.
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
let total = 0;
for (const file of files) total += gzipSync(readFileSync(path.join(ROOT, "public", file)), { level: 9 }).length;
process.stdout.write(`inbox route JS: ${files.size} files, ${(total / 1024).toFixed(1)} KB gzip (target ≤ 200 KB)\n`);
process.stdout.write(`inbox_js_gzip_kb=${(total / 1024).toFixed(1)}\n`);
