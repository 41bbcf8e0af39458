import { eventually } from "./eventually";

export interface CaughtEmail {
  id: string;
  subject: string;
  html: string;
  to: { address: string }[];
}

/** Every email the mail catcher holds for `address`, oldest first (maildev's REST API). */
export async function emailsTo(mailUrl: string, address: string): Promise<CaughtEmail[]> {
  const response = await fetch(`${mailUrl}/api/email`);
  if (!response.ok) throw new Error(`mail catcher answered ${response.status}`);
  const all = (await response.json()) as CaughtEmail[];
  return all.filter((email) => email.to.some((to) => to.address.toLowerCase() === address.toLowerCase()));
}

/** Waits for the `count`th email to `address` and returns it. */
export async function nthEmailTo(mailUrl: string, address: string, count = 1): Promise<CaughtEmail> {
  const emails = await eventually(
    () => emailsTo(mailUrl, address),
    (found) => found.length >= count,
  );
  const email = emails[count - 1];
  if (!email) throw new Error(`no email number ${count} to ${address} arrived (${emails.length} did)`);
  return email;
}

/** The first link in an email whose path is `path`, as a browser would follow it (`&amp;` read as `&`). */
export function linkIn(email: CaughtEmail, path: string): URL {
  for (const [, href] of email.html.matchAll(/href="([^"]+)"/g)) {
    const url = new URL((href ?? "").replaceAll("&amp;", "&"));
    if (url.pathname === path) return url;
  }
  throw new Error(`no ${path} link in "${email.subject}"`);
}
