import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pipeLines, stopChild } from "../../dev/stack/child-processes";

const root = path.resolve(import.meta.dirname, "../..");

// The server runs in a process of its own: what is under test is that an uncaught error does not end it.
const program = `
import { createAppServer, keepServingThroughUncaughtErrors } from "./server/http/app-server.ts";
import { createLogger } from "./server/lib/logger.ts";
const log = createLogger({}, "info");
keepServingThroughUncaughtErrors(log);
const app = createAppServer({
  log,
  handler: (req, res) => {
    // Thrown from a timer: no handler's try/catch or promise chain can see it.
    if (req.path === "/throws-later") setTimeout(() => { throw new Error("not a member's text"); }, 10);
    else res.send("still here");
  },
});
const server = app.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ listening: server.address().port })));
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
