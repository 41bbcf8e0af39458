import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

/**
 * Runs one of our TypeScript entry points in a Node process of its own, tsx loaded as a module hook rather than
 * through tsx's CLI: the child's pid is then the script's own process, so a SIGKILL reaches it instead of orphaning
 * it behind a wrapper.
 */
export function spawnTypeScript(
  root: string,
  script: string,
  options: Omit<SpawnOptions, "cwd">,
  args: string[] = [],
): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", script, ...args], { ...options, cwd: root });
}

/** Calls `onLine` for each complete, non-empty line of a child's output, across chunk boundaries. */
export function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void) {
  let buffer = "";
  stream?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) onLine(line);
  });
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the child has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
