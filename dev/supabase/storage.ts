import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import type http from "node:http";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { type JWTPayload, jwtVerify, SignJWT } from "jose";
import type postgres from "postgres";
import { readJson } from "./json-body";
import type { SigningKeys } from "./keys";

/**
 * The Storage API storage-js calls (`/storage/v1/object/…`): upload, signed upload (a URL signed for a caller the
 * policies let insert, then an upload with its token), download, signed URLs (one and a batch) and remove, files under `rootDir/<bucket>/<name>`. Like Supabase Storage it touches `storage.objects` as the caller —
 * their role and JWT claims, in a transaction — so our RLS policies decide who may upload, read, sign or remove;
 * the service role bypasses them. Bytes are streamed, never held whole.
 */
export interface StorageOptions {
  sql: postgres.Sql;
  keys: SigningKeys;
  rootDir: string;
}

type Caller = { role: "anon" | "authenticated" | "service_role"; claims: JWTPayload };
type Reply = { status: number; body: unknown } | { stream: string; mimeType: string; size: number };

const fail = (status: number, error: string, message: string): Reply => ({
  status,
  body: { statusCode: String(status), error, message },
});

export function createStorage(options: StorageOptions) {
  const { sql, keys } = options;
  const fileOf = (bucket: string, name: string) => {
    const file = path.resolve(options.rootDir, bucket, name);
    if (!file.startsWith(path.resolve(options.rootDir, bucket) + path.sep)) throw new Error("path escapes the bucket");
    return file;
  };

  async function callerOf(req: http.IncomingMessage): Promise<Caller | null> {
    const token = String(req.headers.authorization ?? "").match(/^Bearer (.+)$/i)?.[1] ?? String(req.headers.apikey ?? "");
    try {
      const { payload } = await jwtVerify(token, keys.publicKey, { algorithms: ["ES256"] });
      const role = payload.role;
      return role === "anon" || role === "authenticated" || role === "service_role" ? { role, claims: payload } : null;
    } catch {
      return null;
    }
  }

  /** `fn` in a transaction as the caller, with their claims, as Storage runs its queries. */
  function asCaller<T>(caller: Caller, fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
    return sql.begin(async (tx) => {
      await tx`select set_config('role', ${caller.role}, true),
                      set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true),
                      set_config('request.jwt.claim.sub', ${String(caller.claims.sub ?? "")}, true)`;
      return fn(tx);
    }) as Promise<T>;
  }

  async function readable(caller: Caller, bucket: string, name: string) {
    const [row] = await asCaller(
      caller,
      (tx) => tx<{ mimeType: string | null; size: string | null }[]>`
      select metadata ->> 'mimetype' as "mimeType", metadata ->> 'size' as size
      from storage.objects where bucket_id = ${bucket} and name = ${name}`,
    );
    return row ?? null;
  }

  async function upload(
    req: http.IncomingMessage,
    caller: Caller,
    bucket: string,
    name: string,
    upsert: boolean,
  ): Promise<Reply> {
    const [limits] = await sql<{ fileSizeLimit: string | null }[]>`
      select file_size_limit as "fileSizeLimit" from storage.buckets where id = ${bucket}`;
    if (!limits) return fail(404, "Bucket not found", "Bucket not found");
    const { bytes, mimeType } = await uploadedBytes(req);
    const file = fileOf(bucket, name);
    const partial = `${file}.${crypto.randomUUID()}.part`;
    await mkdir(path.dirname(file), { recursive: true });
    const limit = limits.fileSizeLimit ? Number(limits.fileSizeLimit) : Number.POSITIVE_INFINITY;
    let size = 0;
    try {
      await pipeline(
        bytes,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            size += chunk.length;
            if (size > limit) throw Object.assign(new Error("too large"), { tooLarge: true });
            yield chunk;
          }
        },
        createWriteStream(partial),
      );
      const id = await asCaller(caller, async (tx) => {
        const metadata = tx.json({ size, mimetype: mimeType });
        const [row] = upsert
          ? await tx<{ id: string }[]>`
              insert into storage.objects (bucket_id, name, owner_id, metadata)
              values (${bucket}, ${name}, ${String(caller.claims.sub ?? "")}, ${metadata})
              on conflict (bucket_id, name) do update set metadata = excluded.metadata, updated_at = now()
              returning id`
          : await tx<{ id: string }[]>`
              insert into storage.objects (bucket_id, name, owner_id, metadata)
              values (${bucket}, ${name}, ${String(caller.claims.sub ?? "")}, ${metadata})
              returning id`;
        await rename(partial, file);
        return row?.id;
      });
      return { status: 200, body: { Id: id, Key: `${bucket}/${name}` } };
    } catch (error) {
      await rm(partial, { force: true });
      if ((error as { tooLarge?: boolean }).tooLarge)
        return fail(413, "Payload too large", "The object exceeded the maximum allowed size");
      const code = (error as { code?: string }).code;
      if (code === "23505") return fail(409, "Duplicate", "The resource already exists");
      if (code === "42501") return fail(403, "Unauthorized", "new row violates row-level security policy");
      throw error;
    }
  }

  /** A signed URL's token: the object it is for (`url`), anything else it carries, and when it runs out. */
  const signToken = (bucket: string, name: string, expiresIn: number, extra: JWTPayload = {}) =>
    new SignJWT({ ...extra, url: `${bucket}/${name}` })
      .setProtectedHeader({ alg: "ES256", kid: keys.kid })
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
      .sign(keys.privateKey);

  /** A signed URL's token for this object, or Storage's refusal of it (expired, tampered, for another object). */
  async function verifyToken(bucket: string, name: string, token: string): Promise<{ claims: JWTPayload } | { refused: Reply }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys.publicKey, { algorithms: ["ES256"] }));
    } catch {
      return { refused: fail(400, "InvalidJWT", "jwt expired or invalid") };
    }
    if (payload.url !== `${bucket}/${name}`) {
      return { refused: fail(400, "InvalidSignature", "The url do not match the signature") };
    }
    return { claims: payload };
  }

  /** Signed upload URLs last two hours, as Storage's do. */
  const SIGNED_UPLOAD_SECONDS = 2 * 60 * 60;

  /**
   * A signed upload URL: given only to a caller whose insert the bucket's policies allow (tried, then rolled back),
   * as Storage checks it when signing; the upload with its token is then that caller's, without their session.
   */
  async function signUpload(caller: Caller, bucket: string, name: string, upsert: boolean): Promise<Reply> {
    const refused = await asCaller(caller, async (tx) => {
      try {
        await tx.savepoint(async (trial) => {
          await trial`insert into storage.objects (bucket_id, name, owner_id) values (${bucket}, ${name}, ${String(caller.claims.sub ?? "")})
                      ${upsert ? trial`on conflict (bucket_id, name) do nothing` : trial``}`;
          throw new TrialOver();
        });
        return null;
      } catch (error) {
        if (error instanceof TrialOver) return null;
        const code = (error as { code?: string }).code;
        if (code === "42501") return fail(403, "Unauthorized", "new row violates row-level security policy");
        if (code === "23505") return fail(409, "Duplicate", "The resource already exists");
        throw error;
      }
    });
    if (refused) return refused;
    const token = await signToken(bucket, name, SIGNED_UPLOAD_SECONDS, { owner: String(caller.claims.sub ?? ""), upsert });
    return { status: 200, body: { url: `/object/upload/sign/${bucket}/${encodeURI(name)}?token=${token}` } };
  }

  async function uploadSigned(req: http.IncomingMessage, bucket: string, name: string, token: string): Promise<Reply> {
    const verified = await verifyToken(bucket, name, token);
    if ("refused" in verified) return verified.refused;
    const { owner, upsert } = verified.claims;
    // Authorized when it was signed: written as Storage itself, owned by whoever asked for the URL.
    const uploader: Caller = { role: "service_role", claims: { role: "service_role", sub: String(owner ?? "") } };
    return upload(req, uploader, bucket, name, upsert === true);
  }

  async function signOne(caller: Caller, bucket: string, name: string, expiresIn: number) {
    if (!(await readable(caller, bucket, name))) return null;
    return `/object/sign/${bucket}/${encodeURI(name)}?token=${await signToken(bucket, name, expiresIn)}`;
  }

  async function serveSigned(bucket: string, name: string, token: string): Promise<Reply> {
    const verified = await verifyToken(bucket, name, token);
    if ("refused" in verified) return verified.refused;
    const [row] = await sql<{ mimeType: string | null }[]>`
      select metadata ->> 'mimetype' as "mimeType" from storage.objects where bucket_id = ${bucket} and name = ${name}`;
    if (!row) return fail(404, "not_found", "Object not found");
    return {
      stream: fileOf(bucket, name),
      mimeType: row.mimeType ?? "application/octet-stream",
      size: (await stat(fileOf(bucket, name))).size,
    };
  }

  return {
    /** Answers one `/storage/v1/*` request (`route` without that prefix). */
    async handle(req: http.IncomingMessage, route: string, query: URLSearchParams): Promise<Reply> {
      const method = req.method ?? "GET";
      const signedUpload = /^\/object\/upload\/sign\/([^/]+)\/(.+)$/.exec(route);
      if (method === "PUT" && signedUpload?.[1] && signedUpload[2])
        return uploadSigned(req, signedUpload[1], decodeURIComponent(signedUpload[2]), query.get("token") ?? "");
      const signed = /^\/object\/sign\/([^/]+)\/(.+)$/.exec(route);
      if (method === "GET" && signed?.[1] && signed[2])
        return serveSigned(signed[1], decodeURIComponent(signed[2]), query.get("token") ?? "");
      const caller = await callerOf(req);
      if (!caller) return fail(400, "Invalid JWT", "invalid signature");
      if (method === "POST" && signedUpload?.[1] && signedUpload[2])
        return signUpload(caller, signedUpload[1], decodeURIComponent(signedUpload[2]), req.headers["x-upsert"] === "true");
      if (method === "POST" && signed?.[1] && signed[2]) {
        const { expiresIn } = await readJson(req);
        const url = await signOne(caller, signed[1], decodeURIComponent(signed[2]), Number(expiresIn) || 60);
        return url ? { status: 200, body: { signedURL: url } } : fail(404, "not_found", "Object not found");
      }
      const batch = /^\/object\/sign\/([^/]+)$/.exec(route);
      if (method === "POST" && batch?.[1]) {
        const { expiresIn, paths } = await readJson(req);
        const names = Array.isArray(paths) ? paths.map(String) : [];
        const results = [];
        for (const name of names) {
          const url = await signOne(caller, batch[1], name, Number(expiresIn) || 60);
          results.push(
            url
              ? { path: name, signedURL: url, error: null }
              : { path: name, signedURL: null, error: "Either the object does not exist or you do not have access to it" },
          );
        }
        return { status: 200, body: results };
      }
      const object = /^\/object(?:\/authenticated)?\/([^/]+)\/(.+)$/.exec(route);
      if (object?.[1] && object[2]) {
        const [bucket, name] = [object[1], decodeURIComponent(object[2])];
        if (method === "POST" || method === "PUT")
          return upload(req, caller, bucket, name, method === "PUT" || req.headers["x-upsert"] === "true");
        if (method === "GET") {
          const row = await readable(caller, bucket, name);
          if (!row) return fail(404, "not_found", "Object not found");
          return {
            stream: fileOf(bucket, name),
            mimeType: row.mimeType ?? "application/octet-stream",
            size: (await stat(fileOf(bucket, name))).size,
          };
        }
      }
      const removeIn = /^\/object\/([^/]+)$/.exec(route);
      if (method === "DELETE" && removeIn?.[1]) {
        const bucket = removeIn[1];
        const { prefixes } = await readJson(req);
        const names = Array.isArray(prefixes) ? prefixes.map(String) : [];
        const removed = await asCaller(
          caller,
          (tx) => tx<{ name: string }[]>`
          delete from storage.objects where bucket_id = ${bucket} and name = any(${names}) returning name`,
        );
        for (const { name } of removed) await rm(fileOf(bucket, name), { force: true });
        return { status: 200, body: removed.map(({ name }) => ({ bucket_id: bucket, name })) };
      }
      return fail(404, "not_found", "Route not found");
    },
  };
}

