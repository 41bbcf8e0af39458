import type { TeamMember } from "../api/types";

export type Role = TeamMember["role"];

/** How each role reads, with what it may do (DESIGN §13). */
export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin — everything, including channels and the team",
  manager: "Manager — the inbox, assigning anyone, reports",
  agent: "Agent — the inbox, assigning themselves",
};

export const ROLE_NAMES: Record<Role, string> = { admin: "Admin", manager: "Manager", agent: "Agent" };
