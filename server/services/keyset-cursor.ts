/**
 * Opaque keyset cursors: the sort timestamp exactly as Postgres printed it (microseconds survive; a
 * JS Date would round them and skip or repeat rows) plus the row id that breaks ties.
 */
export interface KeysetPosition {
  at: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const POSTGRES_TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString("base64url");
}

/** What a page's rows are told apart by: a uuid, or a bigint identity (its digits). */
const ROW_IDS = { uuid: UUID, bigint: /^\d{1,19}$/ } as const;

/** The position, or null when the cursor was not made by `encodeCursor` for rows with `idKind` ids. */
export function decodeCursor(cursor: string, idKind: keyof typeof ROW_IDS = "uuid"): KeysetPosition | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [at, id] = value as unknown[];
    if (typeof at !== "string" || typeof id !== "string" || !POSTGRES_TIMESTAMPTZ.test(at) || !ROW_IDS[idKind].test(id))
      return null;
    return { at, id };
  } catch {
    return null;
  }
}
