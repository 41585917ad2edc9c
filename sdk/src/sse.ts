/** One Server-Sent Event: its `event` name and its `data` parsed as JSON. */
export interface ServerSentEvent {
  event: string;
  data: unknown;
  id: string | undefined;
}

function parseBlock(block: string): ServerSentEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(':')) continue; // a comment, e.g. a keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  if (data.length === 0) return undefined;
  return { event, data: JSON.parse(data.join('\n')), id };
}

/** Parses an SSE body (`text/event-stream`) as it arrives. */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let boundary: RegExpExecArray | null;
      while ((boundary = /\r?\n\r?\n/.exec(buffer))) {
        const parsed = parseBlock(buffer.slice(0, boundary.index));
        buffer = buffer.slice(boundary.index + boundary[0].length);
        if (parsed) yield parsed;
      }
    }
    const last = buffer.trim() ? parseBlock(buffer) : undefined;
    if (last) yield last;
  } finally {
    // Not awaited: cancelling a stream that is tee'd elsewhere settles only when every branch is cancelled.
    reader.cancel().catch(() => undefined);
  }
}
