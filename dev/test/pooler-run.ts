// `npm run test:pooler`: the integration suite again, with the app and the edge function behind PgBouncer in
// transaction mode (Debian's `pgbouncer`), as hosted Supabase's Supavisor on port 6543 would put them. CI installs
// it (.ci/run) and requires this run; a machine without it is told how to get it and the run is skipped.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { PGBOUNCER } from "../postgres/pgbouncer";

if (!existsSync(PGBOUNCER)) {
  const required = process.env.FRONTDESK_POOLER_REQUIRED === "1";
  process.stderr.write(
    `${PGBOUNCER} is not installed (apt-get install pgbouncer): ${required ? "this run is required here" : "skipping the run through a transaction pooler; CI runs it"}\n`,
  );
  process.exit(required ? 1 : 0);
}
const run = spawnSync("npx", ["vitest", "run"], {
  stdio: "inherit",
  env: { ...process.env, FRONTDESK_TEST_POOLER: "transaction" },
});
process.exit(run.status ?? 1);
