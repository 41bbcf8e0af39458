import { describe, expect, it } from "vitest";
import { checkOutboundFile, outboundMediaRule, outboundPath } from "./outbound-media";

describe("what each channel takes as a reply's file", () => {
  it("names the limit when a file is too large, in the channel's words", () => {
    expect(checkOutboundFile("whatsapp", { mimeType: "image/jpeg", size: 5_200_000 })).toEqual({
      ok: false,
      problem: "WhatsApp takes images (JPEG, PNG) up to 5 MB; this file is 5.2 MB.",
    });
    expect(checkOutboundFile("instagram", { mimeType: "image/png", size: 9_000_000 })).toMatchObject({
      problem: "Instagram takes images (JPEG, PNG, GIF) up to 8 MB; this file is 9 MB.",
    });
    expect(checkOutboundFile("whatsapp", { mimeType: "image/webp", size: 600_000 })).toMatchObject({
      problem: "WhatsApp takes stickers (WebP) up to 0.5 MB; this file is 0.6 MB.",
    });
    expect(checkOutboundFile("messenger", { mimeType: "application/zip", size: 24_000_000 })).toMatchObject({ ok: true });
  });

  it("says what the channel takes instead of a type it refuses, and refuses empty files", () => {
    const gif = checkOutboundFile("whatsapp", { mimeType: "image/gif", size: 1000 });
    expect(gif).toMatchObject({ ok: false, problem: expect.stringContaining("does not take this type of file (image/gif)") });
    expect(gif.ok ? "" : gif.problem).toContain("documents (PDF, Word, Excel, PowerPoint, text)");
    expect(checkOutboundFile("instagram", { mimeType: "application/zip", size: 10 })).toMatchObject({ ok: false });
    expect(checkOutboundFile("whatsapp", { mimeType: "application/pdf", size: 0 })).toEqual({
      ok: false,
      problem: "This file is empty.",
    });
  });

  it("reads the names browsers give the same format as one", () => {
    expect(outboundMediaRule("whatsapp", "audio/x-m4a")?.type).toBe("audio");
    expect(outboundMediaRule("whatsapp", "audio/ogg; codecs=opus")?.type).toBe("audio");
    expect(outboundMediaRule("instagram", "IMAGE/JPG")?.type).toBe("image");
    expect(outboundMediaRule("messenger", "application/pdf")?.type).toBe("file");
    expect(outboundMediaRule("whatsapp", "application/x-msdownload")).toBeNull();
  });

  it("keeps a file's name, made safe for a Storage key, in the conversation's outbound folder", () => {
    expect(outboundPath("w", "c", "id", "Timetable (Dec) — v2.pdf")).toBe("w/outbound/c/id-Timetable_Dec_v2.pdf");
    expect(outboundPath("w", "c", "id", "../../etc/passwd")).toBe("w/outbound/c/id-etc_passwd");
    expect(outboundPath("w", "c", "id", "")).toBe("w/outbound/c/id-file");
  });
});
