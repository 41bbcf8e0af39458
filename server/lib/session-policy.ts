/**
 * How long a session lasts without being used: the session cookies' max age (renewed on every refresh) and Auth's
 * inactivity timeout (supabase/config.toml [auth.sessions]; the local stand-in enforces the same), so neither
 * outlives the other. config.test.ts fails when config.toml says otherwise.
 */
export const SESSION_INACTIVITY_DAYS = 14;
