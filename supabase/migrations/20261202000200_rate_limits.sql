-- Counters for the app's and the webhook's rate limits (rate-limiter-flexible's Postgres store, ADR 016): shared by
-- every server process, no Redis. Keys are `<limit>:<hash>`: no email address or IP is stored in the clear.
-- In `app`, which the Data API does not expose, with no grant to `anon` or `authenticated`.
create table app.rate_limits (
  key varchar(255) primary key,
  points integer not null default 0,
  -- Epoch milliseconds at which the window ends (the library's format).
  expire bigint
);
revoke all on app.rate_limits from public, anon, authenticated;
grant select, insert, update, delete on app.rate_limits to service_role;
