import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startMetaSimulator } from "../meta/simulator";
import { freePort, type LocalStack, type LogSink, startLocalStack } from "./local-stack";

export interface ThrowawayStack {
  stack: LocalStack;
  metaUrl: string;
  stop(): Promise<void>;
}

/** What a test run needs: the Meta simulator and a local stack on free ports in a temp dir, removed by `stop`. */
export async function startThrowawayStack(options: { seedDemo: boolean }): Promise<ThrowawayStack> {
  const stateDir = await mkdtemp(path.join(tmpdir(), "frontdesk-test-"));
  const log: LogSink = (source, line) => {
    if (process.env.STACK_LOGS) process.stderr.write(`[${source}] ${line}\n`);
  };
  const meta = await startMetaSimulator({ port: await freePort() });
  try {
    const stack = await startLocalStack({
      metaGraphUrl: meta.url,
      stateDir,
      persistent: false,
      postgresPort: await freePort(),
      gatewayPort: await freePort(),
      seedDemo: options.seedDemo,
      fast: true,
      log,
    });
    return {
      stack,
      metaUrl: meta.url,
      async stop() {
        await stack.stop();
        await meta.stop();
        await rm(stateDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await meta.stop();
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
}
