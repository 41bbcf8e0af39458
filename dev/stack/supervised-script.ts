import type { ChildProcess } from "node:child_process";
import { pipeLines, spawnTypeScript, stopChild } from "./child-processes";

/** A crash loop is not restarted for ever: this many crashes within a minute and the supervisor gives up. */
const MAX_CRASHES_PER_MINUTE = 5;
const START_TIMEOUT_MS = 30_000;

export interface SupervisedScript {
  stop(): Promise<void>;
  /** The running process's id (a benchmark reads its memory). */
  pid(): number | undefined;
}

/**
 * Runs one of our TypeScript entry points (under tsx) and keeps it running: resolves once `ready` says it is up; if it
 * exits on its own later, it is started again and the log says so, so one crash does not leave that part down.
 * An exit before it was first ready is a failure to start (bad configuration): reported, not retried.
 */
export async function superviseScript(options: {
  name: string;
  script: string;
  root: string;
  env: Record<string, string | undefined>;
  log: (source: string, line: string) => void;
  /** Checked every 100 ms, and given each output line, until it answers true. */
  ready: (line: string | null) => boolean | Promise<boolean>;
}): Promise<SupervisedScript> {
  let stopping = false;
  let started = false;
  let readyLine = false;
  const crashes: number[] = [];
  const spawnScript = (): ChildProcess => {
    const child = spawnTypeScript(options.root, options.script, {
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout, child.stderr]) {
      pipeLines(stream, (line) => {
        options.log(options.name, line);
        if (!started) {
          void Promise.resolve(options.ready(line)).then((ok) => {
            if (ok) readyLine = true;
          });
        }
      });
    }
    child.once("exit", (code, signal) => {
      if (stopping || !started) return;
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && (crashes[0] ?? now) < now - 60_000) crashes.shift();
      const how = signal ?? `code ${code}`;
      if (crashes.length > MAX_CRASHES_PER_MINUTE) {
        options.log(options.name, `exited (${how}) ${crashes.length} times in a minute; not restarting it`);
        return;
      }
      options.log(options.name, `exited (${how}); restarting it`);
      current = spawnScript();
    });
    return child;
  };
  let current = spawnScript();
  const stop = () => {
    stopping = true;
    return stopChild(current);
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (current.exitCode !== null) throw new Error(`${options.name} exited with code ${current.exitCode} while starting`);
    if (readyLine || (await options.ready(null))) {
      started = true;
      return { stop, pid: () => current.pid };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`${options.name} did not start within ${START_TIMEOUT_MS / 1000} s`);
}
