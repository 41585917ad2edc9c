import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Lumiku, UnprocessableEntityError } from '../src/index.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  form: FormData;
}

/** A real HTTP server on 127.0.0.1 that parses each multipart request and answers from a script. */
async function startApi(answer: (received: Received) => { status: number; body: unknown }) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const asWebRequest = new Request('http://127.0.0.1/', {
        method: 'POST',
        headers: { 'content-type': request.headers['content-type'] ?? '' },
        body: Buffer.concat(chunks),
      });
      void asWebRequest.formData().then((form) => {
        const entry = { method: request.method!, url: request.url!, headers: request.headers, form };
        received.push(entry);
        const { status, body } = answer(entry);
        const type = status >= 400 ? 'application/problem+json' : 'application/json';
        response.writeHead(status, { 'content-type': type, 'x-request-id': 'req_test' }).end(JSON.stringify(body));
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { lumiku: new Lumiku({ apiKey: 'lk_test_unit', baseUrl, maxRetries: 0 }), received, server };
}

const photo = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const keypoints = Array.from({ length: 18 }, (_unused, index) => ({ x: index / 18, y: 0.5, c: 0.9 }));

describe('pose uploads', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  afterEach(() => api.server.close());

  it('poseDetections.create posts the photo as `file` and answers the people found', async () => {
    const detection = {
      width: 600,
      height: 900,
      people: [{ score: 0.8, box: { x: 0, y: 0, width: 1, height: 1 }, keypoints }],
    };
    api = await startApi(() => ({ status: 200, body: detection }));
    const result = await api.lumiku.poseDetections.create(new Blob([photo]), { filename: 'model.jpg' });
    expect(result).toEqual(detection);
    const [request] = api.received;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/pose-detections' });
    expect(request!.headers.authorization).toBe('Bearer lk_test_unit');
    const file = request!.form.get('file') as File;
    expect(file.name).toBe('model.jpg');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(photo);
    expect([...request!.form.keys()]).toEqual(['file']);
  });

  it('poseTemplates.fromPhoto sends the given fields only, with an Idempotency-Key', async () => {
    api = await startApi(() => ({
      status: 201,
      body: { id: 'tpl_1', name: 'Hand on hip', category: 'fashion-standing' },
    }));
    const template = await api.lumiku.poseTemplates.fromPhoto(Buffer.from(photo), {
      filename: 'pose.jpg',
      name: 'Hand on hip',
      category: 'fashion-standing',
      tags: 'studio,hip',
    });
    expect(template).toMatchObject({ id: 'tpl_1', category: 'fashion-standing' });
    const [request] = api.received;
    expect(request!.url).toBe('/v1/pose-templates/from-photo');
    expect(request!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.fromEntries([...request!.form.entries()].filter(([name]) => name !== 'file'))).toEqual({
      name: 'Hand on hip',
      category: 'fashion-standing',
      tags: 'studio,hip',
    });
    expect((request!.form.get('file') as File).name).toBe('pose.jpg');
  });

  it('poseTemplates.fromPhoto surfaces 422 no_person_found as UnprocessableEntityError', async () => {
    const problem = {
      type: 'urn:lumiku:problem:no_person_found',
      title: 'No person found',
      status: 422,
      code: 'no_person_found',
    };
    api = await startApi(() => ({ status: 422, body: problem }));
    const error = await api.lumiku.poseTemplates.fromPhoto(new Blob([photo])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error).toMatchObject({ status: 422, code: 'no_person_found', requestId: 'req_test' });
    expect((api.received[0]!.form.get('file') as File).name).toBe('upload');
  });
});
