import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { pipeLines, stopChild } from "../stack/child-processes";

export interface FunctionsServer {
  url: string;
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, "../..");

/** The `deno` binary shipped by the `deno` npm package: no global install. */
function denoBinary(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("deno/package.json")), "deno");
}

/** Starts real Deno serving supabase/functions; resolves once it listens. */
export function startFunctions(options: {
  env: Record<string, string>;
  port?: number;
  onLog?: (line: string) => void;
}): Promise<FunctionsServer> {
  const child: ChildProcess = spawn(
    denoBinary(),
    [
      "run",
      "--quiet",
      "--no-prompt",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--node-modules-dir=manual",
      path.join(root, "dev/supabase/functions-main.ts"),
    ],
    {
      cwd: root,
      env: {
        NODE_ENV: "development",
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? root,
        DENO_DIR: path.join(root, ".local/deno"),
        DENO_NO_UPDATE_CHECK: "1",
        NO_COLOR: "1",
        FUNCTIONS_PORT: String(options.port ?? 0),
        ...options.env,
      },
      // stdin stays open and silent: when this process dies, however abruptly, Deno sees EOF and exits.
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  const log = options.onLog ?? (() => {});
  return new Promise((resolve, reject) => {
    let ready = false;
    const onLine = (line: string) => {
      const port = !ready && /"event":"functions.listening","port":(\d+)/.exec(line)?.[1];
      if (port) {
        ready = true;
        resolve({ url: `http://127.0.0.1:${port}`, stop: () => stopChild(child) });
      }
      log(line);
    };
    pipeLines(child.stdout, onLine);
    pipeLines(child.stderr, onLine);
    child.once("exit", (code) => {
      if (!ready) reject(new Error(`deno exited with code ${code} before serving functions`));
    });
  });
}
