import { useCallback, useEffect, useRef, useState } from "react";

/**
 * Text someone is still writing, kept in this browser's storage under `key` (per user, and per conversation or
 * contact): switching conversation, a reload or a crash loses nothing. Null when there is no draft; set it to
 * null once the text has been sent or saved.
 */
export function useDraft(key: string): [string | null, (text: string | null) => void] {
  const [draft, setDraft] = useState<string | null>(null);
  const current = useRef(key);

  // Another conversation or contact: its own draft, read once mounted (storage exists only in the browser).
  useEffect(() => {
    current.current = key;
    setDraft(read(key));
  }, [key]);

  const update = useCallback((text: string | null) => {
    setDraft(text);
    write(current.current, text);
  }, []);
  return [draft, update];
}

const PREFIX = "frontdesk:draft:";

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

function write(key: string, text: string | null) {
  try {
    if (text === null) window.localStorage.removeItem(PREFIX + key);
    else window.localStorage.setItem(PREFIX + key, text);
  } catch {
    // Storage full or disabled (private browsing): the draft lives as long as the page does.
  }
}
