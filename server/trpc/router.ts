import { me } from "./routers/account";
import { auditRouter } from "./routers/audit";
import { broadcastsRouter } from "./routers/broadcasts";
import { channelsRouter } from "./routers/channels";
import { contactFieldsRouter } from "./routers/contact-fields";
import { contactImportsRouter } from "./routers/contact-imports";
import { contactsRouter } from "./routers/contacts";
import { conversationsRouter } from "./routers/conversations";
import { healthRouter } from "./routers/health";
import { messagesRouter } from "./routers/messages";
import { notificationsRouter } from "./routers/notifications";
import { savedRepliesRouter } from "./routers/saved-replies";
import { stagesRouter } from "./routers/stages";
import { tagsRouter } from "./routers/tags";
import { teamRouter } from "./routers/team";
import { templatesRouter } from "./routers/templates";
import { workspacesRouter } from "./routers/workspaces";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  me,
  channels: channelsRouter,
  conversations: conversationsRouter,
  messages: messagesRouter,
  contacts: contactsRouter,
  tags: tagsRouter,
  stages: stagesRouter,
  contactFields: contactFieldsRouter,
  contactImports: contactImportsRouter,
  broadcasts: broadcastsRouter,
  team: teamRouter,
  audit: auditRouter,
  notifications: notificationsRouter,
  savedReplies: savedRepliesRouter,
  templates: templatesRouter,
  health: healthRouter,
  workspaces: workspacesRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
