import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "../../server/trpc/router";
import { createContext } from "../../server/trpc/trpc";
import { accessTokenFrom, supabaseForRequest } from "../auth/session.server";

/** The app's only door to the server: tRPC over HTTP, authenticated by the session cookie or a Bearer token. */
async function handle({ request }: LoaderFunctionArgs | ActionFunctionArgs) {
  const { supabase, headers } = supabaseForRequest(request);
  const bearer = request.headers.get("authorization")?.match(/^Bearer (.+)$/i)?.[1];
  const accessToken = bearer ?? (await accessTokenFrom(supabase));
  const requestId = request.headers.get("x-request-id") ?? crypto.randomUUID();
  headers.set("x-request-id", requestId);
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => createContext({ accessToken, requestId }),
    responseMeta: () => ({ headers }),
  });
}

export const loader = handle;
export const action = handle;
