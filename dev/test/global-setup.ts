import { exportJWK } from "jose";
import type { TestProject } from "vitest/node";
import { startThrowawayStack } from "../stack/throwaway-stack";

declare module "vitest" {
  export interface ProvidedContext {
    stack: {
      env: Record<string, string>;
      superuserUrl: string;
      supabaseUrl: string;
      /** The Meta simulator the edge function calls as its Graph API. */
      metaUrl: string;
      /** The mail catcher Auth sends its emails to (REST API under /api). */
      mailUrl: string;
      /** The gateway's signing key, so tests can mint expired or tampered tokens. */
      signingJwk: Record<string, unknown>;
    };
  }
}

/** Starts a throwaway stack on free ports for the test run and removes it afterwards. */
export default async function setup(project: TestProject) {
  const { stack, metaUrl, stop } = await startThrowawayStack({ seedDemo: false });
  project.provide("stack", {
    env: stack.env,
    superuserUrl: stack.superuserUrl,
    supabaseUrl: stack.supabaseUrl,
    metaUrl,
    mailUrl: stack.mailUrl,
    signingJwk: { ...(await exportJWK(stack.keys.privateKey)), kid: stack.keys.kid, alg: "ES256" },
  });
  return stop;
}
