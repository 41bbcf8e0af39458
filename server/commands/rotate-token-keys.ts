// `npm run tokens:rotate`: re-encrypts every stored Meta token under the first key of
// TOKEN_ENCRYPTION_KEYS (with DATABASE_URL pointing at the database). Safe to run again.
import { closeDatabase } from "../db/client";
import { logger } from "../lib/logger";
import { tokenKeyring } from "../lib/token-keyring";
import { rotateTokenKeys } from "../services/token-rotation";

const report = await rotateTokenKeys(await tokenKeyring(), logger.child({ command: "tokens:rotate" }));
await closeDatabase();
process.stdout.write(`rotated=${report.rotated} unreadable=${report.unreadable.length}\n`);
process.exitCode = report.unreadable.length > 0 ? 1 : 0;
