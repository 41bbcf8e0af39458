import { me } from "./routers/account";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({ me });

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
