/** The browser never sees the refresh token: the app server hands out the current access token. */
export function sessionTokenSource() {
  let cached: { token: string; expiresAt: number } | null = null;
  return async (): Promise<string | null> => {
    if (cached && cached.expiresAt * 1000 - Date.now() > 60_000) return cached.token;
    try {
      const response = await fetch("/session/token", { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return null;
      const body = (await response.json()) as { accessToken: string; expiresAt: number };
      cached = { token: body.accessToken, expiresAt: body.expiresAt };
      return cached.token;
    } catch {
      return cached?.token ?? null;
    }
  };
}

/** One source for the page: Realtime and Storage uploads share the cached token. */
export const sessionToken = sessionTokenSource();
