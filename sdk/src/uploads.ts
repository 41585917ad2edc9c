/**
 * A file to upload: a Blob or File (browsers, Node 20+), bytes (Uint8Array, Node's Buffer,
 * ArrayBuffer), a web ReadableStream, or any async iterable of bytes such as Node's `fs.createReadStream()`.
 */
export type Uploadable = Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

const DEFAULT_FILENAME = 'upload';

function isAsyncIterable(value: object): value is AsyncIterable<Uint8Array> {
  return Symbol.asyncIterator in value;
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Blob> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return new Blob(parts as BlobPart[]);
}

async function* readStream(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
  } finally {
    reader.releaseLock();
  }
}

/**
 * Reads any Uploadable into a Blob. Streams are read whole (uploads are capped at 20 MB), so the
 * body can be sent again when a request is retried.
 */
export async function toBlob(file: Uploadable): Promise<Blob> {
  if (file instanceof Blob) return file;
  if (file instanceof ArrayBuffer || ArrayBuffer.isView(file)) return new Blob([file as BlobPart]);
  if (isAsyncIterable(file)) return collect(file);
  return collect(readStream(file));
}

export interface FilePart {
  /** The form field, e.g. `file`; repeat it for several files. */
  field: string;
  file: Uploadable;
  filename?: string;
}

/** A multipart form of text fields and file parts. */
export async function toFormData(
  fields: Record<string, string | number | boolean | undefined>,
  parts: FilePart[],
): Promise<FormData> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) form.append(name, String(value));
  }
  for (const { field, file, filename } of parts) {
    const blob = await toBlob(file);
    form.append(field, blob, filename ?? ((blob as Partial<File>).name || DEFAULT_FILENAME));
  }
  return form;
}
