import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleTrpcRequest } from "../api/trpc.server";

/** tRPC over HTTP: the browser's way to the server (app/api/trpc.server.ts). */
export const loader = ({ request }: LoaderFunctionArgs) => handleTrpcRequest(request);
export const action = ({ request }: ActionFunctionArgs) => handleTrpcRequest(request);
