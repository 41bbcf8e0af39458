import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { UserClaims } from "../db/client";
import { config } from "./config";

export type AccessTokenCheck = { valid: true; claims: UserClaims } | { valid: false; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AccessTokenVerifierOptions {
  supabaseUrl: string;
  /** HS256 projects only; otherwise keys come from the project's JWKS. */
  jwtSecret?: string;
}

/**
 * Verifies a Supabase Auth access token locally (signature, issuer, audience, expiry) with `jose`,
 * so authenticating a request needs no network call once the JWKS is cached.
 */
function createAccessTokenVerifier(options: AccessTokenVerifierOptions): (token: string) => Promise<AccessTokenCheck> {
  const issuer = `${options.supabaseUrl.replace(/\/$/, "")}/auth/v1`;
  const key: Uint8Array | JWTVerifyGetKey = options.jwtSecret
    ? new TextEncoder().encode(options.jwtSecret)
    : createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`), { cacheMaxAge: 600_000 });
  const algorithms = options.jwtSecret ? ["HS256"] : ["ES256", "RS256"];

  return async (token) => {
    let payload: JWTPayload;
    try {
      // jose's overloads differ only by key type; both branches verify the same way.
      payload =
        key instanceof Uint8Array
          ? (await jwtVerify(token, key, { issuer, audience: "authenticated", algorithms })).payload
          : (await jwtVerify(token, key, { issuer, audience: "authenticated", algorithms })).payload;
    } catch (error) {
      return { valid: false, reason: error instanceof Error ? error.name : "invalid" };
    }
    if (payload.role !== "authenticated" || typeof payload.sub !== "string" || !UUID.test(payload.sub)) {
      return { valid: false, reason: "not a user token" };
    }
    return { valid: true, claims: payload as UserClaims };
  };
}

let verifier: ((token: string) => Promise<AccessTokenCheck>) | undefined;

/** The verifier for this process's Supabase project. */
export function verifyAccessToken(token: string): Promise<AccessTokenCheck> {
  verifier ??= createAccessTokenVerifier({
    supabaseUrl: config().SUPABASE_URL,
    jwtSecret: config().SUPABASE_JWT_SECRET,
  });
  return verifier(token);
}
