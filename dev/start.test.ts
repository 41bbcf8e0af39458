import type { ChildProcess } from "node:child_process";
import { afterEach, expect, it } from "vitest";
import { stopChild } from "./stack/child-processes";
import { freePort } from "./stack/local-stack";
import { runAsDeployed } from "./test/fixtures";

// `npm start` in hosted mode, pointed at the tests' stack as if it were a Supabase project: no local stand-ins,
// the given HOST, PORT and APP_URL, and production's checks.
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child) await stopChild(child);
  child = undefined;
});

function hostedStart(settings: Parameters<typeof runAsDeployed>[1]) {
  const start = runAsDeployed("dev/start.ts", settings);
  child = start.child;
  return start;
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
