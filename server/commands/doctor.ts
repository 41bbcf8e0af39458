// `npm run doctor`: tries a configured deployment end to end and prints one line per check — what is fine, or what
// is wrong and how to fix it — then exits 1 if anything is wrong. Settings as the app reads them (the environment,
// then `.env`); on a machine running `npm start` with neither, the local stack's (.local/stack.env).
import { existsSync } from "node:fs";
import path from "node:path";
import { closeDatabase } from "../db/client";
import { DATABASE_CHECKS } from "../doctor/database-checks";
import type { DoctorContext } from "../doctor/finding";
import { signedInMember } from "../doctor/realtime-check";
import { SUPABASE_CHECKS } from "../doctor/supabase-checks";
import { checkConfig, LOCAL_STACK_ENV_FILE, loadEnvFile } from "../lib/config";

const ROOT = path.resolve(import.meta.dirname, "../..");
const LOCAL_STACK_ENV = path.join(ROOT, LOCAL_STACK_ENV_FILE);

loadEnvFile();
if (!process.env.SUPABASE_URL && existsSync(LOCAL_STACK_ENV)) process.loadEnvFile(LOCAL_STACK_ENV);

const print = (line: string) => process.stdout.write(`${line}\n`);

/** One line per check, then the verdict; the number of wrong ones. */
async function examine(): Promise<number> {
  const { config, invalid, unfitForProduction } = checkConfig(process.env);
  if (!config) {
    for (const line of invalid) print(`✗ settings: ${line}`);
    print("doctor: the settings do not parse; nothing else was tried");
    return invalid.length;
  }
  let failed = 0;
  if (!config.FRONTDESK_LOCAL_STACK) {
    for (const line of unfitForProduction) print(`✗ settings: ${line}`);
    if (unfitForProduction.length === 0) print("✓ settings: none has a local value");
    failed += unfitForProduction.length;
  }
  const context: DoctorContext = { config, env: process.env, migrationsDir: path.join(ROOT, "supabase", "migrations") };
  const checks = [...DATABASE_CHECKS, ...SUPABASE_CHECKS, signedInMember];
  for (const check of checks) {
    const finding = await check.run(context);
    if (finding.ok) {
      print(`✓ ${check.name}: ${finding.detail}`);
    } else {
      failed++;
      print(`✗ ${check.name}: ${finding.problem}\n    fix: ${finding.fix}`);
    }
  }
  await closeDatabase();
  print(failed === 0 ? `doctor: all ${checks.length} checks pass` : `doctor: ${failed} wrong`);
  return failed;
}

const failed = await examine();
// supabase-js keeps timers of its own after the Realtime check; the answer is in, so leave once stdout is written.
process.stdout.write("", () => process.exit(failed === 0 ? 0 : 1));
