import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, type LocalStack, startLocalStack } from "../stack/local-stack";

/** A local stack for one benchmark run, durable like production, in a temp dir that stop() removes. */
export async function startBenchStack(name: string): Promise<LocalStack> {
  const stateDir = await mkdtemp(path.join(tmpdir(), `frontdesk-bench-${name}-`));
  const stack = await startLocalStack({
    stateDir,
    persistent: false,
    postgresPort: await freePort(),
    gatewayPort: await freePort(),
    mailPorts: { smtp: await freePort(), web: await freePort() },
    // No app in a benchmark; Auth's emails would link here.
    appUrl: "http://127.0.0.1:3000",
    seedDemo: false,
    log: () => {},
  });
  return {
    ...stack,
    async stop() {
      await stack.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
