import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { z } from "zod";

/** The emails Auth sends: a sign-up's confirmation, a team invitation, a password reset. */
export const AUTH_EMAIL_KINDS = ["confirmation", "invite", "recovery"] as const;
export type AuthEmailKind = (typeof AUTH_EMAIL_KINDS)[number];

/** What the stand-in's Auth takes from supabase/config.toml, as `supabase start` would. */
export interface AuthEmailSettings {
  signupEnabled: boolean;
  confirmationsEnabled: boolean;
  maxFrequencySeconds: number;
  otpExpirySeconds: number;
  templates: Record<AuthEmailKind, { subject: string; html: string }>;
}

const duration = z
  .string()
  .regex(/^\d+[smh]$/)
  .transform((value) => Number(value.slice(0, -1)) * { s: 1, m: 60, h: 3600 }[value.slice(-1) as "s" | "m" | "h"]);
const template = z.object({ subject: z.string().min(1), content_path: z.string().min(1) });
const configSchema = z.object({
  auth: z.object({
    enable_signup: z.boolean(),
    email: z.object({
      enable_signup: z.boolean(),
      enable_confirmations: z.boolean(),
      max_frequency: duration,
      otp_expiry: z.number().int().positive(),
      template: z.object({ confirmation: template, invite: template, recovery: template }),
    }),
  }),
});

export function readAuthEmailSettings(configFile: string): AuthEmailSettings {
  const { auth } = configSchema.parse(parse(readFileSync(configFile, "utf8")));
  // content_path is relative to the project root, the folder above supabase/.
  const root = path.resolve(path.dirname(configFile), "..");
  return {
    signupEnabled: auth.enable_signup && auth.email.enable_signup,
    confirmationsEnabled: auth.email.enable_confirmations,
    maxFrequencySeconds: auth.email.max_frequency,
    otpExpirySeconds: auth.email.otp_expiry,
    templates: Object.fromEntries(
      AUTH_EMAIL_KINDS.map((kind) => {
        const { subject, content_path } = auth.email.template[kind];
        return [kind, { subject, html: readFileSync(path.resolve(root, content_path), "utf8") }];
      }),
    ) as AuthEmailSettings["templates"],
  };
}

/** GoTrue's template variables (Go templates, `{{ .Name }}`); a template naming one we do not fill is an error. */
export function renderTemplate(html: string, values: Record<string, string>): string {
  return html.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`email template uses {{ .${name} }}, which the stand-in does not fill`);
    return escapeHtml(value);
  });
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
