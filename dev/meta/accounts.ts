import { randomBytes, randomUUID } from "node:crypto";
import type http from "node:http";

/**
 * The account side of the Meta simulator: Facebook test users with Pages (some linked to an Instagram
 * business account) and WhatsApp numbers; the OAuth dialog where a test user grants Pages; code and
 * long-lived token exchange; `/me/accounts`; page fields; `subscribed_apps` per Page and per WABA.
 * Tokens are random, checked on every call, and never written into the simulator's call log.
 */
export interface SimulatedPage {
  id: string;
  name: string;
  instagram: { id: string; username: string; name: string } | null;
}

export interface SimulatedWhatsAppNumber {
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  verifiedName: string;
  token: string;
}

export interface SimulatedUser {
  id: string;
  name: string;
  pages: SimulatedPage[];
  whatsapp: SimulatedWhatsAppNumber[];
}

export interface TestUserRequest {
  name?: string;
  pages?: { name: string; instagram?: boolean }[];
  whatsapp?: number;
}

type Reply = (status: number, value: unknown, headers?: Record<string, string>) => void;

const USER_COOKIE = "meta_sim_user";

export const DEMO_FACEBOOK_USER: SimulatedUser = {
  id: "100000000000001",
  name: "Iron Temple Owner",
  pages: [
    {
      id: "105550000000101",
      name: "Iron Temple Uptown",
      instagram: { id: "17841400000000101", username: "irontempleuptown", name: "Iron Temple Uptown" },
    },
    { id: "105550000000102", name: "Iron Temple Kids Club", instagram: null },
  ],
  whatsapp: [
    // The seeded demo gym's number (supabase/seed.sql, demo-members.ts), in the same account as the one to connect.
    {
      phoneNumberId: "106540352242922",
      wabaId: "102290129340401",
      displayPhoneNumber: "+1 555 078 3881",
      verifiedName: "Iron Temple Front Desk",
      token: "EAAGsim-demo-whatsapp-permanent-token",
    },
    {
      phoneNumberId: "106540352243001",
      wabaId: "102290129340401",
      displayPhoneNumber: "+1 555-0142",
      verifiedName: "Iron Temple Uptown",
      token: "EAAGsim-demo-whatsapp-permanent-token",
    },
  ],
};

let sequence = 0;
/** Graph-style numeric ids, unique within a run (several are made in the same millisecond). */
const numericId = () => `${Date.now()}${String(sequence++ % 1000).padStart(3, "0")}`;
const newToken = (kind: string) => `EAAGsim${kind}${randomBytes(24).toString("base64url")}`;

const graphError = (code: number, message: string, subcode?: number) => ({
  error: {
    message,
    type: "OAuthException",
    code,
    ...(subcode ? { error_subcode: subcode } : {}),
    fbtrace_id: randomUUID().slice(0, 11),
  },
});
const INVALID_TOKEN = graphError(190, "Invalid OAuth access token - Cannot parse access token");

