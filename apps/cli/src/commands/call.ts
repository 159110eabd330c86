// `conclave call USER`: start a 1:1 call and see whether it is end-to-end encrypted, and why not
// when it is not (spec §6).
import type { Command } from 'commander';
import { resolveDirectoryUser } from '../api/resolve.ts';
import { connect } from '../api/session.ts';
import type { CallResult } from '../api/types.ts';
import { formatCall } from '../output/decision.ts';
import { emit } from '../output/print.ts';
import { example, withServer } from './define.ts';
import type { ServerCommandFlags } from './define.ts';

export function registerCallCommand(program: Command): void {
  const call = withServer(
    program
      .command('call')
      .description('call someone 1:1; shows whether the call is end-to-end encrypted and why')
      .argument('<user>', 'email, display name or id'),
  ).action(async (ref: string, flags: ServerCommandFlags) => {
    const { api } = await connect(flags);
    const callee = await resolveDirectoryUser(api, ref);
    const response = await api.post<CallResult>('/api/calls', { callee: callee.id });
    emit(flags, response, (value) => formatCall(value, callee.displayName));
  });
  example(call, 'conclave call bob@example.org');
}
