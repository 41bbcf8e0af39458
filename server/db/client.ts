import postgres from "postgres";
import { databaseConnection } from "../../supabase/functions/_shared/database-url";
import { config } from "../lib/config";

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

/** The JWT claims a user request runs with, exactly as Supabase Auth issued and we verified them. */
export interface UserClaims {
  sub: string;
  role: "authenticated";
  email?: string;
  session_id?: string;
  [claim: string]: unknown;
}

interface Pools {
  api: Sql;
  service: Sql;
}
let pools: Pools | undefined;

function open(url: string): Sql {
  const target = databaseConnection(url);
  return postgres(target.url, {
    max: config().DATABASE_POOL_MAX,
    prepare: target.prepare,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: "frontdesk" },
  });
}

function getPools(): Pools {
  pools ??= { api: open(config().DATABASE_API_URL), service: open(config().DATABASE_URL) };
  return pools;
}

/**
 * A user request's bounds: no statement runs longer, and no transaction sits idle (waiting on something
 * outside the database) longer. Graph calls happen outside transactions, so neither is ever reached by design.
 */
const USER_STATEMENT_TIMEOUT = "5s";
const USER_IDLE_IN_TRANSACTION_TIMEOUT = "10s";

/**
 * Runs `fn` in one transaction as `authenticated` with the user's claims, as PostgREST does, so RLS
 * decides what it sees. The connection's login role can become nothing else.
 */
export function withUser<T>(claims: UserClaims, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return getPools().api.begin(async (tx) => {
    await tx`select set_config('role', 'authenticated', true),
                    set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
                    set_config('request.jwt.claim.sub', ${claims.sub}, true),
                    set_config('statement_timeout', ${USER_STATEMENT_TIMEOUT}, true),
                    set_config('idle_in_transaction_session_timeout', ${USER_IDLE_IN_TRANSACTION_TIMEOUT}, true)`;
    return fn(tx);
  }) as Promise<T>;
}

/** Runs `fn` in one transaction as `service_role`: webhook ingest and provider status updates only. */
export function asService<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return getPools().service.begin(async (tx) => {
    await tx`select set_config('role', 'service_role', true)`;
    return fn(tx);
  }) as Promise<T>;
}

/**
 * Runs `fn` as `service_role` on behalf of a user: for the few writes only the server may make after it
 * has verified something with Meta (claiming a channel). The user's claims stay on the transaction, so
 * the functions called still check their role and audit them as the actor.
 */
export function asServiceFor<T>(claims: UserClaims, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return getPools().service.begin(async (tx) => {
    await tx`select set_config('role', 'service_role', true),
                    set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
                    set_config('request.jwt.claim.sub', ${claims.sub}, true),
                    set_config('statement_timeout', ${USER_STATEMENT_TIMEOUT}, true)`;
    return fn(tx);
  }) as Promise<T>;
}

/** The service pool itself, for rate-limit counters (server/lib/rate-limits.ts): no role change, no transaction. */
export const serviceSql = (): Sql => getPools().service;

/** Database reachability and server version, for /healthz. */
export async function databaseStatus(): Promise<{ reachable: true; version: string } | { reachable: false }> {
  try {
    const [row] = await getPools().service<{ version: string }[]>`select current_setting('server_version') as version`;
    return { reachable: true, version: row?.version ?? "unknown" };
  } catch {
    return { reachable: false };
  }
}

/** One short-lived connection to `url`, outside the pools: `npm run doctor` tries each URL a deployment is given. */
export async function withConnection<T>(url: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const target = databaseConnection(url);
  const sql = postgres(target.url, {
    max: 1,
    prepare: target.prepare,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: "frontdesk-doctor" },
  });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export async function closeDatabase(): Promise<void> {
  const open = pools;
  pools = undefined;
  await Promise.all([open?.api.end(), open?.service.end()]);
}
