import type { ChildProcess } from "node:child_process";
import { afterEach, expect, inject, it } from "vitest";
import { pipeLines, spawnTypeScript, stopChild } from "./stack/child-processes";
import { freePort, ROOT } from "./stack/local-stack";

// `npm start` in hosted mode, pointed at the tests' stack as if it were a Supabase project: no local stand-ins,
// the given HOST, PORT and APP_URL, and production's checks.
const { env: stackEnv, metaUrl } = inject("stack");
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child) await stopChild(child);
  child = undefined;
});

function hostedStart(env: Record<string, string> & { NODE_ENV: "development" | "production" }) {
  const lines: string[] = [];
  child = spawnTypeScript(ROOT, "dev/start.ts", {
    // Only what a deploy would set: nothing of the local stack's own (FRONTDESK_LOCAL_STACK), no .env in the way.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      SUPABASE_URL: stackEnv.SUPABASE_URL ?? "",
      SUPABASE_ANON_KEY: stackEnv.SUPABASE_ANON_KEY ?? "",
      SUPABASE_SERVICE_ROLE_KEY: stackEnv.SUPABASE_SERVICE_ROLE_KEY ?? "",
      DATABASE_URL: stackEnv.DATABASE_URL ?? "",
      DATABASE_API_URL: stackEnv.DATABASE_API_URL ?? "",
      META_GRAPH_URL: metaUrl,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
  for (const stream of [child.stdout, child.stderr]) pipeLines(stream, (line) => lines.push(line));
  return { lines, exited };
}

it("runs the app and a worker on the given host, port and URL, and nothing of the local stack", async () => {
  const port = await freePort();
  const start = hostedStart({
    NODE_ENV: "development",
    HOST: "127.0.0.1",
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
  });
  const deadline = Date.now() + 150_000;
  while (!start.lines.some((line) => line.includes("Frontdesk is ready")) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const output = start.lines.join("\n");
  expect(output).toContain(`→ http://localhost:${port}`);
  expect(output).toContain(`Listening: 127.0.0.1:${port}`);
  expect(output).toMatch(/worker .*"event":"worker.started"/);
  expect(output).not.toMatch(/^\S*postgres|Meta:|Sign in:/m);
  const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
  expect(health).toMatchObject({ status: "ok", database: { reachable: true } });
}, 180_000);

it("refuses, naming each, the settings production cannot run with", async () => {
  const start = hostedStart({ NODE_ENV: "production", APP_URL: "http://127.0.0.1:3000" });
  expect(await start.exited).toBe(1);
  const output = start.lines.join("\n");
  for (const expected of [
    "APP_URL has the local stack's value",
    "SUPABASE_URL points at this machine",
    "META_GRAPH_URL points at this machine",
    "META_APP_ID has the local stack's value",
    "META_APP_SECRET has the local stack's value",
    "TOKEN_ENCRYPTION_KEYS has the local stack's value",
  ]) {
    expect(output).toContain(expected);
  }
}, 60_000);
