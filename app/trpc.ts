import { QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import superjson from "superjson";
import type { AppRouter } from "../server/trpc/router";
import type { TRPC_MAX_BATCH_SIZE } from "../server/trpc/trpc";

/** The server refuses larger batches; typed as its constant, so the two cannot drift apart. */
const MAX_BATCH_SIZE: typeof TRPC_MAX_BATCH_SIZE = 10;

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: false } },
  });
}

export function createTrpcClient() {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: "/api/trpc", transformer: superjson, maxItems: MAX_BATCH_SIZE })],
  });
}
