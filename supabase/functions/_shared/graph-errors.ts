/**
 * Graph API error codes Frontdesk acts on, for the server (sending, connecting) and the edge function
 * (profile lookups, WhatsApp statuses) alike.
 */

/**
 * Too many calls: wait and try again. Graph's app, user, Page and custom limits (4, 17, 32, 613), the Pages,
 * Instagram, Messenger and WhatsApp Business Account limits (80001, 80002, 80006, 80007), and WhatsApp's
 * throughput and pair limits (130429, 131056).
 */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 17, 32, 613, 80001, 80002, 80006, 80007, 130429, 131056]);

/** The member's messaging window is closed: Messenger's 10 (subcode 2018278) and WhatsApp's re-engagement 131047. */
export const WINDOW_CLOSED_CODES: ReadonlySet<number> = new Set([10, 2018278, 131047]);

/** The access token is dead: the channel must be reconnected. */
export const TOKEN_EXPIRED_CODE = 190;

/** A WhatsApp message that failed with one of these can succeed when sent again: rate limits and passing trouble. */
export const RETRYABLE_WHATSAPP_CODES: ReadonlySet<number> = new Set([...RATE_LIMIT_CODES, 131000, 131016, 131048]);
