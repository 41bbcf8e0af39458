import { config } from "../lib/config";

/** A Graph API error body's `error`, as every endpoint returns it. */
export interface GraphError {
  code?: number;
  error_subcode?: number;
  message?: string;
}

export type GraphResponse = { status: number; ok: boolean; body: Record<string, unknown> & { error?: GraphError } };

const TIMEOUT_MS = 10_000;

/**
 * One Graph API call: versioned URL, the token in a header (never in a URL that could reach a log),
 * a timeout, the JSON body whatever the status. Null when Meta did not answer in time.
 */
export async function graphRequest(
  method: "GET" | "POST" | "DELETE",
  path: string,
  options: { token?: string; query?: Record<string, string>; json?: unknown } = {},
): Promise<GraphResponse | null> {
  const url = new URL(`${config().META_GRAPH_URL}/${config().META_GRAPH_VERSION}/${path}`);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return null;
  }
  const body = (await response.json().catch(() => ({}))) as GraphResponse["body"];
  return { status: response.status, ok: response.ok && !body.error, body };
}
