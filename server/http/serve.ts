// `npm run serve`: the app in production (and under `npm start`): the Remix build behind our HTTP server.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { logger } from "../lib/logger";
import { createAppServer, keepServingThroughUncaughtErrors, remixHandler } from "./app-server";

const SHUTDOWN_GRACE_MS = 10_000;

const log = logger.child({ component: "http" });
const buildPath = path.resolve(process.env.REMIX_BUILD ?? "build/index.js");
const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
keepServingThroughUncaughtErrors(log);

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST || undefined;
const app = createAppServer({
  log,
  assets: { publicPath: build.publicPath, directory: build.assetsBuildDirectory },
  handler: remixHandler(build),
});
const onListening = () => log.info("http.listening", { port, host: host ?? "all interfaces" });
const server = host ? app.listen(port, host, onListening) : app.listen(port, onListening);

// SIGTERM: stop accepting, let the requests in flight finish, close the database pools, exit.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    log.info("http.stopping", { signal });
    const forced = setTimeout(() => {
      log.warn("http.stop_forced", { afterMs: SHUTDOWN_GRACE_MS });
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    forced.unref();
    server.close(async () => {
      const entry = build.entry.module as { closeDatabase?: () => Promise<void> };
      await entry.closeDatabase?.().catch(() => {});
      log.info("http.stopped", {});
      process.exit(0);
    });
    server.closeIdleConnections();
  });
}
