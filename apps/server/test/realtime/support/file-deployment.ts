// One deployment per test file, and the connected test members the realtime tests make on it.
import { afterAll, beforeAll } from 'vitest';
import type { RealtimeOptions } from '../../../src/realtime/index.ts';
import { startDeployment, type DemoPerson, type Deployment } from './deployment.ts';
import { TestParticipant } from './mls-client.ts';

export interface DeploymentForFile extends Deployment {
  /** A test member of `person`, connected to the file's deployment. */
  participant(person: DemoPerson, name?: string): Promise<TestParticipant>;
}

/**
 * One deployment for a test file: started before its tests, closed after them. It reads like the
 * deployment itself (`world.people`, `world.wsUrl`, …) once `beforeAll` has run.
 */
export function deploymentForFile(realtime: RealtimeOptions = {}): DeploymentForFile {
  let started: Deployment | undefined;
  beforeAll(async () => {
    started = await startDeployment(realtime);
  });
  afterAll(async () => {
    await started?.close();
  });
  const world = (): Deployment => {
    if (started === undefined) throw new Error('the deployment starts in beforeAll');
    return started;
  };
  return {
    get server() {
      return world().server;
    },
    get dataDir() {
      return world().dataDir;
    },
    get url() {
      return world().url;
    },
    get wsUrl() {
      return world().wsUrl;
    },
    get logLines() {
      return world().logLines;
    },
    get people() {
      return world().people;
    },
    close: () => world().close(),
    async participant(person, name) {
      const p = await TestParticipant.create(world().people[person], name ?? person);
      await p.connect(world().wsUrl);
      return p;
    },
  };
}