export function createSimulatedAccounts() {
  const users = new Map<string, SimulatedUser>();
  const codes = new Map<string, { userId: string; pageIds: string[]; redirectUri: string; used: boolean }>();
  const userTokens = new Map<string, { userId: string; pageIds: string[] }>();
  const pageTokens = new Map<string, string>();
  const pageSubscriptions = new Map<string, string[]>();
  const wabaSubscriptions = new Set<string>();

  function createUser(request: TestUserRequest, fixed?: SimulatedUser): SimulatedUser {
    const user: SimulatedUser = fixed ?? {
      id: numericId(),
      name: request.name ?? "Test User",
      pages: (request.pages ?? [{ name: "Test Page" }]).map((page) => ({
        id: numericId(),
        name: page.name,
        instagram: page.instagram
          ? { id: `1784${numericId()}`, username: page.name.toLowerCase().replace(/[^a-z0-9]+/g, ""), name: page.name }
          : null,
      })),
      whatsapp: [],
    };
    // One WhatsApp Business Account for all the user's numbers (with one system-user token), as businesses have. The
    // fixed demo user keeps its own (the README names them).
    if (!fixed) {
      const wabaId = numericId();
      const waToken = newToken("wa");
      user.whatsapp = Array.from({ length: request.whatsapp ?? 0 }, (_, i) => ({
        phoneNumberId: numericId(),
        wabaId,
        displayPhoneNumber: `+1 555-01${String(10 + i).padStart(2, "0")}`,
        verifiedName: request.name ?? "Test Business",
        token: waToken,
      }));
    }
    users.set(user.id, user);
    return user;
  }

  // Who "Connect with Facebook" logs in as under `npm start`; fixed ids so the README can name them.
  const demo = createUser({}, DEMO_FACEBOOK_USER);

  const pageById = (id: string) => [...users.values()].flatMap((u) => u.pages).find((p) => p.id === id);
  const numberById = (id: string) => [...users.values()].flatMap((u) => u.whatsapp).find((n) => n.phoneNumberId === id);
  const numberByWaba = (id: string) => [...users.values()].flatMap((u) => u.whatsapp).find((n) => n.wabaId === id);

  function dialog(url: URL, req: http.IncomingMessage, reply: Reply) {
    const cookieUser = /(?:^|;\s*)meta_sim_user=(\d+)/.exec(req.headers.cookie ?? "")?.[1];
    const user = users.get(cookieUser ?? "") ?? demo;
    const params = ["client_id", "redirect_uri", "state", "scope"].map((name) => [name, url.searchParams.get(name) ?? ""]);
    const hidden = params
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value ?? "")}">`)
      .join("");
    const pages = user.pages
      .map(
        (page) =>
          `<label><input type="checkbox" name="page" value="${page.id}" checked> ${escapeHtml(page.name)}` +
          `${page.instagram ? ` <small>(Instagram @${escapeHtml(page.instagram.username)})</small>` : ""}</label><br>`,
      )
      .join("");
    const html = `<!doctype html><html><head><title>Log in with Facebook</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">
<h1>Meta simulator</h1><p>Logged in as <strong>${escapeHtml(user.name)}</strong>. The app asks for: ${escapeHtml(url.searchParams.get("scope") ?? "")}</p>
<form method="get" action="${url.pathname}/confirm">${hidden}<input type="hidden" name="user" value="${user.id}">
<fieldset><legend>Choose the Pages the app may use</legend>${pages}</fieldset>
<p><button type="submit" name="decision" value="allow">Continue</button> <button type="submit" name="decision" value="deny">Cancel</button></p></form></body></html>`;
    reply(200, html, { "content-type": "text/html; charset=utf-8" });
  }

  function confirm(url: URL, reply: Reply) {
    const redirect = new URL(url.searchParams.get("redirect_uri") ?? "");
    redirect.searchParams.set("state", url.searchParams.get("state") ?? "");
    if (url.searchParams.get("decision") !== "allow") {
      redirect.searchParams.set("error", "access_denied");
      redirect.searchParams.set("error_reason", "user_denied");
      redirect.searchParams.set("error_description", "Permissions error");
    } else {
      const code = randomBytes(18).toString("base64url");
      codes.set(code, {
        userId: url.searchParams.get("user") ?? demo.id,
        pageIds: url.searchParams.getAll("page"),
        redirectUri: url.searchParams.get("redirect_uri") ?? "",
        used: false,
      });
      redirect.searchParams.set("code", code);
    }
    reply(302, "", { location: redirect.toString() });
  }

  function exchange(query: Record<string, string>, reply: Reply) {
    if (!query.client_id || !query.client_secret) return reply(400, graphError(101, "Missing client_id or client_secret"));
    if (query.grant_type === "fb_exchange_token") {
      const grant = userTokens.get(query.fb_exchange_token ?? "");
      if (!grant) return reply(400, INVALID_TOKEN);
      const token = newToken("user");
      userTokens.set(token, grant);
      return reply(200, { access_token: token, token_type: "bearer", expires_in: 5_183_944 });
    }
    const code = codes.get(query.code ?? "");
    if (!code) return reply(400, graphError(100, "Invalid verification code format."));
    if (code.used) return reply(400, graphError(100, "This authorization code has been used.", 36009));
    if (code.redirectUri !== query.redirect_uri) {
      return reply(400, graphError(100, "Error validating verification code. Please make sure your redirect_uri is identical."));
    }
    code.used = true;
    const token = newToken("user");
    userTokens.set(token, { userId: code.userId, pageIds: code.pageIds });
    return reply(200, { access_token: token, token_type: "bearer", expires_in: 3_600 });
  }

  function meAccounts(token: string, reply: Reply) {
    const grant = userTokens.get(token);
    if (!grant) return reply(400, INVALID_TOKEN);
    const user = users.get(grant.userId);
    const data = (user?.pages ?? [])
      .filter((page) => grant.pageIds.includes(page.id))
      .map((page) => {
        let pageToken = [...pageTokens.entries()].find(([, id]) => id === page.id)?.[0];
        if (!pageToken) {
          pageToken = newToken("page");
          pageTokens.set(pageToken, page.id);
        }
        return {
          id: page.id,
          name: page.name,
          access_token: pageToken,
          category: "Gym/Physical Fitness Center",
          tasks: ["MESSAGING", "MODERATE"],
        };
      });
    return reply(200, { data, paging: { cursors: { before: "", after: "" } } });
  }

  /** Handles what belongs to accounts; false lets the simulator's other routes answer. */
  function handle(req: http.IncomingMessage, url: URL, query: Record<string, string>, token: string, reply: Reply): boolean {
    const [, version, id, edge, more] = url.pathname.split("/");
    const method = req.method ?? "GET";
    if (id === "dialog" && edge === "oauth") {
      if (more === "confirm") confirm(url, reply);
      else dialog(url, req, reply);
      return true;
    }
    if (!version?.startsWith("v") || !id) return false;
    if (id === "oauth" && edge === "access_token") {
      exchange(query, reply);
      return true;
    }
    if (id === "me" && edge === "accounts") {
      meAccounts(token, reply);
      return true;
    }
    const page = pageById(id);
    if (page) {
      if (pageTokens.get(token) !== page.id) {
        if (edge === "subscribed_apps" || !edge) {
          reply(400, INVALID_TOKEN);
          return true;
        }
        return false;
      }
      if (!edge && method === "GET") {
        const fields = query.fields ?? "";
        reply(200, {
          id: page.id,
          name: page.name,
          ...(fields.includes("instagram_business_account") && page.instagram
            ? { instagram_business_account: page.instagram }
            : {}),
        });
        return true;
      }
      if (edge === "subscribed_apps") {
        if (method === "POST") pageSubscriptions.set(page.id, (query.subscribed_fields ?? "").split(",").filter(Boolean));
        if (method === "DELETE") pageSubscriptions.delete(page.id);
        const fields = pageSubscriptions.get(page.id);
        reply(
          200,
          method === "GET" ? { data: fields ? [{ name: "Frontdesk", subscribed_fields: fields }] : [] } : { success: true },
        );
        return true;
      }
      return false;
    }
    const number = numberById(id) ?? numberByWaba(id);
    if (!number && (query.fields ?? "").includes("display_phone_number")) {
      reply(400, graphError(100, `Unsupported get request. Object with ID '${id}' does not exist`, 33));
      return true;
    }
    if (number && id === number.wabaId && edge === "phone_numbers") {
      if (number.token !== token) {
        reply(400, INVALID_TOKEN);
        return true;
      }
      const numbers = [...users.values()].flatMap((u) => u.whatsapp).filter((n) => n.wabaId === id);
      reply(200, {
        data: numbers.map((n) => ({
          id: n.phoneNumberId,
          display_phone_number: n.displayPhoneNumber,
          verified_name: n.verifiedName,
        })),
      });
      return true;
    }
    if (number && (edge === undefined || edge === "subscribed_apps")) {
      if (number.token !== token) {
        reply(400, INVALID_TOKEN);
        return true;
      }
      if (edge === "subscribed_apps") {
        if (method === "DELETE") wabaSubscriptions.delete(number.wabaId);
        else wabaSubscriptions.add(number.wabaId);
        reply(200, { success: true });
      } else if (id === number.phoneNumberId) {
        reply(200, {
          id,
          display_phone_number: number.displayPhoneNumber,
          verified_name: number.verifiedName,
          quality_rating: "GREEN",
        });
      } else {
        reply(200, { id, name: number.verifiedName });
      }
      return true;
    }
    return false;
  }

  /** Control endpoints for tests and the README: make test users, see subscriptions, "log in" a browser. */
  function control(req: http.IncomingMessage, url: URL, body: unknown, reply: Reply): boolean {
    if (url.pathname === "/__test-users" && req.method === "POST") {
      reply(200, createUser((body ?? {}) as TestUserRequest));
      return true;
    }
    if (url.pathname === "/__test-users") {
      reply(200, [...users.values()]);
      return true;
    }
    // Tests look for these anywhere they must not be (tables, logs, responses, HTML).
    if (url.pathname === "/__issued-tokens") {
      reply(200, [
        ...userTokens.keys(),
        ...pageTokens.keys(),
        ...[...users.values()].flatMap((u) => u.whatsapp.map((n) => n.token)),
      ]);
      return true;
    }
    if (url.pathname === "/__subscriptions") {
      reply(200, { pages: Object.fromEntries(pageSubscriptions), wabas: [...wabaSubscriptions] });
      return true;
    }
    const login = /^\/__login-as\/(\d+)$/.exec(url.pathname);
    if (login) {
      reply(200, `Logged in to the Meta simulator as ${users.get(login[1] ?? "")?.name ?? "nobody"}`, {
        "set-cookie": `${USER_COOKIE}=${login[1]}; Path=/; SameSite=Lax`,
        "content-type": "text/plain",
      });
      return true;
    }
    return false;
  }

  /** The WhatsApp Business Account of a number, and the token its account takes (for the template endpoints). */
  const whatsappAccountOf = (phoneNumberId: string) => numberById(phoneNumberId)?.wabaId ?? null;
  const whatsappAccountToken = (wabaId: string) => numberByWaba(wabaId)?.token ?? null;

  return { handle, control, demo, whatsappAccountOf, whatsappAccountToken };
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * What a test user does in the simulator's dialog, without a browser: grant some Pages (or cancel) and
 * follow the redirect back. Returns the callback URL Meta would send the browser to.
 */
export async function answerSimulatorDialog(
  dialogUrl: string,
  answer: { userId: string; pageIds: string[]; decision?: "allow" | "deny" },
): Promise<URL> {
  const dialog = new URL(dialogUrl);
  const confirm = new URL(`${dialog.pathname}/confirm`, dialog.origin);
  for (const name of ["client_id", "redirect_uri", "state", "scope"])
    confirm.searchParams.set(name, dialog.searchParams.get(name) ?? "");
  confirm.searchParams.set("user", answer.userId);
  confirm.searchParams.set("decision", answer.decision ?? "allow");
  for (const id of answer.pageIds) confirm.searchParams.append("page", id);
  const response = await fetch(confirm, { redirect: "manual" });
  const location = response.headers.get("location");
  if (response.status !== 302 || !location) throw new Error(`the dialog answered ${response.status}`);
  return new URL(location);
}
