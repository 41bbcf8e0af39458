import { z } from "zod";

// Server-only so zod stays out of the login page's browser bundle.
const credentialsSchema = z.object({
  email: z.email("Enter a valid email address."),
  password: z.string().min(1, "Enter your password."),
});

export const parseCredentials = (input: unknown) => credentialsSchema.safeParse(input);
