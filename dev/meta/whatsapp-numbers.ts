/**
 * How the simulator's WhatsApp numbers behave under a broadcast, per number, as set by a test or a benchmark:
 * a throughput limit (sends above `perSecond` answered with 130429, as Meta does), a messaging limit (`dailyLimit`
 * distinct members in 24 hours; Meta documents no code of its own for it, so the simulator answers 131049), and the
 * statuses it reports back by webhook for each accepted send (`statuses`, e.g. sent, delivered, read).
 * Control: `POST /__numbers/{phone-number-id}` with any of those (which starts its counts afresh), `GET` it for what it
 * admitted (each member how often, and when the first and last send came) and refused.
 */
export interface NumberBehaviour {
  perSecond?: number;
  dailyLimit?: number;
  statuses?: ("sent" | "delivered" | "read")[];
  /** Between one status and the next. */
  statusGapMs?: number;
}

interface NumberState extends NumberBehaviour {
  tokens: number;
  refilledAt: number;
  members: Set<string>;
  /** Sends admitted per member: more than one is a member messaged twice. */
  sends: Map<string, number>;
  admitted: number;
  throttled: number;
  overLimit: number;
  firstAt?: number;
  lastAt?: number;
}

export type Admission = "ok" | "throttled" | "over_limit";

export function createNumberBehaviour() {
  const numbers = new Map<string, NumberState>();
  /** Counts from zero, the bucket full. */
  const fresh = (perSecond = 0) => ({
    tokens: perSecond,
    refilledAt: Date.now(),
    members: new Set<string>(),
    sends: new Map<string, number>(),
    admitted: 0,
    throttled: 0,
    overLimit: 0,
    firstAt: undefined,
    lastAt: undefined,
  });
  const stateOf = (id: string) => {
    let state = numbers.get(id);
    if (!state) {
      state = fresh();
      numbers.set(id, state);
    }
    return state;
  };
  return {
    /** Handles `/__numbers/{id}`; false for any other path. */
    control(method: string, pathname: string, body: unknown, json: (status: number, value: unknown) => void): boolean {
      const match = /^\/__numbers\/([^/]+)$/.exec(pathname);
      if (!match?.[1]) return false;
      const state = stateOf(match[1]);
      if (method === "POST") {
        const wanted = (body ?? {}) as NumberBehaviour;
        Object.assign(state, wanted, fresh(wanted.perSecond));
      }
      json(200, {
        perSecond: state.perSecond ?? null,
        dailyLimit: state.dailyLimit ?? null,
        admitted: state.admitted,
        members: state.sends.size,
        repeated: [...state.sends.values()].reduce((sum, n) => sum + n - 1, 0),
        firstAt: state.firstAt ?? null,
        lastAt: state.lastAt ?? null,
        throttled: state.throttled,
        overLimit: state.overLimit,
      });
      return true;
    },
    /** Whether a send from this number to this member goes through now (a bucket of one second's worth). */
    admit(phoneNumberId: string, member: string): Admission {
      const state = numbers.get(phoneNumberId);
      if (!state) return "ok";
      if (state.perSecond) {
        const now = Date.now();
        state.tokens = Math.min(state.perSecond, state.tokens + ((now - state.refilledAt) / 1000) * state.perSecond);
        state.refilledAt = now;
        if (state.tokens < 1) {
          state.throttled += 1;
          return "throttled";
        }
        state.tokens -= 1;
      }
      if (state.dailyLimit && !state.members.has(member) && state.members.size >= state.dailyLimit) {
        state.overLimit += 1;
        return "over_limit";
      }
      state.members.add(member);
      state.sends.set(member, (state.sends.get(member) ?? 0) + 1);
      state.admitted += 1;
      state.firstAt ??= Date.now();
      state.lastAt = Date.now();
      return "ok";
    },
    /** The statuses to report for a send from this number, and the gap between them. */
    statusesOf(phoneNumberId: string): { statuses: ("sent" | "delivered" | "read")[]; gapMs: number } {
      const state = numbers.get(phoneNumberId);
      return { statuses: state?.statuses ?? [], gapMs: state?.statusGapMs ?? 50 };
    },
  };
}
