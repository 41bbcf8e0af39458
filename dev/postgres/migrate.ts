import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Sql } from "postgres";

const MIGRATION_FILE = /^(\d{14})_(.+)\.sql$/;

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`migration ${file} failed: ${describePostgresError(cause)}`, { cause });
  }
}

/**
 * Applies `<14-digit timestamp>_<name>.sql` files in order, each once and in its own transaction,
 * recording them where the Supabase CLI does so `supabase db push` and local history agree.
 */
export async function applyMigrations(sql: Sql, migrationsDir: string): Promise<string[]> {
  await sql`create schema if not exists supabase_migrations`.simple();
  await sql`
    create table if not exists supabase_migrations.schema_migrations (
      version text primary key, statements text[], name text
    )`.simple();
  const applied = new Set(
    (await sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`).map((row) => row.version),
  );

  const files = (await readdir(migrationsDir)).filter((file) => MIGRATION_FILE.test(file)).sort();
  const known = new Set(files.map((file) => MIGRATION_FILE.exec(file)?.[1]));
  const unknown = [...applied].filter((version) => !known.has(version));
  if (unknown.length > 0) {
    // A database made by migrations that are gone (the schema was rebased) cannot be brought forward.
    throw new StaleDatabaseError(unknown);
  }
  const newlyApplied: string[] = [];
  for (const file of files) {
    const [, version, name] = MIGRATION_FILE.exec(file) ?? [];
    if (!version || !name || applied.has(version)) continue;
    const text = await readFile(path.join(migrationsDir, file), "utf8");
    try {
      await sql.begin(async (tx) => {
        await tx.unsafe(text).simple();
        await tx`insert into supabase_migrations.schema_migrations (version, statements, name)
                 values (${version}, ${[text]}, ${name})`;
      });
    } catch (error) {
      throw new MigrationError(file, error);
    }
    newlyApplied.push(file);
  }
  return newlyApplied;
}

export class StaleDatabaseError extends Error {
  constructor(readonly versions: string[]) {
    super(
      `this database was built by migrations that are no longer in supabase/migrations (${versions.join(", ")}): ` +
        "the schema has been rebased since. For the local stack, delete .local/ and start again.",
    );
  }
}

function describePostgresError(error: unknown): string {
  if (error && typeof error === "object" && "message" in error) {
    const { message, position, detail } = error as { message: string; position?: string; detail?: string };
    return [message, detail, position ? `at character ${position}` : undefined].filter(Boolean).join("; ");
  }
  return String(error);
}
