import type { MessageEvent } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';

/**
 * Streams an observable as Server-Sent Events on a reply the caller has already
 * authorised: headers go out only here, so a missing or foreign resource still
 * answers a plain 404 problem first (Nest's @Sse sends 200 before the handler runs).
 */
export function sendEventStream(reply: FastifyReply, events: Observable<MessageEvent>): void {
  reply.hijack();
  const response = reply.raw;
  const earlierHeaders = Object.entries(reply.getHeaders()).filter(
    (entry): entry is [string, string | number | string[]] => entry[1] !== undefined,
  );
  response.writeHead(200, {
    ...Object.fromEntries(earlierHeaders),
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let id = 0;
  const subscription = events.subscribe({
    next: (event) => {
      id += 1;
      response.write(`id: ${id}\nevent: ${event.type ?? 'message'}\ndata: ${JSON.stringify(event.data)}\n\n`);
    },
    error: (error: unknown) => {
      response.end(
        `event: error\ndata: ${JSON.stringify({ message: error instanceof Error ? error.message : 'error' })}\n\n`,
      );
    },
    complete: () => response.end(),
  });
  response.on('close', () => subscription.unsubscribe());
}
