import { describe, expect, it } from "vitest";
import { OGG_OPUS_HEAD as OPUS_HEAD, PNG_1X1, TINY_PDF } from "../../dev/test/media-files";
import { sniffMedia } from "./media-sniff";

const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(64)]);

describe("sniffMedia: what a file is comes from its bytes", () => {
  it("reads an image's type and dimensions", async () => {
    expect(await sniffMedia(PNG_1X1, { type: "image", mimeType: "image/jpeg" })).toEqual({
      ok: true,
      mimeType: "image/png",
      extension: "png",
      width: 1,
      height: 1,
    });
  });

  it("takes a WhatsApp voice note for the Ogg Opus audio it is", async () => {
    expect(await sniffMedia(OPUS_HEAD, { type: "audio", mimeType: "audio/ogg; codecs=opus" })).toMatchObject({
      ok: true,
      mimeType: expect.stringMatching(/^audio\/ogg/),
    });
  });

  it.each([
    ["a 'photo' that is a PDF", TINY_PDF, { type: "image", mimeType: "image/jpeg" }, "not an image: application/pdf"],
    ["a 'voice note' that is an image", PNG_1X1, { type: "audio", mimeType: "audio/ogg" }, "not audio: image/png"],
    [
      "a 'PDF' that is an image",
      PNG_1X1,
      { type: "document", mimeType: "application/pdf" },
      "claims application/pdf but is image/png",
    ],
    [
      "a document that is a program",
      ELF,
      { type: "document", mimeType: "application/pdf" },
      "a program (application/x-elf), not a document",
    ],
    [
      "an 'image' document with no image in it",
      Buffer.from("hello"),
      { type: "document", mimeType: "image/png" },
      "claims image/png but is not",
    ],
  ])("refuses %s", async (_case, bytes, claimed, reason) => {
    expect(await sniffMedia(bytes, claimed)).toEqual({ ok: false, reason });
  });

  it("keeps a text document's claimed type (text has no magic number)", async () => {
    expect(await sniffMedia(Buffer.from("day,class\nMon,spin\n"), { type: "document", mimeType: "text/csv" })).toEqual({
      ok: true,
      mimeType: "text/csv",
      extension: null,
      width: null,
      height: null,
    });
  });
});
