import { parseArgs } from 'node:util';
import type { CliIo } from './io';

export const REDRIVE_USAGE = `usage: hcdl redrive [--queue <name|url|arn>] [--status] [--max-per-second <n>] [--json]
  Moves the messages of a dead-letter queue back to the queue they came from (SQS redrive):
  the staging dead-letter queue (hcdl-<env>-staging-dlq: the staging workflow runs them again)
  or the landing one (hcdl-<env>-landing-dlq: the landing function takes the files again).
  --queue            the dead-letter queue; default HCDL_STAGING_DLQ_URL
  --status           only print what waits in it and its last redrive
  --max-per-second   pace of the move (default: as fast as SQS goes)
  Region and credentials: AWS_REGION and the SDK's usual chain. Prints counts and ids only.
  Before a redrive: the sweep already published again every message still waiting (its
  dead letters stay for you); redriving runs them once more, which is what you want once the
  cause is fixed. Exit status: 0 done, 1 AWS refused, 2 usage errors.`;

type Parsed = { queue: string; status: boolean; maxPerSecond?: number; json: boolean } | { error: string } | { help: true };

function parse(args: string[], env: NodeJS.ProcessEnv): Parsed {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        queue: { type: 'string' },
        status: { type: 'boolean' },
        'max-per-second': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    return { error: (err as Error).message };
  }
  if (values.help) return { help: true };
  const queue = values.queue ?? env.HCDL_STAGING_DLQ_URL;
  if (queue === undefined || queue.trim() === '') return { error: 'name the queue with --queue (or set HCDL_STAGING_DLQ_URL)' };
  const out: Parsed = { queue: queue.trim(), status: values.status === true, json: values.json === true };
  if (values['max-per-second'] !== undefined) {
    const n = Number(values['max-per-second']);
    if (!Number.isInteger(n) || n < 1 || n > 500) return { error: '--max-per-second must be an integer from 1 to 500' };
    out.maxPerSecond = n;
  }
  return out;
}

/** `hcdl redrive`: SQS's own redrive of a dead-letter queue of the lake (see REDRIVE_USAGE). */
export async function runRedrive(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parse(args, env);
  if ('help' in parsed) {
    io.stdout.write(`${REDRIVE_USAGE}\n`);
    return 0;
  }
  if ('error' in parsed) {
    io.stderr.write(`hcdl redrive: ${parsed.error}\n${REDRIVE_USAGE}\n`);
    return 2;
  }
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined) {
    io.stderr.write('hcdl redrive: set AWS_REGION\n');
    return 2;
  }
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  const { createRedrive } = await import('@hcdl/aws');
  const sqs = new SQSClient({ region, ...(env.HCDL_AWS_ENDPOINT_SQS ? { endpoint: env.HCDL_AWS_ENDPOINT_SQS } : {}) });
  try {
    const redrive = createRedrive(sqs);
    const before = await redrive.status(parsed.queue);
    if (parsed.status) {
      io.stdout.write(parsed.json ? `${JSON.stringify(before)}\n` : describe(before));
      return 0;
    }
    if (before.waiting === 0) {
      io.stdout.write(parsed.json ? `${JSON.stringify({ ...before, started: false })}\n` : `${describe(before)}nothing to redrive\n`);
      return 0;
    }
    const started = await redrive.start(parsed.queue, parsed.maxPerSecond === undefined ? {} : { maxPerSecond: parsed.maxPerSecond });
    io.stdout.write(
      parsed.json
        ? `${JSON.stringify({ ...before, started: true, taskHandle: started.taskHandle })}\n`
        : `${describe(before)}redrive started: ${before.waiting} message(s) going back to their queue (hcdl redrive --status --queue ${parsed.queue} follows it)\n`,
    );
    return 0;
  } catch (err) {
    io.stderr.write(`hcdl redrive: AWS refused: ${(err as Error).name}\n`);
    return 1;
  } finally {
    sqs.destroy();
  }
}

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
