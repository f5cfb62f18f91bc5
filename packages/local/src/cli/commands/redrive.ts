import type { Command } from 'commander';
import { CliInputError, CliUsageError } from '../errors';
import { type CliContext, type CommandSpec, integer } from '../kit';
import { runNamed } from '../main';
import type { CliIo } from './io';

const DETAILS = `
Moves the messages of a dead-letter queue back to the queue they came from (SQS redrive):
the staging dead-letter queue (hcdl-<env>-staging-dlq: the staging workflow runs them again)
or the landing one (hcdl-<env>-landing-dlq: the landing function takes the files again).
Region and credentials: AWS_REGION and the SDK's usual chain. Prints counts and ids only.
Before a redrive: the sweep already published again every message still waiting (its
dead letters stay for you); redriving runs them once more, which is what you want once the
cause is fixed. Exit status: 0 done, 1 AWS refused, 2 usage errors.`;

/** \`hcdl redrive\`: SQS's own redrive of a dead-letter queue of the lake. */
export const redriveCommand: CommandSpec = {
  declare: (cmd: Command) =>
    cmd
      .option('--queue <name|url|arn>', 'the dead-letter queue (default HCDL_STAGING_DLQ_URL)')
      .option('--status', 'only print what waits in it and its last redrive')
      .option('--max-per-second <n>', 'pace of the move (default: as fast as SQS goes)', integer(1, 500))
      .option('--json', 'print JSON')
      .addHelpText('after', DETAILS),
  async run({ io, env }: CliContext, _args, opts) {
    const queue = ((opts.queue as string | undefined) ?? env.HCDL_STAGING_DLQ_URL ?? '').trim();
    if (queue === '') throw new CliUsageError('name the queue with --queue (or set HCDL_STAGING_DLQ_URL)');
    const json = opts.json === true;
    const maxPerSecond = opts.maxPerSecond as number | undefined;
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (region === undefined) throw new CliUsageError('set AWS_REGION');
    const { SQSClient } = await import('@aws-sdk/client-sqs');
    const { createRedrive } = await import('@hcdl/aws');
    const sqs = new SQSClient({ region, ...(env.HCDL_AWS_ENDPOINT_SQS ? { endpoint: env.HCDL_AWS_ENDPOINT_SQS } : {}) });
    try {
      const redrive = createRedrive(sqs);
      const before = await redrive.status(queue);
      if (opts.status === true) {
        io.stdout.write(json ? `${JSON.stringify(before)}\n` : describe(before));
        return 0;
      }
      if (before.waiting === 0) {
        io.stdout.write(json ? `${JSON.stringify({ ...before, started: false })}\n` : `${describe(before)}nothing to redrive\n`);
        return 0;
      }
      const started = await redrive.start(queue, maxPerSecond === undefined ? {} : { maxPerSecond });
      io.stdout.write(
        json
          ? `${JSON.stringify({ ...before, started: true, taskHandle: started.taskHandle })}\n`
          : `${describe(before)}redrive started: ${before.waiting} message(s) going back to their queue (hcdl redrive --status --queue ${queue} follows it)\n`,
      );
      return 0;
    } catch (err) {
      throw new CliInputError(`AWS refused: ${(err as Error).name}`, { cause: err });
    } finally {
      sqs.destroy();
    }
  },
};

/** \`hcdl redrive <args>\` in this process (tests, other tools). */
export const runRedrive = (args: string[], io: CliIo, env?: NodeJS.ProcessEnv): Promise<number> => runNamed('redrive', args, io, env);

function describe(s: {
  queueArn: string;
  waiting: number;
  inFlight: number;
  lastMove?: { status: string; moved: number; toMove?: number; failureReason?: string };
}): string {
  const last =
    s.lastMove === undefined
      ? 'none'
      : `${s.lastMove.status}, ${s.lastMove.moved}${s.lastMove.toMove !== undefined ? ` of ${s.lastMove.toMove}` : ''} moved${s.lastMove.failureReason ? ` (${s.lastMove.failureReason})` : ''}`;
  return `${s.queueArn}: ${s.waiting} waiting, ${s.inFlight} in flight; last redrive: ${last}\n`;
}
