import { config } from "../lib/config";
import { type GraphResult, graphCall } from "./graph-http";

/**
 * Graph API calls for connecting channels: the OAuth dialog and code exchange, long-lived user
 * tokens, the user's Pages, per-Page `subscribed_apps`, the Page's Instagram account, and WhatsApp
 * number checks. Knows Graph errors, nothing of our database. Tokens travel in headers (or, for the
 * OAuth exchange Meta documents as GET, in the query) and are never logged.
 */
export interface GrantedPage {
  id: string;
  name: string;
  accessToken: string;
}

export interface InstagramAccount {
  id: string;
  username: string | null;
  name: string | null;
}

/** What Frontdesk needs from a Page's webhooks (Messenger, and Instagram through the linked Page). */
export const PAGE_SUBSCRIBED_FIELDS = [
  "messages",
  "messaging_postbacks",
  "message_deliveries",
  "message_reads",
  "message_echoes",
  "message_reactions",
];

/** Messenger and Instagram messaging, listing and subscribing Pages, reading the linked Instagram account. */
const OAUTH_SCOPES = [
  "pages_show_list",
  "pages_messaging",
  "pages_manage_metadata",
  "pages_read_engagement",
  "business_management",
  "instagram_basic",
  "instagram_manage_messages",
];

function dialogBase(): string {
  const graph = new URL(config().META_GRAPH_URL);
  const fallback = graph.hostname === "graph.facebook.com" ? "https://www.facebook.com" : graph.origin;
  return `${config().META_OAUTH_DIALOG_URL ?? fallback}/${config().META_GRAPH_VERSION}`;
}

export function oauthDialogUrl(state: string, redirectUri: string): string {
  const url = new URL(`${dialogBase()}/dialog/oauth`);
  url.searchParams.set("client_id", config().META_APP_ID);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("state", state);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", OAUTH_SCOPES.join(","));
  return url.toString();
}

/** The code from the dialog → a short-lived user token → a long-lived (60-day) one; the secrets in POST bodies. */
export async function exchangeCodeForLongLivedToken(code: string, redirectUri: string): Promise<GraphResult<string>> {
  const app = { client_id: config().META_APP_ID, client_secret: config().META_APP_SECRET };
  const short = await graphCall<{ access_token?: string }>("POST", "oauth/access_token", {
    form: { ...app, redirect_uri: redirectUri, code },
  });
  if (!short.ok) return short;
  const long = await graphCall<{ access_token?: string }>("POST", "oauth/access_token", {
    form: { ...app, grant_type: "fb_exchange_token", fb_exchange_token: short.value.access_token ?? "" },
  });
  if (!long.ok) return long;
  return long.value.access_token
    ? { ok: true, value: long.value.access_token }
    : { ok: false, failure: { code: null, tokenInvalid: false, message: "Meta returned no token." } };
}

/** The Pages the user granted, each with its own Page token (long-lived when the user token is). */
export async function listGrantedPages(userToken: string): Promise<GraphResult<GrantedPage[]>> {
  const pages: GrantedPage[] = [];
  let after: string | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await graphCall<{
      data?: { id: string; name: string; access_token: string }[];
      paging?: { cursors?: { after?: string }; next?: string };
    }>("GET", "me/accounts", {
      token: userToken,
      query: { fields: "id,name,access_token", limit: "100", ...(after ? { after } : {}) },
    });
    if (!result.ok) return result;
    for (const item of result.value.data ?? []) pages.push({ id: item.id, name: item.name, accessToken: item.access_token });
    after = result.value.paging?.next ? result.value.paging.cursors?.after : undefined;
    if (!after) break;
  }
  return { ok: true, value: pages };
}

/** Subscribes this app to one Page's webhooks; other Pages' subscriptions are untouched. */
export async function subscribePage(pageId: string, pageToken: string): Promise<GraphResult<true>> {
  const result = await graphCall<{ success?: boolean }>("POST", `${encodeURIComponent(pageId)}/subscribed_apps`, {
    token: pageToken,
    query: { subscribed_fields: PAGE_SUBSCRIBED_FIELDS.join(",") },
  });
  return result.ok ? { ok: true, value: true } : result;
}

/** Stops Meta sending a Page's (or a WhatsApp Business Account's) webhooks to our app. */
export async function unsubscribeApp(accountId: string, token: string): Promise<GraphResult<true>> {
  const result = await graphCall<{ success?: boolean }>("DELETE", `${encodeURIComponent(accountId)}/subscribed_apps`, {
    token,
  });
  return result.ok ? { ok: true, value: true } : result;
}

export async function linkedInstagramAccount(pageId: string, pageToken: string): Promise<GraphResult<InstagramAccount | null>> {
  const result = await graphCall<{ instagram_business_account?: { id: string; username?: string; name?: string } }>(
    "GET",
    encodeURIComponent(pageId),
    { token: pageToken, query: { fields: "instagram_business_account{id,username,name}" } },
  );
  if (!result.ok) return result;
  const account = result.value.instagram_business_account;
  return { ok: true, value: account ? { id: account.id, username: account.username ?? null, name: account.name ?? null } : null };
}

export async function whatsappNumber(
  phoneNumberId: string,
  token: string,
): Promise<GraphResult<{ displayPhoneNumber: string; verifiedName: string }>> {
  const result = await graphCall<{ display_phone_number?: string; verified_name?: string }>(
    "GET",
    encodeURIComponent(phoneNumberId),
    {
      token,
      query: { fields: "display_phone_number,verified_name" },
    },
  );
  if (!result.ok) return result;
  return {
    ok: true,
    value: {
      displayPhoneNumber: result.value.display_phone_number ?? phoneNumberId,
      verifiedName: result.value.verified_name ?? "",
    },
  };
}

/** The phone number ids of a WhatsApp Business Account, as far as this token may see them. */
export async function whatsappAccountNumbers(wabaId: string, token: string): Promise<GraphResult<string[]>> {
  const result = await graphCall<{ data?: { id: string }[] }>("GET", `${encodeURIComponent(wabaId)}/phone_numbers`, { token });
  return result.ok ? { ok: true, value: (result.value.data ?? []).map((number) => number.id) } : result;
}

/** WhatsApp webhooks are per WhatsApp Business Account. */
export async function subscribeWhatsAppAccount(wabaId: string, token: string): Promise<GraphResult<true>> {
  const result = await graphCall<{ success?: boolean }>("POST", `${encodeURIComponent(wabaId)}/subscribed_apps`, { token });
  return result.ok ? { ok: true, value: true } : result;
}