/**
 * The uploaded bytes and their type: the request body itself, or (storage-js's upload of a Blob or File) the file
 * part of a multipart form, streamed as it arrives.
 */
function uploadedBytes(req: http.IncomingMessage): Promise<{ bytes: Readable; mimeType: string }> {
  const contentType = String(req.headers["content-type"] ?? "application/octet-stream");
  if (!contentType.startsWith("multipart/form-data")) {
    return Promise.resolve({ bytes: req, mimeType: contentType.split(";")[0]?.trim() || "application/octet-stream" });
  }
  return new Promise((resolve, reject) => {
    const form = busboy({ headers: req.headers, limits: { files: 1 } });
    form.once("file", (_field, stream, info) =>
      resolve({ bytes: stream, mimeType: info.mimeType || "application/octet-stream" }),
    );
    form.once("error", reject);
    form.once("close", () => reject(new Error("no file in the form")));
    req.pipe(form);
  });
}

/** Sends a Storage reply: JSON, or the object's bytes streamed from its file. */
export async function sendStorageReply(res: http.ServerResponse, reply: Reply, headers: Record<string, string>) {
  if ("stream" in reply) {
    res.writeHead(200, { ...headers, "content-type": reply.mimeType, "content-length": String(reply.size) });
    // A reader may stop early (the worker reads a file's head, then hangs up): that is theirs to do, not an error.
    await pipeline(createReadStream(reply.stream), res).catch((error: { code?: string }) => {
      if (error.code !== "ERR_STREAM_PREMATURE_CLOSE") throw error;
    });
    return;
  }
  res.writeHead(reply.status, { ...headers, "content-type": "application/json" }).end(JSON.stringify(reply.body));
}

/** Ends a trial insert: rolls it back without being an error. */
class TrialOver extends Error {}

export type Storage = ReturnType<typeof createStorage>;
