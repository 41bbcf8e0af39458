// `npm run workspace:create -- --name "Iron Temple Gym" --admin owner@irontemple.com`: a new gym and its first
// admin, for an operator (with SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY and DATABASE_URL set). The admin's password
// is ADMIN_PASSWORD when set, else generated and printed once, here only.
import { parseArgs } from "node:util";
import { closeDatabase } from "../db/client";
import { logger } from "../lib/logger";
import { createWorkspaceWithAdmin } from "../services/workspace-create";

const { values } = parseArgs({ options: { name: { type: "string" }, admin: { type: "string" } } });
const result = await createWorkspaceWithAdmin(
  { name: values.name ?? "", adminEmail: values.admin ?? "", password: process.env.ADMIN_PASSWORD || undefined },
  logger.child({ command: "workspace:create" }),
);
await closeDatabase();
if (result.success) {
  const { workspaceId, adminUserId, generatedPassword } = result.data;
  process.stdout.write(`workspace=${workspaceId} admin=${adminUserId}\n`);
  if (generatedPassword) process.stdout.write(`The admin signs in with this password (shown once): ${generatedPassword}\n`);
} else {
  const fields = Object.entries(result.error.details?.fieldErrors ?? {}).map(
    ([field, messages]) => `  ${field}: ${messages.join(" ")}`,
  );
  process.stderr.write(`${result.error.message}\n${fields.join("\n")}\n`);
  process.exitCode = 1;
}
