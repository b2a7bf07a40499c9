// `labvisor serve [--port N] [--open]`: the app's API over HTTP + WebSocket on 127.0.0.1, for
// a browser (and the e2e tests). The first line on stdout is the URL with this start's token
// in its fragment (…/#token=…). `--open` gives the browser a one-time code instead (…/#code=…):
// a command line is readable by every user of the machine, a spent or stale code opens nothing.
// Ctrl-C or SIGTERM stops every lab session the server started, then exits. With a fixed port
// (`--port N`) the token is kept across restarts, so an open page reconnects (server-identity.ts).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../../engine/paths.js';
import type { LabHost } from '../../host-common/lab-host.js';
import { startServer } from '../../server/http-server.js';
import { report, say, UsageError } from '../output.js';
import { keptToken } from '../../server/server-identity.js';
import { onStopSignal, signalExitCode } from '../stop-signals.js';

const USAGE = 'usage: labvisor serve [--port N] [--open]';

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be a number from 0 to 65535 (0: a free port), got "${value}"`);
  return Number(value);
}

/**
 * Best effort: the URL in the default browser, by the `open` package, which knows each platform's
 * way (xdg-open, macOS's open, Windows' quoting, WSL's Windows browser). Loaded only for --open.
 * The URL is in the opener's argv: it carries the one-time code, never the token.
 */
async function openBrowser(url: string): Promise<void> {
  try {
    const { default: open } = await import('open');
    await open(url);
  } catch (err) {
    say(`could not open a browser (${(err as Error).message}); open the URL above yourself`);
  }
}

export async function serve(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { port: { type: 'string' }, open: { type: 'boolean' } } });
  if (positionals.length) throw new UsageError(USAGE);
  const port = parsePort(values.port);

  const log = (line: string) => say(`serve: ${line}`);
  // What escapes every handler ends the server as Node would, but as one line (its stack in the
  // error log, or on stderr with LABVISOR_DEBUG) instead of a stack trace.
  const fatal = (err: unknown) => process.exit(report(err));
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  // The engine's modules (dockerode and the rest) take a few hundred milliseconds to load: the
  // server listens and hands out the page meanwhile, and the catalog is read before it is asked for.
  const hostReady = import('../../host-common/lab-host.js').then(({ LabHost }) => {
    const host = new LabHost({ log });
    void host.prefetch();
    return host;
  });
  hostReady.catch(() => {}); // startServer reports it to each WebSocket
  // A fixed port keeps its token across restarts, so an open page reconnects (server-identity.ts).
  const token = port !== 0 ? await keptToken(port) : undefined;
  const server = await startServer({ host: hostReady, port, rendererDir: join(packageRoot(), 'renderer', 'dist'), log, ...(token ? { token } : {}) });
  process.stdout.write(`${server.url}\n`);
  say(`Labvisor serves on ${server.url.replace(/#.*/, '')} (127.0.0.1 only). Open the URL above; Ctrl-C stops the server and its labs.`);
  if (values.open) void openBrowser(server.codeUrl());

  return new Promise<number>((resolve) => {
    const removeHandlers = onStopSignal((signal) => {
      void (async () => {
        const api: LabHost | undefined = await hostReady.catch(() => undefined);
        const n = api?.sessionCount ?? 0;
        say(`\n${signal}: stopping${n ? ` ${n} lab session(s) and removing what they created` : ''}…`);
        let code = signalExitCode(signal);
        const sessions = api?.stopAll() ?? Promise.resolve(); // refuses new sessions at once
        await server.close().catch((err: Error) => say(`serve: ${err.message}`));
        await sessions.catch((err: Error) => { say(`serve: ${err.message}`); code = 1; });
        removeHandlers();
        say('Stopped.');
        resolve(code);
        // Idle engine connections may hold the event loop open: do not wait for them.
        setTimeout(() => process.exit(code), 2000).unref();
      })();
    });
  });
}
