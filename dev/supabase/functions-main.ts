// Runs under Deno. Serves every function in supabase/functions on one port, dispatching on the first
// path segment as Supabase's edge runtime does; each function keeps its plain `Deno.serve(handler)`.
type Handler = (request: Request) => Response | Promise<Response>;

const functionsDir = new URL("../../supabase/functions/", import.meta.url);
const port = Number(Deno.env.get("FUNCTIONS_PORT") ?? "0");

const edgeRuntime = globalThis as unknown as { EdgeRuntime?: { waitUntil(promise: Promise<unknown>): void } };
edgeRuntime.EdgeRuntime ??= { waitUntil: (promise) => void promise.catch(console.error) };

// The supervisor holds our stdin open; EOF means it is gone, and nothing should outlive it.
(async () => {
  for await (const _chunk of Deno.stdin.readable) {
    // never written to
  }
  Deno.exit(0);
})();

const handlers = new Map<string, Handler>();
const realServe = Deno.serve;
for await (const entry of Deno.readDir(functionsDir)) {
  if (!entry.isDirectory || entry.name.startsWith("_")) continue;
  let captured: Handler | undefined;
  const capture = (...args: unknown[]) => {
    for (const arg of args) {
      if (typeof arg === "function") captured = arg as Handler;
      else if (arg && typeof arg === "object" && "handler" in arg) captured = (arg as { handler: Handler }).handler;
    }
    return {
      finished: Promise.resolve(),
      shutdown: async () => {},
      ref() {},
      unref() {},
      addr: { transport: "tcp", hostname: "127.0.0.1", port },
    };
  };
  (Deno as unknown as { serve: unknown }).serve = capture;
  await import(new URL(`${entry.name}/index.ts`, functionsDir).href);
  if (captured) handlers.set(entry.name, captured);
}
(Deno as unknown as { serve: unknown }).serve = realServe;

realServe(
  {
    hostname: "127.0.0.1",
    port,
    onListen: ({ port: bound }) =>
      console.log(JSON.stringify({ event: "functions.listening", port: bound, functions: [...handlers.keys()] })),
  },
  (request) => {
    const name = new URL(request.url).pathname.split("/")[1] ?? "";
    const handler = handlers.get(name);
    if (!handler) return Response.json({ code: "NOT_FOUND", message: "Requested function was not found" }, { status: 404 });
    return handler(request);
  },
);
