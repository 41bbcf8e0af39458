import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../stack/local-stack";
import { startMetaSimulator } from "./simulator";

let simulator: Awaited<ReturnType<typeof startMetaSimulator>>;
beforeAll(async () => {
  simulator = await startMetaSimulator({ port: await freePort() });
});
afterAll(() => simulator.stop());

const post = (path: string, body: unknown) =>
  fetch(`${simulator.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("Meta simulator", () => {
  it("answers the Send API like Meta and records the call without its token", async () => {
    const messenger = await post("/v25.0/105550000000001/messages?access_token=secret", {
      recipient: { id: "7000" },
      message: { text: "hi" },
    });
    expect(await messenger.json()).toMatchObject({ recipient_id: "7000", message_id: expect.stringMatching(/^m_/) });
    const whatsapp = await post("/v25.0/106540352242922/messages", { messaging_product: "whatsapp", to: "16505551234" });
    expect(await whatsapp.json()).toMatchObject({ messages: [{ id: expect.stringMatching(/^wamid\./) }] });
    const calls = (await (await fetch(`${simulator.url}/__calls`)).json()) as {
      path: string;
      hadAccessToken: boolean;
      query: object;
    }[];
    expect(calls.slice(-2).map((call) => call.path)).toEqual([
      "/v25.0/105550000000001/messages",
      "/v25.0/106540352242922/messages",
    ]);
    expect(calls.at(-2)).toMatchObject({ hadAccessToken: true, query: {} });
    expect(JSON.stringify(calls)).not.toContain("secret");
  });

  it("injects Graph errors and 5xx for as many calls as asked", async () => {
    await post("/__failures", { pathIncludes: "/messages", code: 190, times: 1 });
    await post("/__failures", { pathIncludes: "/messages", status: 503, times: 1 });
    const expired = await post("/v25.0/1/messages", { recipient: { id: "1" } });
    expect(expired.status).toBe(400);
    expect(await expired.json()).toMatchObject({ error: { code: 190, type: "OAuthException" } });
    expect((await post("/v25.0/1/messages", { recipient: { id: "1" } })).status).toBe(503);
    expect((await post("/v25.0/1/messages", { recipient: { id: "1" } })).status).toBe(200);
  });

  it("adds latency on demand", async () => {
    await post("/__failures", { latencyMs: 150 });
    const started = performance.now();
    await fetch(`${simulator.url}/v25.0/7000?fields=name,profile_pic`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});
