import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCAL_DEFAULTS, parseConfig } from "./config";
import { SESSION_INACTIVITY_DAYS } from "./session-policy";

const hostedSecrets = {
  META_APP_ID: "2222",
  SUPABASE_URL: "https://abcd.supabase.co",
  SUPABASE_ANON_KEY: "anon-key",
  DATABASE_URL: "postgresql://postgres:real@db.abcd.supabase.co:5432/postgres",
  DATABASE_API_URL: "postgresql://frontdesk_api:real@db.abcd.supabase.co:5432/postgres",
  META_APP_SECRET: "real-app-secret",
  META_VERIFY_TOKEN: "real-verify-token",
  TOKEN_ENCRYPTION_KEYS: `k2:${Buffer.alloc(32, 7).toString("base64")}`,
  APP_URL: "https://crm.irontemple.example",
};

describe("configuration", () => {
  it("fills local defaults outside production", () => {
    const config = parseConfig({ SUPABASE_ANON_KEY: "anon" });
    expect(config.PORT).toBe(3000);
    expect(config.SUPABASE_URL).toBe(LOCAL_DEFAULTS.SUPABASE_URL);
    expect(config.META_GRAPH_VERSION).toBe("v25.0");
  });

  it("refuses to start in production with any local default secret", () => {
    expect(() => parseConfig({ ...hostedSecrets, NODE_ENV: "production" })).not.toThrow();
    const { META_APP_SECRET: _secret, TOKEN_ENCRYPTION_KEYS: _keys, ...missing } = hostedSecrets;
    expect(() => parseConfig({ ...missing, NODE_ENV: "production" })).toThrow(
      "Refusing to start in production:\n  META_APP_SECRET has the local stack's value; set this deployment's own\n" +
        "  TOKEN_ENCRYPTION_KEYS has the local stack's value",
    );
  });

  // Each setting wrong on its own: production names it.
  it.each([
    ["APP_URL", LOCAL_DEFAULTS.APP_URL, "APP_URL has the local stack's value"],
    ["APP_URL", "http://127.0.0.1:8080", "APP_URL points at this machine (127.0.0.1:8080)"],
    ["SUPABASE_URL", LOCAL_DEFAULTS.SUPABASE_URL, "SUPABASE_URL has the local stack's value"],
    ["SUPABASE_URL", "http://localhost:54321", "SUPABASE_URL points at this machine (localhost:54321)"],
    ["META_GRAPH_URL", LOCAL_DEFAULTS.META_GRAPH_URL, "META_GRAPH_URL has the local stack's value"],
    ["META_APP_ID", LOCAL_DEFAULTS.META_APP_ID, "META_APP_ID has the local stack's value"],
    ["DATABASE_URL", LOCAL_DEFAULTS.DATABASE_URL, "DATABASE_URL has the local stack's value"],
    ["DATABASE_API_URL", LOCAL_DEFAULTS.DATABASE_API_URL, "DATABASE_API_URL has the local stack's value"],
    ["META_VERIFY_TOKEN", LOCAL_DEFAULTS.META_VERIFY_TOKEN, "META_VERIFY_TOKEN has the local stack's value"],
  ])("production refuses %s=%s", (name, value, message) => {
    expect(() => parseConfig({ ...hostedSecrets, NODE_ENV: "production", [name]: value })).toThrow(message);
  });

  it("talks to Meta's Graph API unless told otherwise", () => {
    expect(parseConfig({ SUPABASE_ANON_KEY: "anon" }).META_GRAPH_URL).toBe("https://graph.facebook.com");
  });

  it("allows the local stack's defaults when the local stack says so", () => {
    expect(() => parseConfig({ SUPABASE_ANON_KEY: "anon", NODE_ENV: "production", FRONTDESK_LOCAL_STACK: "1" })).not.toThrow();
  });

  it("names every invalid variable", () => {
    expect(() => parseConfig({ PORT: "eighty", TOKEN_ENCRYPTION_KEYS: "short" })).toThrow(
      /PORT: .*\n.*SUPABASE_ANON_KEY: .*\n.*TOKEN_ENCRYPTION_KEYS: keyId:base64\(32 bytes\)/,
    );
  });
});

describe("TRUST_PROXY", () => {
  it.each([
    [undefined, false],
    ["false", false],
    ["true", true],
    ["1", 1],
    ["loopback, 10.0.0.0/8", "loopback, 10.0.0.0/8"],
  ])("%s → %s", (value, expected) => {
    expect(parseConfig({ SUPABASE_ANON_KEY: "anon", TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
  });
});

it("Auth's session inactivity timeout in supabase/config.toml matches the session cookies' life", async () => {
  const toml = await readFile(path.resolve(import.meta.dirname, "../../supabase/config.toml"), "utf8");
  const hours = /\[auth\.sessions\][^[]*inactivity_timeout\s*=\s*"(\d+)h"/.exec(toml)?.[1];
  expect(Number(hours)).toBe(SESSION_INACTIVITY_DAYS * 24);
});
