import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeWebhook } from "./meta-events";

const APP_ID = "1517776481860111";
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, "fixtures", `${name}.json`), "utf8"));

describe("normalizeWebhook", () => {
  it("WhatsApp template reviews, quality and category changes, by account; other account fields are not events", () => {
    const change = (field: string, value: Record<string, unknown>) => ({
      object: "whatsapp_business_account",
      entry: [{ id: "102290129340401", time: 1764000000, changes: [{ field, value }] }],
    });
    const template = {
      message_template_id: 806312974732579,
      message_template_name: "follow_up",
      message_template_language: "en_US",
    };
    expect(
      normalizeWebhook(
        change("message_template_status_update", { ...template, event: "REJECTED", reason: "INVALID_FORMAT" }),
        APP_ID,
      ),
    ).toEqual([
      {
        type: "template",
        provider: "whatsapp",
        accountId: "102290129340401",
        occurredAt: 1764000000000,
        change: "status",
        templateId: "806312974732579",
        name: "follow_up",
        language: "en_US",
        value: "REJECTED",
        reason: "INVALID_FORMAT",
      },
    ]);
    expect(
      normalizeWebhook(change("message_template_status_update", { ...template, event: "APPROVED", reason: "NONE" }), APP_ID)[0],
    ).toMatchObject({
      value: "APPROVED",
      reason: null,
    });
    expect(
      normalizeWebhook(
        change("message_template_quality_update", { ...template, previous_quality_score: "GREEN", new_quality_score: "YELLOW" }),
        APP_ID,
      )[0],
    ).toMatchObject({ change: "quality", value: "YELLOW" });
    expect(
      normalizeWebhook(
        change("template_category_update", { ...template, previous_category: "UTILITY", new_category: "MARKETING" }),
        APP_ID,
      )[0],
    ).toMatchObject({ change: "category", value: "MARKETING" });
    expect(normalizeWebhook(change("account_update", { event: "VERIFIED_ACCOUNT" }), APP_ID)).toEqual([]);
  });

  it("Messenger text, quick reply and attachments", () => {
    expect(normalizeWebhook(fixture("messenger-text"), APP_ID)).toEqual([
      expect.objectContaining({
        type: "message",
        provider: "messenger",
        accountId: "105550000000001",
        userId: "7000000000000001",
        mid: "m_AbCdEf0001",
        direction: "inbound",
        sender: "member",
        kind: "text",
        text: "Hi! Is the 6am spin class still on tomorrow?",
        occurredAt: 1763800000000,
      }),
    ]);
    expect(normalizeWebhook(fixture("messenger-quick-reply"), APP_ID)[0]).toMatchObject({
      metadata: { quickReplyPayload: "BOOK_SPIN_6AM" },
    });
    expect(normalizeWebhook(fixture("messenger-attachments"), APP_ID)[0]).toMatchObject({
      kind: "image",
      text: null,
      preview: "[Photo]",
      attachments: [
        { type: "image", url: "https://scontent.example/v/t1/receipt.jpg" },
        { type: "file", url: "https://cdn.example/doctor-note.pdf" },
      ],
    });
  });

  it("echoes: our app's are receipts, anyone else's are messages from Meta's inbox", () => {
    const ours = normalizeWebhook(fixture("messenger-echo"), APP_ID)[0];
    expect(ours).toMatchObject({ type: "message", sender: "app", direction: "outbound", userId: "7000000000000001" });
    expect(normalizeWebhook(fixture("messenger-echo"), "999")[0]).toMatchObject({ sender: "page" });
  });

  it("carries the message id our sends attached: Messenger echo metadata, WhatsApp callback data", () => {
    const messageId = "0b7f7a52-3c1e-4d6f-9a57-1c2d3e4f5a6b";
    const echo = fixture("messenger-echo") as { entry: { messaging: { message: Record<string, unknown> }[] }[] };
    const sentMessage = echo.entry[0]?.messaging[0]?.message;
    if (sentMessage) sentMessage.metadata = messageId;
    expect(normalizeWebhook(echo, APP_ID)[0]).toMatchObject({ type: "message", sender: "app", reference: messageId });

    const status = fixture("whatsapp-status-delivered") as {
      entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[];
    };
    const delivered = status.entry[0]?.changes[0]?.value.statuses[0];
    if (delivered) delivered.biz_opaque_callback_data = messageId;
    expect(normalizeWebhook(status, APP_ID)[0]).toMatchObject({ type: "status", reference: messageId });

    // Nothing else carries one: a member's message, a plain echo, a Messenger receipt.
    for (const name of ["messenger-text", "messenger-echo", "messenger-delivery", "whatsapp-status-delivered"]) {
      expect(normalizeWebhook(fixture(name), APP_ID)[0]).toMatchObject({ reference: null });
    }
  });

  it("deliveries and reads by mids and watermark, postbacks and reactions", () => {
    expect(normalizeWebhook(fixture("messenger-delivery"), APP_ID)).toEqual([
      expect.objectContaining({ type: "status", status: "delivered", mids: ["m_PageReply0001"], watermark: 1763800003500 }),
    ]);
    expect(normalizeWebhook(fixture("messenger-read"), APP_ID)).toEqual([
      expect.objectContaining({ type: "status", status: "read", mids: [], watermark: 1763800003500 }),
    ]);
    expect(normalizeWebhook(fixture("messenger-postback"), APP_ID)[0]).toMatchObject({
      kind: "postback",
      text: "Get Started",
      metadata: { postbackPayload: "GET_STARTED" },
    });
    expect(normalizeWebhook(fixture("messenger-reaction"), APP_ID)[0]).toMatchObject({
      type: "reaction",
      targetMid: "m_PageReply0001",
      emoji: "❤️",
      reaction: "love",
    });
  });

  it("Instagram text, story mention and unsend", () => {
    expect(normalizeWebhook(fixture("instagram-text"), APP_ID)[0]).toMatchObject({ provider: "instagram", kind: "text" });
    expect(normalizeWebhook(fixture("instagram-story-mention"), APP_ID)[0]).toMatchObject({ kind: "story_mention" });
    expect(normalizeWebhook(fixture("instagram-unsend"), APP_ID)).toEqual([
      expect.objectContaining({ type: "unsend", mid: "m_IgMsg0001" }),
    ]);
  });

  it("WhatsApp text with the profile name, media, interactive replies and statuses", () => {
    expect(normalizeWebhook(fixture("whatsapp-text"), APP_ID)[0]).toMatchObject({
      provider: "whatsapp",
      accountId: "106540352242922",
      userId: "16505551234",
      profileName: "Sheena Nelson",
      text: "Can I freeze my membership for March?",
      occurredAt: 1763800011000,
    });
    expect(normalizeWebhook(fixture("whatsapp-image"), APP_ID)[0]).toMatchObject({
      kind: "image",
      text: "my injury note",
      attachments: [{ type: "image", mediaId: "1003383421387256", mimeType: "image/jpeg" }],
    });
    expect(normalizeWebhook(fixture("whatsapp-interactive"), APP_ID)[0]).toMatchObject({
      kind: "postback",
      text: "Confirm",
      metadata: { postbackPayload: "confirm-freeze" },
      replyTo: "wamid.HBgLMTU1NTA3ODM4ODEVAgARGBJBRjY0QjI3MjQ5RkI0QzFFMDAA",
    });
    expect(normalizeWebhook(fixture("whatsapp-status-failed"), APP_ID)[0]).toMatchObject({
      type: "status",
      status: "failed",
      error: { code: "WINDOW_CLOSED", providerCode: 131047, retryable: false },
    });
  });

  it("keeps unknown message types as unsupported and ignores unknown objects", () => {
    const weird = {
      object: "whatsapp_business_account",
      entry: [
        {
          changes: [
            {
              field: "messages",
              value: {
                metadata: { phone_number_id: "1" },
                messages: [{ from: "2", id: "wamid.x", timestamp: "1", type: "order" }],
              },
            },
          ],
        },
      ],
    };
    expect(normalizeWebhook(weird, APP_ID)).toEqual([
      expect.objectContaining({ kind: "unsupported", metadata: { unsupportedType: "order" }, preview: "[Unsupported message]" }),
    ]);
    expect(normalizeWebhook({ object: "user" }, APP_ID)).toEqual([]);
  });
});
