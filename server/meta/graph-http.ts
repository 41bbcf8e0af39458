import { TOKEN_EXPIRED_CODE } from "../../supabase/functions/_shared/graph-errors";
import { config } from "../lib/config";

/** A Graph API error body's `error`, as every endpoint returns it. */
export interface GraphError {
  code?: number;
  error_subcode?: number;
  message?: string;
}

export type GraphResponse = {
  answered: true;
  status: number;
  ok: boolean;
  body: Record<string, unknown> & { error?: GraphError };
};

/**
 * No answer. `timedOut`: the request was sent and Meta may still have acted on it (a send may have been
 * delivered); otherwise it never reached Meta (refused, unknown host).
 */
export type GraphNoAnswer = { answered: false; timedOut: boolean };

/**
 * One Graph API call: versioned URL, the token in an Authorization header, a timeout (META_GRAPH_TIMEOUT_MS),
 * the JSON body whatever the status. Secrets never go in `query` (URLs end up in logs and proxies): the app
 * secret and user tokens travel in a `form` body (POST), access tokens in the header.
 */
export async function graphRequest(
  method: "GET" | "POST" | "DELETE",
  path: string,
  options: { token?: string; query?: Record<string, string>; json?: unknown; form?: Record<string, string> } = {},
): Promise<GraphResponse | GraphNoAnswer> {
  const url = new URL(`${config().META_GRAPH_URL}/${config().META_GRAPH_VERSION}/${path}`);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let requestBody: string | undefined;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    requestBody = JSON.stringify(options.json);
  } else if (options.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    requestBody = new URLSearchParams(options.form).toString();
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: requestBody,
      signal: AbortSignal.timeout(config().META_GRAPH_TIMEOUT_MS),
    });
  } catch (error) {
    return { answered: false, timedOut: !neverReachedMeta(error) };
  }
  const body = (await response.json().catch(() => ({}))) as GraphResponse["body"];
  return { answered: true, status: response.status, ok: response.ok && !body.error, body };
}

/** Errors that happen before a request is sent; anything else (a timeout, a reset) may follow Meta acting on it. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

function neverReachedMeta(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === "string" && NOT_SENT_CODES.has(cause.code);
}

/** A Graph call's value, or why Meta refused it (for calls that are not sends: accounts, templates). */
export type GraphResult<T> = { ok: true; value: T } | { ok: false; failure: GraphFailure };

export interface GraphFailure {
  /** Graph's error code (190 = the token is no longer valid), null when Meta did not answer. */
  code: number | null;
  tokenInvalid: boolean;
  message: string;
}

/** One Graph call read as a GraphResult: no answer, refused (a dead token said so), or its body. */
export async function graphCall<T>(
  method: "GET" | "POST" | "DELETE",
  path: string,
  options: { token?: string; query?: Record<string, string>; form?: Record<string, string> } = {},
): Promise<GraphResult<T>> {
  const response = await graphRequest(method, path, options);
  if (!response.answered) {
    return { ok: false, failure: { code: null, tokenInvalid: false, message: "Meta did not answer in time." } };
  }
  if (response.ok) return { ok: true, value: response.body as T };
  const code = response.body.error?.code ?? null;
  return {
    ok: false,
    failure: {
      code,
      tokenInvalid: code === TOKEN_EXPIRED_CODE,
      message: code === TOKEN_EXPIRED_CODE ? "Meta no longer accepts this access token." : "Meta refused the request.",
    },
  };
}
