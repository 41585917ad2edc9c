import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { json } from 'node:stream/consumers';
import sharp from 'sharp';

export interface SegmentationRequest {
  method: string | undefined;
  authorization: string | undefined;
  contentType: string | undefined;
  body: { inputs: string };
}

export interface SegmentationAnswer {
  status: number;
  body: unknown;
}

export interface SegmentationServer {
  /** Give as the remover's endpointUrl. */
  url: string;
  received: SegmentationRequest[];
  /** How the server answers the next requests. */
  answerWith(answer: (request: SegmentationRequest) => SegmentationAnswer): void;
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 speaking the hf-inference image-segmentation wire format: a JSON body
 * `{ inputs: <base64 image> }` in, `[{ label, score, mask: <base64 PNG> }]` out. Tests script its answers
 * (the known masks of their scenes, errors, malformed bodies) to exercise the client side for real.
 */
export async function startSegmentationServer(): Promise<SegmentationServer> {
  const received: SegmentationRequest[] = [];
  let answer: (request: SegmentationRequest) => SegmentationAnswer = () => ({ status: 500, body: { error: 'unset' } });
  const server = createServer((request: IncomingMessage, response) => {
    void json(request).then((body) => {
      const entry: SegmentationRequest = {
        method: request.method,
        authorization: request.headers.authorization,
        contentType: request.headers['content-type'],
        body: body as { inputs: string },
      };
      received.push(entry);
      const { status, body: answerBody } = answer(entry);
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answerBody));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    answerWith: (next) => {
      answer = next;
    },
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** A one-channel mask as the base64 PNG a segmentation model returns. */
export async function maskAsBase64Png(mask: Uint8Array, width: number, height: number): Promise<string> {
  return (
    await sharp(mask, { raw: { width, height, channels: 1 } })
      .png()
      .toBuffer()
  ).toString('base64');
}
