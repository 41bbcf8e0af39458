import { createHmac, timingSafeEqual } from "node:crypto";
import { config } from "./config";

/**
 * The OAuth `state` Frontdesk hands Meta's dialog: `<attempt id>.<expiry, unix s>.<HMAC>`. The HMAC
 * (keyed by the app secret) makes it unforgeable; the attempt row makes it single-use.
 */
function mac(payload: string): Buffer {
  return createHmac("sha256", config().META_APP_SECRET).update(`frontdesk-oauth-state:${payload}`).digest();
}

export function signState(attemptId: string, expiresAt: Date): string {
  const payload = `${attemptId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${payload}.${mac(payload).toString("base64url")}`;
}

export type StateCheck = { valid: true; attemptId: string } | { valid: false; reason: "malformed" | "forged" | "expired" };

export function verifyState(state: string, now = new Date()): StateCheck {
  const match = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(state);
  if (!match) return { valid: false, reason: "malformed" };
  const [, attemptId = "", expiry = "0", signature = ""] = match;
  const expected = mac(`${attemptId}.${expiry}`);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: "forged" };
  if (Number(expiry) * 1000 < now.getTime()) return { valid: false, reason: "expired" };
  return { valid: true, attemptId };
}
