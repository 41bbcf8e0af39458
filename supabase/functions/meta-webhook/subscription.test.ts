import { describe, expect, inject, it } from "vitest";
import { LOCAL_DEFAULTS } from "../../../server/lib/config";

/** Over HTTP, through the Supabase gateway, to the function running under real Deno. */
const endpoint = () => `${inject("stack").supabaseUrl}/functions/v1/meta-webhook`;

describe("meta-webhook subscription check", () => {
  it("echoes hub.challenge for the right verify token", async () => {
    const url = `${endpoint()}?hub.mode=subscribe&hub.verify_token=${LOCAL_DEFAULTS.META_VERIFY_TOKEN}&hub.challenge=1158201444`;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("1158201444");
  });

  it.each([
    ["a wrong token", "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1"],
    ["no token", "hub.mode=subscribe&hub.challenge=1"],
    ["another mode", `hub.mode=unsubscribe&hub.verify_token=${LOCAL_DEFAULTS.META_VERIFY_TOKEN}&hub.challenge=1`],
  ])("answers 403 for %s", async (_name, query) => {
    const response = await fetch(`${endpoint()}?${query}`);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain("1");
  });

  it("is reachable only under its own name", async () => {
    const response = await fetch(`${inject("stack").supabaseUrl}/functions/v1/no-such-function`);
    expect(response.status).toBe(404);
  });
});
