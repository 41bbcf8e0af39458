import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { memberOfNewWorkspace, superuserSql } from "../dev/test/fixtures";
import { withUser } from "../server/db/client";
import { supabaseClient } from "../server/lib/supabase-client";

const { supabaseUrl, env } = inject("stack");

/** The Storage API as this token's holder, the way the browser calls it. */
const storageAs = (accessToken: string) =>
  supabaseClient(env.SUPABASE_ANON_KEY ?? "", { supabaseUrl, accessToken }).storage.from("attachments");
const asService = () => storageAs(env.SUPABASE_SERVICE_ROLE_KEY ?? "");

const bytes = (text: string) => new Blob([text], { type: "text/plain" });
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());

describe("the attachments bucket: only a workspace's members reach its objects", () => {
  it("staff upload under their workspace's outbound prefix, then read it back and sign a URL that serves it", async () => {
    const gym = await memberOfNewWorkspace("agent");
    const name = `${gym.workspaceId}/outbound/${randomUUID()}-timetable.txt`;
    const storage = storageAs(gym.session.access_token);
    expect((await storage.upload(name, bytes("Mon 7am spin"), { contentType: "text/plain" })).error).toBeNull();

    const downloaded = await storage.download(name);
    expect(await downloaded.data?.text()).toBe("Mon 7am spin");
    const signed = await storage.createSignedUrl(name, 60);
    if (!signed.data) throw new Error(signed.error?.message);
    const served = await fetch(signed.data.signedUrl);
    expect(served.headers.get("content-type")).toBe("text/plain");
    expect(await served.text()).toBe("Mon 7am spin");

    const tampered = new URL(signed.data.signedUrl);
    tampered.pathname = tampered.pathname.replace("timetable", "other");
    expect((await fetch(tampered)).status).toBe(400);
  });

  it("a contact import's CSV goes to the imports folder from managers and admins only", async () => {
    const manager = await memberOfNewWorkspace("manager");
    const agent = await memberOfNewWorkspace("agent");
    const csv = () => new Blob(["Name\nDana\n"], { type: "text/csv" });
    const mine = `${manager.workspaceId}/imports/${randomUUID()}-members.csv`;
    expect((await storageAs(manager.session.access_token).upload(mine, csv(), { contentType: "text/csv" })).error).toBeNull();
    const agents = `${agent.workspaceId}/imports/${randomUUID()}-members.csv`;
    expect((await storageAs(agent.session.access_token).upload(agents, csv(), { contentType: "text/csv" })).error).not.toBeNull();
    const theirs = `${agent.workspaceId}/imports/${randomUUID()}-members.csv`;
    expect(
      (await storageAs(manager.session.access_token).upload(theirs, csv(), { contentType: "text/csv" })).error,
    ).not.toBeNull();
  });

  it("a signed upload URL goes only to whom the policies let upload there, and works for that path alone", async () => {
    const gym = await memberOfNewWorkspace("agent");
    const stranger = await memberOfNewWorkspace("admin");
    const name = `${gym.workspaceId}/outbound/${randomUUID()}-waiver.txt`;
    const storage = storageAs(gym.session.access_token);
    const signed = await storage.createSignedUploadUrl(name);
    if (!signed.data) throw new Error(signed.error?.message);
    // The token alone is enough: no session goes with it.
    const anonymous = storageAs(env.SUPABASE_ANON_KEY ?? "");
    const other = `${gym.workspaceId}/outbound/${randomUUID()}-other.txt`;
    expect((await anonymous.uploadToSignedUrl(other, signed.data.token, bytes("elsewhere"))).error).not.toBeNull();
    expect((await anonymous.uploadToSignedUrl(name, signed.data.token, bytes("Signed, Sam"))).error).toBeNull();
    expect(await (await storage.download(name)).data?.text()).toBe("Signed, Sam");
    const [row] = await superuserSql()<{ owner_id: string }[]>`select owner_id from storage.objects where name = ${name}`;
    expect(row?.owner_id).toBe(gym.user.id);

    expect(
      (await storageAs(stranger.session.access_token).createSignedUploadUrl(`${gym.workspaceId}/outbound/x.txt`)).error,
    ).not.toBeNull();
    expect((await storage.createSignedUploadUrl(`${gym.workspaceId}/${randomUUID()}/inbound.txt`)).error).not.toBeNull();
    const [trial] = await superuserSql()<{ n: number }[]>`
      select count(*)::int as n from storage.objects where name = ${`${gym.workspaceId}/outbound/x.txt`}`;
    expect(trial?.n).toBe(0);
  });

  it("another workspace's member can neither read, sign nor upload there — through the Storage API or SQL", async () => {
    const gym = await memberOfNewWorkspace("admin");
    const stranger = await memberOfNewWorkspace("admin");
    const name = `${gym.workspaceId}/${randomUUID()}/${randomUUID()}/0-photo.txt`;
    expect((await asService().upload(name, bytes("member's photo"))).error).toBeNull();

    const theirs = storageAs(stranger.session.access_token);
    expect((await theirs.download(name)).error).not.toBeNull();
    expect((await theirs.createSignedUrl(name, 60)).error).not.toBeNull();
    const batch = await theirs.createSignedUrls([name], 60);
    expect(batch.data?.[0]?.signedUrl ?? null).toBeNull();
    const intruding = await theirs.upload(`${gym.workspaceId}/outbound/${randomUUID()}-x.txt`, bytes("x"));
    expect(intruding.error).not.toBeNull();

    const seen = await withUser(
      claimsOf(stranger.session.access_token),
      (tx) => tx`
      select 1 from storage.objects where bucket_id = 'attachments' and name = ${name}`,
    );
    expect(seen).toHaveLength(0);
    const inserted = await withUser(
      claimsOf(stranger.session.access_token),
      (tx) => tx`
      insert into storage.objects (bucket_id, name) values ('attachments', ${`${gym.workspaceId}/outbound/sneaky.txt`})`,
    ).catch((error: { code?: string }) => error.code);
    expect(inserted).toBe("42501");

    // The workspace's own member reads it.
    expect(await (await storageAs(gym.session.access_token).download(name)).data?.text()).toBe("member's photo");
  });

  it("staff cannot write where inbound media goes, nor remove or overwrite anything; the server can", async () => {
    const gym = await memberOfNewWorkspace("admin");
    const inbound = `${gym.workspaceId}/${randomUUID()}/${randomUUID()}/0-voice.txt`;
    const storage = storageAs(gym.session.access_token);
    expect((await storage.upload(inbound, bytes("forged"))).error).not.toBeNull();

    expect((await asService().upload(inbound, bytes("real"))).error).toBeNull();
    expect((await storage.upload(inbound, bytes("overwritten"), { upsert: true })).error).not.toBeNull();
    const removed = await storage.remove([inbound]);
    expect(removed.data ?? []).toHaveLength(0);
    expect(await (await storage.download(inbound)).data?.text()).toBe("real");

    expect((await asService().remove([inbound])).data).toHaveLength(1);
    const [left] = await superuserSql()<{ n: number }[]>`
      select count(*)::int as n from storage.objects where bucket_id = 'attachments' and name = ${inbound}`;
    expect(left?.n).toBe(0);
  });
});
