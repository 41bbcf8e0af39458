import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { LOCAL_DEFAULTS } from "../../server/lib/config";
import { startMetaSimulator } from "../meta/simulator";
import { freePort, type LocalStack, type LogSink, startLocalStack, startWorkerProcess } from "./local-stack";

export interface ThrowawayStack {
  stack: LocalStack;
  metaUrl: string;
  /** The worker's process id (under tsx: the process whose children run it). */
  workerPid(): number | undefined;
  stop(): Promise<void>;
}

/**
 * Test timings: a killed worker's jobs go back to the queue within seconds, and a reply Meta never confirmed is
 * settled after 3 s instead of a minute.
 */
export const TEST_WORKER_ENV = { WORKER_HEARTBEAT_MS: "300", WORKER_STALE_AFTER_MS: "2000", WORKER_CONCURRENCY: "4" };
const TEST_SEND_CONFIRM_AFTER = "3 seconds";

/**
 * What a test run needs: the Meta simulator, a local stack on free ports in a temp dir, and a worker; all removed
 * by `stop`.
 */
export async function startThrowawayStack(options: {
  seedDemo: boolean;
  /** Where the run's app will be, for the links in Auth's emails; Vitest runs none (it calls the API in-process). */
  appUrl?: string;
}): Promise<ThrowawayStack> {
  const stateDir = await mkdtemp(path.join(tmpdir(), "frontdesk-test-"));
  const log: LogSink = (source, line) => {
    if (process.env.STACK_LOGS) process.stderr.write(`[${source}] ${line}\n`);
  };
  const meta = await startMetaSimulator({ port: await freePort() });
  try {
    const stack = await startLocalStack({
      stateDir,
      persistent: false,
      postgresPort: await freePort(),
      gatewayPort: await freePort(),
      mailPorts: { smtp: await freePort(), web: await freePort() },
      appUrl: options.appUrl ?? "http://127.0.0.1:3000",
      seedDemo: options.seedDemo,
      fast: true,
      // `npm run test:pooler`: the integration suite again, through a transaction pooler as hosted Supabase has.
      transactionPooler: process.env.FRONTDESK_TEST_POOLER === "transaction",
      log,
    });
    meta.deliverWebhooksTo({
      url: `${stack.supabaseUrl}/functions/v1/meta-webhook`,
      appSecret: LOCAL_DEFAULTS.META_APP_SECRET,
    });
    const superuser = postgres(stack.superuserUrl, { max: 1, onnotice: () => {} });
    await superuser.unsafe(`alter database postgres set frontdesk.send_confirm_after = '${TEST_SEND_CONFIRM_AFTER}'`);
    await superuser.end();
    const worker = await startWorkerProcess({
      // It fetches members' Messenger/Instagram media from the simulator's https CDN, whose certificate it must trust.
      env: {
        ...stack.env,
        ...TEST_WORKER_ENV,
        META_GRAPH_URL: meta.url,
        META_GRAPH_TIMEOUT_MS: "1500",
        NODE_EXTRA_CA_CERTS: meta.cdnCaFile,
      },
      log,
    }).catch(async (error: unknown) => {
      await stack.stop();
      throw error;
    });
    return {
      stack,
      metaUrl: meta.url,
      workerPid: worker.pid,
      async stop() {
        await worker.stop();
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
