import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeLines } from "../stack/child-processes";

export interface Pooler {
  /** `url` through the pooler: same user, password and database, marked `pgbouncer=true` (no prepared statements). */
  pooled(url: string): string;
  stop(): Promise<void>;
}

export const PGBOUNCER = "/usr/sbin/pgbouncer";

/**
 * Debian's PgBouncer in transaction mode in front of the local cluster, standing in for Supavisor's port 6543: a
 * server connection serves one transaction, then someone else's, so any session state a test relies on breaks as it
 * would hosted. Users log in with the passwords they have on the server (`users`).
 */
export async function startPgbouncer(options: {
  serverPort: number;
  port: number;
  users: Record<string, string>;
  onLog?: (line: string) => void;
}): Promise<Pooler> {
  // Its own folder, readable by the postgres user it switches to when started as root (it refuses to run as root).
  const dir = await mkdtemp(path.join(tmpdir(), "frontdesk-pgbouncer-"));
  await chmod(dir, 0o755);
  const userlist = Object.entries(options.users).map(([user, password]) => `"${user}" "${password}"`);
  await writeFile(path.join(dir, "userlist.txt"), `${userlist.join("\n")}\n`, { mode: 0o644 });
  const ini = [
    "[databases]",
    `* = host=127.0.0.1 port=${options.serverPort}`,
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${options.port}`,
    `unix_socket_dir =`,
    "auth_type = plain",
    `auth_file = ${path.join(dir, "userlist.txt")}`,
    "pool_mode = transaction",
    "max_client_conn = 500",
    "default_pool_size = 40",
    // Like Supavisor: the startup parameters clients commonly send are accepted, not refused.
    "ignore_startup_parameters = extra_float_digits,options,application_name",
    "server_reset_query =",
  ];
  await writeFile(path.join(dir, "pgbouncer.ini"), `${ini.join("\n")}\n`, { mode: 0o644 });
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(PGBOUNCER, [...(asRoot ? ["-u", "postgres"] : []), path.join(dir, "pgbouncer.ini")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) if (stream) pipeLines(stream, (line) => options.onLog?.(line));
  await waitForPort(options.port, child);
  return {
    pooled(url) {
      const parsed = new URL(url);
      parsed.port = String(options.port);
      parsed.searchParams.set("pgbouncer", "true");
      return parsed.toString();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`pgbouncer did not listen on ${port}`);
}
