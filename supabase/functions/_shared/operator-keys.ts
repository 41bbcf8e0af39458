/**
 * The keys an operator may replay webhooks with: the legacy `service_role` JWT (SUPABASE_SERVICE_ROLE_KEY) and each
 * of the project's secret keys (`sb_secret_…`), which hosted functions get as a JSON dictionary of name → key
 * (SUPABASE_SECRET_KEYS). Projects that have moved to the new keys have only the second; malformed JSON adds none.
 */
export function operatorKeys(serviceRoleKey: string, secretKeysJson: string): string[] {
  let secretKeys: unknown[] = [];
  try {
    const parsed: unknown = secretKeysJson ? JSON.parse(secretKeysJson) : {};
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) secretKeys = Object.values(parsed);
  } catch {
    secretKeys = [];
  }
  return [serviceRoleKey, ...secretKeys].filter((key): key is string => typeof key === "string" && key.length > 0);
}
