import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import helmet from "helmet";

export interface SecurityHeaderOptions {
  /** The Supabase project URL: the browser opens its Realtime websocket there. */
  supabaseUrl: string;
  /** Served over https (APP_URL): HSTS and upgrade-insecure-requests only then, so local http keeps working. */
  https: boolean;
}

/** One nonce per response: Remix's inline scripts carry it (app/entry.server.tsx), nothing else inline runs. */
export const cspNonceOf = (res: ServerResponse): string | undefined =>
  (res as ServerResponse & { locals?: { cspNonce?: string } }).locals?.cspNonce;

/**
 * The headers every answer carries (helmet): a CSP the app works under, no framing, HSTS over https, nosniff,
 * and no referrer beyond our own origin (callback URLs carry OAuth codes).
 */
export function securityHeaders({ supabaseUrl, https }: SecurityHeaderOptions): RequestHandler[] {
  const supabase = new URL(supabaseUrl);
  const websocket = `${supabase.protocol === "https:" ? "wss:" : "ws:"}//${supabase.host}`;
  const nonce: RequestHandler = (_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  };
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'", (_req, res) => `'nonce-${cspNonceOf(res) ?? ""}'`],
        "script-src-attr": ["'none'"],
        "style-src": ["'self'"],
        // Members' avatars come from Meta's CDNs (https only: see payload-fields.ts httpsUrl); stored media from
        // Storage's signed URLs, on the project's own origin.
        "img-src": ["'self'", "data:", "https:", supabase.origin],
        "media-src": ["'self'", supabase.origin],
        "font-src": ["'self'"],
        "connect-src": ["'self'", supabase.origin, websocket],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "upgrade-insecure-requests": https ? [] : null,
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: "same-origin" },
    xFrameOptions: { action: "deny" },
  });
  return [nonce, headers];
}
