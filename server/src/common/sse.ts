import type { MessageEvent } from '@nestjs/common';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';

/** The streams each server has open, so a shutdown can end them instead of waiting for clients to leave. */
const openStreams = new WeakMap<FastifyInstance, Set<ServerResponse>>();

/**
 * Ends every event stream of `server`. Called when the API drains: a stream never finishes by itself, and
 * its client (EventSource, the SDK) reconnects, to another process, and catches up from the database.
 */
export function endEventStreams(server: FastifyInstance): void {
  for (const response of openStreams.get(server) ?? []) response.end(': the server is shutting down; reconnect\n\n');
}

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
  const streams = openStreams.get(reply.server) ?? new Set<ServerResponse>();
  openStreams.set(reply.server, streams.add(response));
  response.on('close', () => {
    streams.delete(response);
    subscription.unsubscribe();
  });
}
