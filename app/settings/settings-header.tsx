import { Link, NavLink } from "@remix-run/react";

/** A header's link to a page, marked while it is the page shown (the settings and the contacts headers). */
export const tab = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-2 py-1 ${isActive ? "bg-slate-100 font-medium text-slate-900" : "text-slate-700 hover:underline"}`;

/**
 * The settings pages' header: where you are, the other settings (Health and the audit log for admins), your account (under your email),
 * the way back to the inbox.
 */
export function SettingsHeader({ email, isAdmin }: { email: string; isAdmin: boolean }) {
  return (
    <header className="flex items-center justify-between gap-2 border-b border-slate-200 bg-white px-4 py-2">
      <div className="flex min-w-0 items-center gap-3">
        <Link to="/inbox" className="text-lg font-semibold tracking-tight">
          Frontdesk
        </Link>
        <nav aria-label="Settings" className="flex items-center gap-1 text-sm">
          <NavLink to="/settings/channels" className={tab}>
            Channels
          </NavLink>
          <NavLink to="/settings/team" className={tab}>
            Team
          </NavLink>
          <NavLink to="/settings/replies" className={tab}>
            Saved replies
          </NavLink>
          <NavLink to="/settings/templates" className={tab}>
            Templates
          </NavLink>
          <NavLink to="/settings/contacts" className={tab}>
            Contacts
          </NavLink>
          {isAdmin ? (
            <>
              <NavLink to="/settings/health" className={tab}>
                Health
              </NavLink>
              <NavLink to="/settings/audit" className={tab}>
                Audit log
              </NavLink>
            </>
          ) : null}
        </nav>
      </div>
      <div className="flex shrink-0 items-center gap-3 text-sm">
        <Link to="/account" className="hidden text-slate-700 hover:underline lg:inline">
          {email}
        </Link>
        <Link to="/inbox" className="whitespace-nowrap rounded-md border border-slate-400 px-3 py-1.5 hover:bg-slate-100">
          Back to the inbox
        </Link>
      </div>
    </header>
  );
}
