import { RATE_LIMIT_CODES, TOKEN_EXPIRED_CODE } from "./graph-errors.ts";
import { httpsUrl } from "./payload-fields.ts";
import { decryptToken, type Keyring } from "./token-crypto.ts";

/** A member identity that has no profile yet, with what is needed to ask Meta for one. */
export interface ProfileTarget {
  identityId: string;
  channelAccountId: string;
  provider: "messenger" | "instagram" | "whatsapp";
  providerUserId: string;
  tokenCiphertext: string | null;
  tokenKeyId: string | null;
}

export interface MemberProfile {
  name: string | null;
  username: string | null;
  avatarUrl: string | null;
}

export interface ProfileLookupDependencies {
  graphUrl: string;
  graphVersion: string;
  keyring: Keyring;
  targets(identityIds: string[]): Promise<ProfileTarget[]>;
  save(identityId: string, profile: MemberProfile): Promise<void>;
  /** Meta said the token is dead (code 190): the channel must be reconnected. */
  needsReconnect(channelAccountId: string): Promise<void>;
  /** Waits before each retry of a failed (5xx, rate-limited or network) lookup. */
  retryDelaysMs: number[];
  sleep(ms: number): Promise<void>;
  log(event: string, fields: Record<string, string | number | boolean | null>): void;
}

const FIELDS = { messenger: "name,profile_pic", instagram: "name,username,profile_pic" } as const;

/**
 * Names and avatars for new members, looked up after the webhook was answered so it never slows
 * ingest. WhatsApp needs none: its webhooks carry the profile name.
 */
export async function lookupProfiles(identityIds: string[], deps: ProfileLookupDependencies): Promise<void> {
  if (identityIds.length === 0) return;
  for (const target of await deps.targets(identityIds)) {
    if (target.provider === "whatsapp" || !target.tokenCiphertext || !target.tokenKeyId) continue;
    const token = await decryptToken(deps.keyring, target.tokenCiphertext, target.tokenKeyId, target.channelAccountId);
    if (!token) {
      deps.log("profile.token_unreadable", { channelAccountId: target.channelAccountId });
      continue;
    }
    const url = `${deps.graphUrl}/${deps.graphVersion}/${encodeURIComponent(target.providerUserId)}?fields=${FIELDS[target.provider]}`;
    for (let attempt = 0; ; attempt++) {
      const outcome = await fetchProfile(url, token);
      if (outcome.kind === "ok") {
        await deps.save(target.identityId, outcome.profile);
        break;
      }
      if (outcome.kind === "token_expired") {
        await deps.needsReconnect(target.channelAccountId);
        deps.log("profile.token_expired", { channelAccountId: target.channelAccountId });
        break;
      }
      const delay = deps.retryDelaysMs[attempt];
      if (outcome.kind === "permanent" || delay === undefined) {
        deps.log("profile.lookup_failed", {
          channelAccountId: target.channelAccountId,
          status: outcome.status,
          attempts: attempt + 1,
        });
        break;
      }
      await deps.sleep(delay);
    }
  }
}

type FetchOutcome =
  | { kind: "ok"; profile: MemberProfile }
  | { kind: "token_expired" }
  | { kind: "retryable" | "permanent"; status: number };

async function fetchProfile(url: string, token: string): Promise<FetchOutcome> {
  let response: Response;
  try {
    // The token travels in a header, never in a URL that could end up in a log.
    response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) });
  } catch {
    return { kind: "retryable", status: 0 };
  }
  const body = (await response.json().catch(() => ({}))) as {
    name?: string;
    username?: string;
    profile_pic?: string;
    error?: { code?: number };
  };
  if (response.ok) {
    return {
      kind: "ok",
      profile: { name: body.name ?? null, username: body.username ?? null, avatarUrl: httpsUrl(body.profile_pic) },
    };
  }
  const code = body.error?.code;
  if (code === TOKEN_EXPIRED_CODE) return { kind: "token_expired" };
  if (response.status >= 500 || response.status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
    return { kind: "retryable", status: response.status };
  }
  return { kind: "permanent", status: response.status };
}
