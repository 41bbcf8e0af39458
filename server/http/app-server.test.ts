import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pipeLines, stopChild } from "../../dev/stack/child-processes";
import { eventually } from "../../dev/test/eventually";

const root = path.resolve(import.meta.dirname, "../..");

// The server runs in a process of its own: what is under test is that an uncaught error does not end it.
const program = `
import { createAppServer, keepServingThroughUncaughtErrors, stopGracefullyOnSignals } from "./server/http/app-server.ts";
import { createLogger } from "./server/lib/logger.ts";
const log = createLogger({}, "info");
keepServingThroughUncaughtErrors(log);
const app = createAppServer({
  log,
  security: { supabaseUrl: "https://abcd.supabase.co", https: true },
  handler: (req, res) => {
    // Thrown from a timer: no handler's try/catch or promise chain can see it.
    if (req.path === "/throws-later") setTimeout(() => { throw new Error("not a member's text"); }, 10);
    else if (req.path === "/slow") setTimeout(() => res.send("finished"), 800);
    else res.send("still here");
  },
});
const server = app.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ listening: server.address().port })));
stopGracefullyOnSignals(server, log, async () => console.log(JSON.stringify({ closed: "pools" })));
`;

const lines: string[] = [];
let child: ReturnType<typeof spawn>;
let url = "";
beforeAll(async () => {
  child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "--eval", program], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  url = await new Promise<string>((resolve, reject) => {
    const onLine = (line: string) => {
      lines.push(line);
      const port = /"listening":(\d+)/.exec(line)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    };
    pipeLines(child.stdout, onLine);
    pipeLines(child.stderr, onLine);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${lines.join("\n")}`)));
  });
});
afterAll(() => stopChild(child));

it("answers 500 for a request whose work throws out of reach, logs its request id, and keeps serving", async () => {
  const failed = await fetch(`${url}/throws-later`, { headers: { "x-request-id": "req-under-test-1" } });
  expect(failed.status).toBe(500);
  expect(await failed.text()).toContain("req-under-test-1");
  const next = await fetch(`${url}/anything`);
  expect([next.status, await next.text()]).toEqual([200, "still here"]);

  const logged = lines.flatMap((line) => (line.startsWith("{") ? [JSON.parse(line) as Record<string, unknown>] : []));
  expect(logged).toContainEqual(
    expect.objectContaining({ event: "process.uncaught_exception", requestId: "req-under-test-1", errorName: "Error" }),
  );
  expect(logged).toContainEqual(
    expect.objectContaining({ event: "http.request", requestId: "req-under-test-1", path: "/throws-later", status: 500 }),
  );
  // Logs carry identifiers, never what an error said (it can quote member data).
  expect(lines.join("\n")).not.toContain("not a member's text");
});

it("answers with the security headers: a nonce CSP, no framing, HSTS over https, nosniff, same-origin referrers", async () => {
  const response = await fetch(`${url}/anything`);
  const csp = response.headers.get("content-security-policy") ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("connect-src 'self' https://abcd.supabase.co wss://abcd.supabase.co");
  expect(response.headers.get("strict-transport-security")).toContain("max-age=31536000");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("same-origin");
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  // A fresh nonce per response.
  const again = (await fetch(`${url}/anything`)).headers.get("content-security-policy");
  expect(again).not.toBe(csp);
});

it("logs each request as one JSON line without its query string", async () => {
  await fetch(`${url}/settings/channels/callback?code=secret-oauth-code&state=abc`);
  const line = await eventually(
    () => lines.find((candidate) => candidate.includes('"path":"/settings/channels/callback"')),
    Boolean,
  );
  expect(line && JSON.parse(line)).toMatchObject({ event: "http.request", method: "GET", status: 200 });
  expect(lines.join("\n")).not.toContain("secret-oauth-code");
});

// Last: it ends the server.
it("on SIGTERM finishes the request in flight, refuses new connections, closes the pools and exits 0", async () => {
  const inFlight = fetch(`${url}/slow`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const signalled = Date.now();
  child.kill("SIGTERM");
  const response = await inFlight;
  expect([response.status, await response.text()]).toEqual([200, "finished"]);
  expect(await exited).toBe(0);
  // The slow request had ~600 ms to go; nothing else waits.
  expect(Date.now() - signalled).toBeLessThan(2_000);
  await expect(fetch(`${url}/anything`)).rejects.toThrow();
  expect(lines).toContainEqual(expect.stringContaining('"closed":"pools"'));
});
