import path from 'node:path';
import fs from 'node:fs';
import { openDatabase } from '../../db/open.js';
import { createBackend } from '../../api/backend.js';
import { startServer } from '../../http/server.js';
import { distDir, resolveDbPath } from '../../paths.js';
import { InputError, UsageError, dbOption, type Command } from '../command.js';

/** `assay serve`: browser mode. */
export const serveCommand: Command = {
  words: ['serve'],
  summary: 'Serve the UI and API in a browser (browser mode)',
  usage: '[--db PATH] [--port N] [--host ADDR]',
  options: { ...dbOption, port: { type: 'string' }, host: { type: 'string' } },
  async run({ values }, io) {
    const port = values['port'] === undefined ? 4173 : Number(values['port']);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: not a port number: ${String(values['port'])}`);
    const host = (values['host'] as string | undefined) ?? '127.0.0.1';
    const staticDir = path.join(distDir(io.env), 'renderer');
    if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
      io.stderr(`The UI is not built (${staticDir} is missing). Run: npm run build\n`);
      return 1;
    }
    const dbPath = resolveDbPath(values['db'] as string | undefined, io.env);
    // The thread that answers requests never blocks on another connection's lock: it retries
    // asynchronously (dispatch); long operations run on worker threads (createBackend).
    const db = openDatabase(dbPath, { busyTimeoutMs: 0 });
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
      io.stderr(
        `WARNING: serving on ${host}: anyone who can reach this address can read and change the database ${dbPath}. Assay has no login.\n`,
      );
    }
    // critic keys: only environment variables named ASSAY_CRITIC_… (critic/keys.ts); no keychain in browser mode
    const backend = createBackend({ db, dbPath, host: 'browser', keys: { env: io.env } });
    let server: Awaited<ReturnType<typeof startServer>>;
    try {
      server = await startServer({ handlers: backend.handlers, staticDir, host, port, dbPath });
    } catch (err) {
      await backend.close();
      db.close();
      const code = (err as NodeJS.ErrnoException).code;
      const why: Record<string, string> = {
        EADDRINUSE: `port ${port} is in use (another assay serve?); choose another with --port, or --port 0 for any free one`,
        EACCES: `port ${port} may not be used by this user; choose one above 1023 with --port`,
        EADDRNOTAVAIL: `${host} is not an address of this machine; check --host`,
        ENOTFOUND: `${host} is not a known host name; check --host`,
      };
      throw new InputError(`cannot serve on ${host}:${port}: ${(code && why[code]) ?? (err as Error).message}`);
    }
    io.stdout(`Assay is serving ${dbPath}\n  ${server.url}\nPress Ctrl+C to stop.\n`);
    const stop = (): void => {
      void server
        .close()
        .then(() => backend.close())
        .then(() => {
          db.close();
          process.exit(0);
        });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return new Promise<number>(() => {
      // runs until a signal stops it
    });
  },
};
