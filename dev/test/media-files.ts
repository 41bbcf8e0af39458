/** Small real files whose type their bytes give away, for tests of members' media. */
export const PNG_1X1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

/** The first page of an Ogg Opus stream, as a WhatsApp voice note starts. */
export const OGG_OPUS_HEAD = Buffer.concat([
  Buffer.from("OggS", "latin1"),
  Buffer.from([0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 19]),
  Buffer.from("OpusHead", "latin1"),
  Buffer.from([1, 1, 56, 1, 128, 187, 0, 0, 0, 0, 0]),
]);

/** A PDF, the usual disguise in tests of a file that lies about being a photo. */
export const TINY_PDF = Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "latin1");
