import { describe, expect, it } from "vitest";
import { messagingWindow } from "./messaging-window";

const inbound = new Date("2026-11-01T10:00:00Z");
const hoursLater = (hours: number) => new Date(inbound.getTime() + hours * 3_600_000);

describe("messagingWindow", () => {
  it("is closed before the member has written", () => {
    expect(messagingWindow("messenger", null, true, hoursLater(1))).toEqual({
      state: "closed",
      closedAt: null,
      reason: "no_inbound",
    });
  });

  it.each(["messenger", "instagram", "whatsapp"] as const)("%s: open for 24 h after the member's last message", (provider) => {
    expect(messagingWindow(provider, inbound, false, hoursLater(23.9))).toEqual({ state: "open", closesAt: hoursLater(24) });
  });

  it("Messenger/Instagram: human-agent replies until day 7 only when the workspace enables them", () => {
    expect(messagingWindow("instagram", inbound, true, hoursLater(30))).toEqual({
      state: "human_agent",
      closesAt: hoursLater(168),
    });
    expect(messagingWindow("instagram", inbound, false, hoursLater(30))).toEqual({
      state: "closed",
      closedAt: hoursLater(24),
      reason: "expired",
    });
    expect(messagingWindow("messenger", inbound, true, hoursLater(168))).toEqual({
      state: "closed",
      closedAt: hoursLater(168),
      reason: "expired",
    });
  });

  it("WhatsApp: after 24 h only templates", () => {
    expect(messagingWindow("whatsapp", inbound, true, hoursLater(24))).toEqual({
      state: "closed",
      closedAt: hoursLater(24),
      reason: "template_required",
    });
  });
});
