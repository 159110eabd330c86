// A real Conclave server in the test process, on a free port and a fresh data folder.
import { startServer } from '@conclave/server';
import type { RunningServer } from '@conclave/server';
import { tempDir } from './cli.ts';

export interface TestServer {
  url: string;
  dataDir: string;
  firstAdmin: { email: string; password: string };
  stop: () => Promise<void>;
}

/** Cheap password hashing: sign-ins are not what these tests measure. */
export const testPasswordCost = { N: 1024, r: 8, p: 1 };

/** `demo`: seed the demo organization instead (its admin is the first admin). */
export async function startTestServer(options: { demo?: boolean } = {}): Promise<TestServer> {
  const data = await tempDir('data');
  let running: RunningServer;
  try {
    running = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: data.path,
      passwordCost: testPasswordCost,
      log: () => {},
      ...(options.demo === true ? { demo: true } : {}),
    });
  } catch (error) {
    await data.remove();
    throw error;
  }
  const firstAdmin = running.firstAdmin;
  if (firstAdmin === undefined) {
    await running.close();
    await data.remove();
    throw new Error('a server on an empty data folder must create the first admin');
  }
  return {
    url: running.url,
    dataDir: data.path,
    firstAdmin,
    stop: async () => {
      await running.close();
      await data.remove();
    },
  };
}
