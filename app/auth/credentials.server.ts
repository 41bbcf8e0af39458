import { z } from "zod";
import { fieldErrorsFrom } from "../../server/lib/result";

// Server-only so zod stays out of the login page's browser bundle.
const credentialsSchema = z.object({
  email: z.email("Enter a valid email address."),
  password: z.string().min(1, "Enter your password."),
});

export const parseCredentials = (input: unknown) => credentialsSchema.safeParse(input);

/** The first message for each of the sign-in and sign-up forms' fields (server/lib/result.ts reads the issues). */
export function credentialFieldErrors(issues: z.core.$ZodIssue[]): Partial<Record<"email" | "password", string>> {
  const byField = fieldErrorsFrom(issues);
  return Object.fromEntries(
    (["email", "password"] as const).flatMap((field) => (byField[field]?.[0] ? [[field, byField[field][0]]] : [])),
  );
}
