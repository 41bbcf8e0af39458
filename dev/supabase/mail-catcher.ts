import path from "node:path";
import { MailDev } from "maildev";

export interface MailCatcher {
  /** Where the stand-in's Auth sends its emails. */
  smtp: { host: string; port: number };
  /** maildev's web UI, and its REST API under /api. */
  url: string;
  stop(): Promise<void>;
}

/** maildev on loopback: every email the stand-in's Auth sends lands here, to read in a browser or from a test. */
export async function startMailCatcher(options: { smtpPort: number; webPort: number; stateDir: string }): Promise<MailCatcher> {
  const maildev = new MailDev({
    smtp: options.smtpPort,
    web: options.webPort,
    ip: "127.0.0.1",
    webIp: "127.0.0.1",
    mailDirectory: path.join(options.stateDir, "mail"),
    maxEmails: 500,
    silent: true,
  });
  await maildev.start();
  return {
    smtp: { host: "127.0.0.1", port: options.smtpPort },
    url: `http://127.0.0.1:${options.webPort}`,
    stop: () => maildev.stop(),
  };
}
