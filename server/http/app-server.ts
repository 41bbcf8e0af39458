import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type ErrorRequestHandler, type RequestHandler, type Response } from "express";
import { describeError, type Logger } from "../lib/logger";
import { cspNonceOf, type SecurityHeaderOptions, securityHeaders } from "./security-headers";

/** The request a piece of work belongs to, wherever it runs: an error that escapes every handler still finds it. */
interface RequestScope {
  requestId: string;
  res: Response;
}
const requestScope = new AsyncLocalStorage<RequestScope>();

/** `x-request-id` as a client or proxy sent it, when it looks like one; a new id otherwise. */
const REQUEST_ID = /^[\w.-]{8,100}$/;

export interface AppServerOptions {
  log: Logger;
  /** The built browser assets, served as immutable files. */
  assets?: { publicPath: string; directory: string };
  /** What answers every other request: the Remix handler (see remixHandler). */
  handler: RequestHandler;
  /** CSP and the other response headers; without it (tests of the server itself) none are set. */
  security?: SecurityHeaderOptions;
  /** Express's `trust proxy`: which hops' X-Forwarded-For to believe for the client's IP (TRUST_PROXY). */
  trustProxy?: boolean | number | string;
}

/** What each Remix loader and action gets besides the request (app/env.d.ts declares it). */
export type RequestContext = {
  cspNonce: string;
  /** The client's IP as `trust proxy` resolves it: what sign-in limits count and what Auth is told. */
  clientIp: string;
};

/** The Remix build's request handler. It runs on Node's own fetch: no Remix globals are installed. */
export function remixHandler(build: ServerBuild): RequestHandler {
  return createRequestHandler({
    build,
    mode: process.env.NODE_ENV,
    getLoadContext: (req, res): RequestContext => ({ cspNonce: cspNonceOf(res) ?? "", clientIp: req.ip ?? "unknown" }),
  });
}

/**
 * The app's HTTP server: static assets, one JSON access line per request, then the handler. One request's
 * failure is that request's 500, never the end of the process.
 */
export function createAppServer({ log, assets, handler, security, trustProxy = false }: AppServerOptions) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxy);
  app.use(compression());

  app.use((req, res, next) => {
    const sent = req.get("x-request-id");
    const requestId = sent && REQUEST_ID.test(sent) ? sent : randomUUID();
    // The tRPC route and loaders read it from the request, so their logs carry the same id.
    req.headers["x-request-id"] = requestId;
    res.setHeader("x-request-id", requestId);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      // The path only: query strings can carry OAuth codes and tokens.
      log.info("http.request", {
        requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
      });
    });
    requestScope.run({ requestId, res }, next);
  });
  if (security) app.use(securityHeaders(security));

  if (assets) app.use(assets.publicPath, express.static(assets.directory, { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  app.all("*", handler);

  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    answerFailedRequest(log, "http.request_failed", error, { requestId: String(req.headers["x-request-id"]), res });
  };
  app.use(onError);
  return app;
}

/**
 * Errors thrown outside any handler's reach (a callback of a library) would end the process and every request
 * with it: each is logged with the request it came from, which is answered 500, and the server carries on.
 */
export function keepServingThroughUncaughtErrors(log: Logger) {
  const onUncaught = (event: string) => (error: unknown) => {
    const scope = requestScope.getStore();
    if (scope) answerFailedRequest(log, event, error, scope);
    else log.error(event, describeError(error));
  };
  process.on("uncaughtException", onUncaught("process.uncaught_exception"));
  process.on("unhandledRejection", onUncaught("process.unhandled_rejection"));
}

function answerFailedRequest(log: Logger, event: string, error: unknown, scope: RequestScope) {
  log.error(event, { requestId: scope.requestId, ...describeError(error) });
  if (!scope.res.headersSent) scope.res.status(500).type("text/plain").send(`Something went wrong (request ${scope.requestId}).`);
  else if (!scope.res.writableEnded) scope.res.end();
}

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * SIGTERM (a deploy) and SIGINT: stop accepting, let the requests in flight finish, then `closeResources` (the
 * pools) and exit. Requests that take longer than the grace period are cut off.
 */
export function stopGracefullyOnSignals(server: Server, log: Logger, closeResources: () => Promise<void>) {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log.info("http.stopping", { signal });
      const forced = setTimeout(() => {
        log.warn("http.stop_forced", { afterMs: SHUTDOWN_GRACE_MS });
        process.exit(1);
      }, SHUTDOWN_GRACE_MS);
      forced.unref();
      server.close(async () => {
        await closeResources().catch(() => {});
        log.info("http.stopped", {});
        process.exit(0);
      });
      // A keep-alive connection goes idle once its request is answered: closed then, not at its timeout.
      setInterval(() => server.closeIdleConnections(), 50).unref();
    });
  }
}
