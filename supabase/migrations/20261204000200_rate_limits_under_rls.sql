-- app.rate_limits joins every other table under row level security. No policy: only its owner and service_role
-- (which bypasses RLS; the rate limiters use one or the other) reach it, whatever is granted to anyone later.
alter table app.rate_limits enable row level security;
