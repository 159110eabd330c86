// Opens an address in the person's browser for `conclave sign-in --sso`, best effort: the address
// is always printed as well, so a machine without a browser (a server over SSH, a container, a
// test) loses nothing when this fails, and a failure is never reported as an error.
import { spawn } from 'node:child_process';

/** False with `--no-browser` or CONCLAVE_NO_BROWSER=1 (scripts, tests, headless machines). */
export function browserWanted(
  flags: { browser?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return flags.browser !== false && env.CONCLAVE_NO_BROWSER !== '1';
}

/** The system's "open this URL" command for the platform. */
function openerFor(
  platform: NodeJS.Platform,
  url: string,
): { command: string; args: string[]; verbatim: boolean } {
  if (platform === 'darwin') return { command: 'open', args: [url], verbatim: false };
  if (platform === 'win32')
    // `start` treats its first quoted argument as a window title, hence the empty one; cmd would
    // read a bare `&` of the query string as a command separator, hence `^&`.
    return {
      command: 'cmd',
      args: ['/c', 'start', '""', url.replace(/&/g, '^&')],
      verbatim: true,
    };
  return { command: 'xdg-open', args: [url], verbatim: false };
}

/** Starts the browser and does not wait for it; a missing opener is ignored. */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const opener = openerFor(platform, url);
  try {
    const child = spawn(opener.command, opener.args, {
      stdio: 'ignore',
      detached: true,
      windowsVerbatimArguments: opener.verbatim,
    });
    // ENOENT (no xdg-open) and the like arrive as an event; the printed address is enough.
    child.on('error', () => undefined);
    // The browser outlives the command; the CLI must not wait for it to exit.
    child.unref();
  } catch {
    // Same as above: opening the browser is a convenience.
  }
}
