// The endpoint Meta calls. Deployed with `supabase functions deploy meta-webhook --no-verify-jwt`.
import { answerSubscriptionCheck } from "../_shared/subscription.ts";

const verifyToken = Deno.env.get("META_VERIFY_TOKEN") ?? "";

Deno.serve((request: Request): Response => {
  if (request.method === "GET") return answerSubscriptionCheck(new URL(request.url), verifyToken);
  return new Response("Method Not Allowed", { status: 405, headers: { allow: "GET" } });
});
