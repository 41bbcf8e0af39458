/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

import type { RequestContext } from "../server/http/app-server";

declare module "@remix-run/node" {
  // What server/http/app-server.ts gives every loader and action.
  interface AppLoadContext extends RequestContext {}
}
