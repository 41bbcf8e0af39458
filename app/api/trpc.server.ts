import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter, createCaller } from "../../server/trpc/router";
import { createContext, TRPC_MAX_BATCH_SIZE } from "../../server/trpc/trpc";
import { accessTokenFrom, supabaseForRequest } from "../auth/session.server";

/**
 * The app's one door to the server (app/ imports server/ runtime code only in *.server.ts modules): tRPC over
 * HTTP for the browser, and the same procedures called in-process for a route that must answer with a redirect.
 * Both authenticate by the session cookie (or a Bearer token) and run the same validation and Result contract.
 */
export async function contextFor(request: Request) {
  const { supabase, headers } = supabaseForRequest(request);
  const bearer = request.headers.get("authorization")?.match(/^Bearer (.+)$/i)?.[1];
  const accessToken = bearer ?? (await accessTokenFrom(supabase));
  const requestId = request.headers.get("x-request-id") ?? crypto.randomUUID();
  headers.set("x-request-id", requestId);
  return { context: await createContext({ accessToken, requestId }), headers };
}

export async function handleTrpcRequest(request: Request): Promise<Response> {
  const { context, headers } = await contextFor(request);
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    // The browser's batch link sends at most this many (app/trpc.ts); a larger batch is not ours.
    maxBatchSize: TRPC_MAX_BATCH_SIZE,
    createContext: () => context,
    responseMeta: () => {
      const wait = context.refusedFor.retryAfterSeconds;
      if (wait === null) return { headers };
      headers.set("Retry-After", String(wait));
      return { status: 429, headers };
    },
  });
}

/** The procedures, called in-process with this request's session; `headers` carries any refreshed cookies. */
export async function trpcCallerFor(request: Request) {
  const { context, headers } = await contextFor(request);
  return { caller: createCaller(context), headers };
}
