import { freePort, startApp } from "../dev/stack/local-stack";
import { startThrowawayStack } from "../dev/stack/throwaway-stack";

/** The full local product on free ports, seeded with the demo gym; torn down after the run. */
export default async function globalSetup() {
  const appPort = await freePort();
  const { stack, metaUrl, stop } = await startThrowawayStack({ seedDemo: true, appUrl: `http://127.0.0.1:${appPort}` });
  try {
    const app = await startApp({
      port: appPort,
      // A short Graph timeout keeps the spec of a Meta that never answers quick. Behind "a proxy" on loopback, as
      // in production behind a load balancer: a spec can then sign in from an address of its own (X-Forwarded-For).
      env: { ...stack.env, META_GRAPH_URL: metaUrl, META_GRAPH_TIMEOUT_MS: "2000", TRUST_PROXY: "loopback" },
      log: (source, line) => {
        if (process.env.STACK_LOGS) process.stderr.write(`[${source}] ${line}\n`);
      },
    });
    // Workers inherit this process's environment.
    Object.assign(
      process.env,
      {
        E2E_APP_URL: app.url,
        E2E_SUPERUSER_URL: stack.superuserUrl,
        E2E_META_URL: metaUrl,
        E2E_MAIL_URL: stack.mailUrl,
        E2E_STACK_ENV: JSON.stringify(stack.env),
      },
      prefixed(stack.env),
    );
    return async () => {
      await app.stop();
      await stop();
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function prefixed(env: Record<string, string>) {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [`E2E_${key}`, value]));
}
