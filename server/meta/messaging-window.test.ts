import { describe, expect, it } from "vitest";
import { messagingWindow } from "./messaging-window";

const inbound = new Date("2026-11-01T10:00:00Z");
const hoursLater = (hours: number) => new Date(inbound.getTime() + hours * 3_600_000);

describe("messagingWindow", () => {
  it("is closed before the member has written", () => {
    expect(
      messagingWindow({ provider: "messenger", lastInboundAt: null, humanAgentEnabled: true, refusedAt: null }, hoursLater(1)),
    ).toEqual({
      state: "closed",
      closedAt: null,
      reason: "no_inbound",
    });
  });

  it.each(["messenger", "instagram", "whatsapp"] as const)("%s: open for 24 h after the member's last message", (provider) => {
    expect(
      messagingWindow(
        { provider: provider, lastInboundAt: inbound, humanAgentEnabled: false, refusedAt: null },
        hoursLater(23.9),
      ),
    ).toEqual({ state: "open", closesAt: hoursLater(24) });
  });

  it("Messenger/Instagram: human-agent replies until day 7 only when the workspace enables them", () => {
    expect(
      messagingWindow(
        { provider: "instagram", lastInboundAt: inbound, humanAgentEnabled: true, refusedAt: null },
        hoursLater(30),
      ),
    ).toEqual({
      state: "human_agent",
      closesAt: hoursLater(168),
    });
    expect(
      messagingWindow(
        { provider: "instagram", lastInboundAt: inbound, humanAgentEnabled: false, refusedAt: null },
        hoursLater(30),
      ),
    ).toEqual({
      state: "closed",
      closedAt: hoursLater(24),
      reason: "expired",
    });
    expect(
      messagingWindow(
        { provider: "messenger", lastInboundAt: inbound, humanAgentEnabled: true, refusedAt: null },
        hoursLater(168),
      ),
    ).toEqual({
      state: "closed",
      closedAt: hoursLater(168),
      reason: "expired",
    });
  });

  it("WhatsApp: after 24 h only templates", () => {
    expect(
      messagingWindow({ provider: "whatsapp", lastInboundAt: inbound, humanAgentEnabled: true, refusedAt: null }, hoursLater(24)),
    ).toEqual({
      state: "closed",
      closedAt: hoursLater(24),
      reason: "template_required",
    });
  });

  it("closes when Meta refused a reply for the window, until the member writes again", () => {
    const refused = hoursLater(2);
    const facts = { provider: "whatsapp" as const, lastInboundAt: inbound, humanAgentEnabled: false, refusedAt: refused };
    expect(messagingWindow(facts, hoursLater(3))).toEqual({
      state: "closed",
      closedAt: refused,
      reason: "reengagement_required",
    });
    // The member wrote after the refusal: the usual 24 h from their message.
    const wroteAgain = hoursLater(4);
    expect(messagingWindow({ ...facts, lastInboundAt: wroteAgain }, hoursLater(5))).toEqual({
      state: "open",
      closesAt: new Date(wroteAgain.getTime() + 24 * 3_600_000),
    });
  });
});
