// `npm run schema:dump`: applies supabase/migrations to an empty throwaway database and writes supabase/schema.sql.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { freePort } from "../stack/local-stack";
import { startCluster } from "./cluster";
import { prepareDatabase } from "./prepare";
import { SCHEMA_FILE, schemaSnapshot } from "./schema-snapshot";

const stateDir = await mkdtemp(path.join(tmpdir(), "frontdesk-schema-"));
const cluster = await startCluster({
  dataDir: path.join(stateDir, "postgres"),
  port: await freePort(),
  persistent: false,
  fast: true,
});
try {
  await prepareDatabase(cluster.url, { seedDemo: false });
  const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
  await writeFile(SCHEMA_FILE, await schemaSnapshot(sql));
  await sql.end();
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
} finally {
  await cluster.stop();
  await rm(stateDir, { recursive: true, force: true });
}
