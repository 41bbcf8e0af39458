import { readdir } from "node:fs/promises";
import { usesTransactionPooler } from "../../supabase/functions/_shared/database-url";
import { withConnection } from "../db/client";
import { isLoopbackHost, workerDatabaseUrl } from "../lib/config";
import { type Check, type DoctorContext, fine, reasonOf, wrong } from "./finding";

const WORKER_SILENT_AFTER_S = 60;

/** Whether the URL asks for TLS, which every connection that leaves this machine needs. */
function tlsProblem(name: string, url: string): string | null {
  const parsed = new URL(url);
  if (isLoopbackHost(parsed.hostname)) return null;
  const mode = parsed.searchParams.get("sslmode");
  return mode && ["require", "verify-ca", "verify-full"].includes(mode) ? null : `${name} reaches ${parsed.hostname} without TLS`;
}

function connectionFix(name: string, reason: string): string {
  if (/ENETUNREACH|EHOSTUNREACH|EADDRNOTAVAIL/.test(reason)) {
    return `db.<ref>.supabase.co is IPv6-only: from an IPv4 host use the pooler URL (Dashboard → Connect) in ${name}`;
  }
  if (/28P01|password authentication/.test(reason))
    return `${name}'s user or password is wrong: copy it again from Dashboard → Connect`;
  if (/ENOTFOUND/.test(reason)) return `${name}'s host does not resolve: check the project ref in it`;
  return `check ${name} (Dashboard → Connect) and that the database is up`;
}

function reachable(name: string, urlOf: (context: DoctorContext) => string | undefined, optional = false): Check {
  return {
    name: `${name} connects`,
    async run(context) {
      const url = urlOf(context);
      if (!url)
        return optional
          ? fine("not set (DATABASE_URL or SUPABASE_DB_URL stands in)")
          : wrong(`${name} is not set`, `set ${name}`);
      const tls = tlsProblem(name, url);
      if (tls) return wrong(tls, `add ?sslmode=require to ${name}`);
      try {
        const [row] = await withConnection(
          url,
          (sql) => sql<{ version: string; user: string }[]>`
          select current_setting('server_version') as version, current_user as user`,
        );
        return fine(`as ${row?.user}, Postgres ${row?.version}${usesTransactionPooler(url) ? ", transaction pooler" : ""}`);
      } catch (error) {
        const reason = reasonOf(error);
        return wrong(`${name} does not connect (${reason})`, connectionFix(name, reason));
      }
    },
  };
}

const migrationsApplied: Check = {
  name: "migrations applied",
  async run({ config, migrationsDir }) {
    const files = (await readdir(migrationsDir)).filter((file) => /^\d{14}_.+\.sql$/.test(file)).sort();
    try {
      const applied = await withConnection(
        config.DATABASE_URL,
        (sql) => sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`,
      );
      const versions = new Set(applied.map((row) => row.version));
      const missing = files.filter((file) => !versions.has(file.slice(0, 14)));
      return missing.length === 0
        ? fine(`all ${files.length}`)
        : wrong(`${missing.length} not applied: ${missing.join(", ")}`, "run `supabase db push` (README → Deploy to Supabase)");
    } catch (error) {
      return wrong(`cannot read the migration history (${reasonOf(error)})`, "run `supabase db push`, then check DATABASE_URL");
    }
  },
};

/** The API's login role may become `authenticated` and nothing else (ADR 004): RLS then decides what it sees. */
const apiRoleConfined: Check = {
  name: "DATABASE_API_URL's role becomes only authenticated",
  async run({ config }) {
    try {
      const [row] = await withConnection(
        config.DATABASE_API_URL,
        (sql) => sql<{ user: string; superuser: boolean; bypassrls: boolean; createrole: boolean; granted: string[] }[]>`
        select r.rolname as user, r.rolsuper as superuser, r.rolbypassrls as bypassrls, r.rolcreaterole as createrole,
               array(select g.rolname::text from pg_roles g where g.oid <> r.oid and pg_has_role(r.oid, g.oid, 'member')
                     and g.rolname not like 'pg\\_%' order by 1) as granted
        from pg_roles r where r.rolname = current_user`,
      );
      if (!row) return wrong("cannot read its role", "check DATABASE_API_URL");
      const powers = [row.superuser && "superuser", row.bypassrls && "bypasses RLS", row.createrole && "creates roles"].filter(
        Boolean,
      );
      const others = row.granted.filter((role) => role !== "authenticated");
      if (powers.length > 0 || others.length > 0 || !row.granted.includes("authenticated")) {
        const what = [
          ...powers,
          ...(others.length > 0 ? [`can become ${others.slice(0, 4).join(", ")}${others.length > 4 ? ", …" : ""}`] : []),
        ];
        if (!row.granted.includes("authenticated")) what.push("cannot become authenticated");
        return wrong(
          `${row.user} ${what.join(", ")}`,
          "use the frontdesk_api login role (README → Deploy to Supabase), never postgres",
        );
      }
      return fine(`${row.user} → authenticated`);
    } catch (error) {
      return wrong(`cannot check (${reasonOf(error)})`, "fix DATABASE_API_URL first");
    }
  },
};

/** graphile-worker LISTENs for new jobs: a connection shared between transactions would miss them. */
const workerConnection: Check = {
  name: "the worker has a session connection",
  async run({ config }) {
    const name = config.WORKER_DATABASE_URL ? "WORKER_DATABASE_URL" : "DATABASE_URL";
    return usesTransactionPooler(workerDatabaseUrl(config))
      ? wrong(
          `${name} goes through a transaction pooler`,
          "set WORKER_DATABASE_URL to the session pooler (port 5432) or the direct URL",
        )
      : fine(`${name} is a session connection`);
  },
};

const workerAlive: Check = {
  name: "a worker is running",
  async run({ config }) {
    try {
      const [row] = await withConnection(
        config.DATABASE_URL,
        (sql) => sql<{ workers: number; silentFor: number | null }[]>`
        select count(*)::int as workers, extract(epoch from now() - max(beat_at))::int as "silentFor"
        from app.worker_heartbeats`,
      );
      if (!row || row.silentFor === null)
        return wrong("no worker has ever reported in", "start one: `npm run worker` (npm start runs one)");
      if (row.silentFor > WORKER_SILENT_AFTER_S) {
        return wrong(`no worker has reported in for ${row.silentFor} s`, "start one: `npm run worker`, and check its log");
      }
      return fine(`last heartbeat ${row.silentFor} s ago`);
    } catch (error) {
      return wrong(`cannot read heartbeats (${reasonOf(error)})`, "fix DATABASE_URL and apply the migrations first");
    }
  },
};

export const DATABASE_CHECKS: Check[] = [
  reachable("DATABASE_URL", ({ config }) => config.DATABASE_URL),
  reachable("DATABASE_API_URL", ({ config }) => config.DATABASE_API_URL),
  reachable("WORKER_DATABASE_URL", ({ config }) => config.WORKER_DATABASE_URL, true),
  reachable("INGEST_DATABASE_URL", ({ env }) => env.INGEST_DATABASE_URL, true),
  migrationsApplied,
  apiRoleConfined,
  workerConnection,
  workerAlive,
];
