import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { exportJWK } from "jose";
import type { TestProject } from "vitest/node";
import { startMetaSimulator } from "../meta/simulator";
import { freePort, startLocalStack } from "../stack/local-stack";

declare module "vitest" {
  export interface ProvidedContext {
    stack: {
      env: Record<string, string>;
      superuserUrl: string;
      supabaseUrl: string;
      /** The Meta simulator the edge function calls as its Graph API. */
      metaUrl: string;
      /** The gateway's signing key, so tests can mint expired or tampered tokens. */
      signingJwk: Record<string, unknown>;
    };
  }
}

/** Starts a throwaway stack on free ports for the test run and removes it afterwards. */
export default async function setup(project: TestProject) {
  const stateDir = await mkdtemp(path.join(tmpdir(), "frontdesk-test-"));
  const meta = await startMetaSimulator({ port: await freePort() });
  const stack = await startLocalStack({
    metaGraphUrl: meta.url,
    stateDir,
    persistent: false,
    postgresPort: await freePort(),
    gatewayPort: await freePort(),
    seedDemo: false,
    fast: true,
    log: (source, line) => {
      if (process.env.STACK_LOGS) process.stderr.write(`[${source}] ${line}\n`);
    },
  });
  project.provide("stack", {
    env: stack.env,
    superuserUrl: stack.superuserUrl,
    supabaseUrl: stack.supabaseUrl,
    metaUrl: meta.url,
    signingJwk: { ...(await exportJWK(stack.keys.privateKey)), kid: stack.keys.kid, alg: "ES256" },
  });
  return async () => {
    await stack.stop();
    await meta.stop();
    await rm(stateDir, { recursive: true, force: true });
  };
}
