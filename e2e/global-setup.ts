import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startMetaSimulator } from "../dev/meta/simulator";
import { freePort, startApp, startLocalStack } from "../dev/stack/local-stack";

/** The full local product on free ports, seeded with the demo gym; torn down after the run. */
export default async function globalSetup() {
  const stateDir = await mkdtemp(path.join(tmpdir(), "frontdesk-e2e-"));
  const log = (source: string, line: string) => {
    if (process.env.STACK_LOGS) process.stderr.write(`[${source}] ${line}\n`);
  };
  const meta = await startMetaSimulator({ port: await freePort() });
  const stack = await startLocalStack({
    metaGraphUrl: meta.url,
    stateDir,
    persistent: false,
    postgresPort: await freePort(),
    gatewayPort: await freePort(),
    seedDemo: true,
    fast: true,
    log,
  });
  try {
    const app = await startApp({ port: await freePort(), env: { ...stack.env, META_GRAPH_URL: meta.url }, log });
    // Workers inherit this process's environment.
    Object.assign(
      process.env,
      { E2E_APP_URL: app.url, E2E_SUPERUSER_URL: stack.superuserUrl, E2E_META_URL: meta.url },
      prefixed(stack.env),
    );
    return async () => {
      await app.stop();
      await stack.stop();
      await meta.stop();
      await rm(stateDir, { recursive: true, force: true });
    };
  } catch (error) {
    await stack.stop();
    await meta.stop();
    throw error;
  }
}

function prefixed(env: Record<string, string>) {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [`E2E_${key}`, value]));
}
