import { mkdtemp, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { superuserSql } from "../test/fixtures";
import { applyMigrations, MigrationError, StaleDatabaseError } from "./migrate";
import { prepareDatabase } from "./prepare";

/** A fresh database on the test cluster, so these tests see migrations from nothing. */
async function freshDatabase(): Promise<string> {
  const name = `migrate_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await superuserSql().unsafe(`create database ${name}`);
  const url = new URL(inject("stack").superuserUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const opened: postgres.Sql[] = [];
function connect(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  opened.push(sql);
  return sql;
}
afterAll(async () => {
  await Promise.all(opened.map((sql) => sql.end()));
});

/** Everything a migration can create, as one comparable string. */
async function schemaFingerprint(sql: postgres.Sql): Promise<string> {
  const [row] = await sql<{ fingerprint: string }[]>`
    select md5(string_agg(item, '|' order by item)) as fingerprint from (
      select 'rel:' || n.nspname || '.' || c.relname || ':' || c.relkind::text || ':' || c.relrowsecurity as item
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
      union all
      select 'col:' || attrelid::regclass || '.' || attname || ':' || format_type(atttypid, atttypmod)
        from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and attnum > 0 and not attisdropped
      union all
      select 'fn:' || p.oid::regprocedure || ':' || md5(p.prosrc) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname not in ('pg_catalog', 'information_schema')
      union all
      select 'policy:' || polrelid::regclass || '.' || polname || ':' || coalesce(pg_get_expr(polqual, polrelid), '') from pg_policy
      union all
      select 'grant:' || table_schema || '.' || table_name || ':' || grantee || ':' || privilege_type
        from information_schema.role_table_grants where table_schema not in ('pg_catalog', 'information_schema')
      union all
      select 'migration:' || version from supabase_migrations.schema_migrations
    ) items`;
  return row?.fingerprint ?? "";
}

describe("migrations", () => {
  it("apply once: a second run changes nothing", async () => {
    const url = await freshDatabase();
    const first = await prepareDatabase(url, { seedDemo: false });
    expect(first.migrationsApplied.length).toBeGreaterThan(0);
    const before = await schemaFingerprint(connect(url));

    const second = await prepareDatabase(url, { seedDemo: false });
    expect(second.migrationsApplied).toEqual([]);
    expect(await schemaFingerprint(connect(url))).toBe(before);
  });

  it("stop at a failing file with its name and the Postgres error, rolling that file back", async () => {
    const url = await freshDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
    await writeFile(path.join(dir, "20260101000000_good.sql"), "create table public.good (id int);");
    await writeFile(path.join(dir, "20260101000001_bad.sql"), "create table public.half (id int);\nselect * from missing_table;");
    await writeFile(path.join(dir, "20260101000002_later.sql"), "create table public.later (id int);");
    const sql = connect(url);

    const failure = await applyMigrations(sql, dir).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as Error).message).toContain("20260101000001_bad.sql");
    expect((failure as Error).message).toContain('relation "missing_table" does not exist');

    const tables = await sql<{ name: string }[]>`select tablename as name from pg_tables where schemaname = 'public' order by 1`;
    expect(tables.map((t) => t.name)).toEqual(["good"]);
    const versions = await sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`;
    expect(versions.map((v) => v.version)).toEqual(["20260101000000"]);
  });

  it("refuse a database built by migrations that are gone (a rebased schema), saying how to start afresh", async () => {
    const url = await freshDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
    await writeFile(path.join(dir, "20260101000000_first.sql"), "create table public.first (id int);");
    const sql = connect(url);
    await applyMigrations(sql, dir);
    await rename(path.join(dir, "20260101000000_first.sql"), path.join(dir, "20260201000000_baseline.sql"));
    const failure = await applyMigrations(sql, dir).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StaleDatabaseError);
    expect((failure as Error).message).toMatch(/20260101000000.*delete \.local\//);
  });

  it("seed the demo workspaces only into an empty database", async () => {
    const url = await freshDatabase();
    expect((await prepareDatabase(url, { seedDemo: true, demoPassword: "custom-pass" })).seeded).toBe(true);
    expect((await prepareDatabase(url, { seedDemo: true })).seeded).toBe(false);
    const sql = connect(url);
    const workspaces = await sql<{ name: string }[]>`select name from public.workspaces order by name`;
    expect(workspaces.map((w) => w.name)).toEqual(["Harbor Yoga Studio", "Iron Temple Gym"]);
    const [admin] = await sql<{ ok: boolean }[]>`
      select encrypted_password = extensions.crypt('custom-pass', encrypted_password) as ok
      from auth.users where email = 'admin@irontemple.test'`;
    expect(admin?.ok).toBe(true);
  });
});
