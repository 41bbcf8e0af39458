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
