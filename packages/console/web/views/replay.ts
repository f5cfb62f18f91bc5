import { ApiError } from '../api';
import { h } from '../dom';
import type { ViewContext } from '../main';

/** A button that replays one message in error (POST …/replay), then says what happened. */
export function replayButton(ctx: ViewContext, messageId: string, after?: () => void): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'replay', 'data-replay': messageId }, `Replay ${messageId}`);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const r = await ctx.api.post<{ attempt: number }>(`/hl7v2/messages/${encodeURIComponent(messageId)}/replay`);
      button.textContent = `Replayed (attempt ${r.attempt})`;
      ctx.announce(`Message ${messageId} replayed: attempt ${r.attempt} is staging`);
      after?.();
    } catch (err) {
      button.disabled = false;
      const text = err instanceof ApiError ? `Replay refused: ${err.message}` : 'Replay failed';
      button.textContent = text;
      ctx.announce(text);
    }
  });
  return button;
}
