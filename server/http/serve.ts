// `npm run serve`: the app in production (and under `npm start`): the Remix build behind our HTTP server.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { config } from "../lib/config";
import { logger } from "../lib/logger";
import { createAppServer, keepServingThroughUncaughtErrors, remixHandler, stopGracefullyOnSignals } from "./app-server";

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
  security: { supabaseUrl: config().SUPABASE_URL, https: new URL(config().APP_URL).protocol === "https:" },
  trustProxy: config().TRUST_PROXY,
});
const onListening = () => log.info("http.listening", { port, host: host ?? "all interfaces" });
const server = host ? app.listen(port, host, onListening) : app.listen(port, onListening);

stopGracefullyOnSignals(server, log, async () => {
  const entry = build.entry.module as { closeDatabase?: () => Promise<void> };
  await entry.closeDatabase?.();
});
