import dns from 'node:dns';
import net from 'node:net';
import { startSegmentationServer, type SegmentationServer } from '../media/segmentation-server.js';
import { upload } from '../media/multipart-upload.js';
import { syntheticScenes, type SyntheticScene } from '../media/synthetic-scenes.js';
import { installLoopbackGuard, LoopbackGuardError, refusedByGuard } from '../support/loopback-guard.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('no call leaves the machine unless configured', () => {
  describe('the loopback guard every suite runs under', () => {
    /** Stand-ins for net.Socket.prototype and dns that record what would have reached the network. */
    function recordingTargets() {
      const connected: unknown[] = [];
      const looked: string[] = [];
      const socket = {
        connect(this: net.Socket, ...args: unknown[]) {
          connected.push(args[0]);
          return this;
        },
      };
      const resolver = {
        lookup: (hostname: string) => looked.push(hostname),
        promises: { lookup: (hostname: string) => Promise.resolve(looked.push(hostname)) },
      };
      const refused: string[] = [];
      installLoopbackGuard({ socket, dns: resolver }, refused);
      return { socket, resolver, connected, looked, refused };
    }

    it('refuses 10.0.0.1 before the real connect runs, and passes loopback through', async () => {
      const { socket, connected, refused } = recordingTargets();
      const destroyed = new Promise<Error>((resolve) => {
        const fakeSocket = { destroy: resolve } as unknown as net.Socket;
        socket.connect.call(fakeSocket, { host: '10.0.0.1', port: 80 });
      });

      expect(await destroyed).toBeInstanceOf(LoopbackGuardError);
      expect(connected).toEqual([]);
      expect(refused).toEqual(['a connection to 10.0.0.1']);

      for (const host of ['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1'])
        socket.connect.call({} as net.Socket, { host, port: 80 });
      socket.connect.call({} as net.Socket, { path: '/tmp/some.sock' });
      expect(connected).toHaveLength(5);
    });

    it('refuses look-ups of names other than localhost', async () => {
      const { resolver, looked } = recordingTargets();
      await expect(resolver.promises.lookup('huggingface.co')).rejects.toBeInstanceOf(LoopbackGuardError);
      await resolver.promises.lookup('localhost');
      expect(looked).toEqual(['localhost']);
    });

    it('is installed on the real built-ins', async () => {
      const before = refusedByGuard().length;
      const error = await new Promise<Error>((resolve) =>
        net.connect({ host: '10.0.0.1', port: 9 }).once('error', resolve),
      );
      // The suite's copy of the module is not the preloaded one, so compare codes, not classes.
      expect(error).toMatchObject({ code: 'ELOOPBACKGUARD' });
      await expect(dns.promises.lookup('example.com')).rejects.toThrow('loopback guard');
      const fetchError = await fetch('http://10.0.0.1:8080/').catch((caught: Error) => caught);
      expect(String((fetchError as Error).cause)).toContain('loopback guard');
      expect(refusedByGuard().length).toBe(before + 3);
    });
  });

  describe('background removal', () => {
    let segmentation: SegmentationServer;
    let scene: SyntheticScene;
    beforeAll(async () => {
      segmentation = await startSegmentationServer();
      [scene] = await syntheticScenes();
    });
    afterAll(() => segmentation.close());

    async function uploadProduct(env: Record<string, string>) {
      const t: TestApp = await startTestApp({ env });
      try {
        const user = await t.createUser();
        const kit = await t.request('POST', '/v1/brand-kits', { key: user.apiKey, body: { brandName: 'Kit' } });
        return await upload(
          t,
          'POST',
          '/v1/products',
          user.apiKey,
          { brandKitId: kit.body.id, name: 'Serum' },
          {
            data: scene.photo,
            type: 'image/jpeg',
            filename: 'product.jpg',
          },
        );
      } finally {
        await t.close();
      }
    }

    it('stays local with HF_TOKEN set and nothing else: no look-up, no socket outside loopback', async () => {
      const refusedBefore = refusedByGuard().length;
      const created = await uploadProduct({ HF_TOKEN: 'hf_test_token' });

      expect(created.status).toBe(201);
      expect(created.body.backgroundRemoval).toMatchObject({ status: 'succeeded', method: 'local' });
      expect(refusedByGuard().slice(refusedBefore)).toEqual([]);
    });

    it('calls the hosted model only with BACKGROUND_REMOVAL=huggingface, at HF_SEGMENTATION_ENDPOINT_URL', async () => {
      const receivedBefore = segmentation.received.length;
      segmentation.answerWith(() => ({ status: 503, body: { error: 'loading' } }));
      const created = await uploadProduct({
        HF_TOKEN: 'hf_test_token',
        BACKGROUND_REMOVAL: 'huggingface',
        HF_SEGMENTATION_ENDPOINT_URL: segmentation.url,
      });

      expect(created.status).toBe(201);
      expect(segmentation.received.length).toBe(receivedBefore + 1);
      expect(segmentation.received.at(-1)!.authorization).toBe('Bearer hf_test_token');
      // The model failed, so the local method stood in.
      expect(created.body.backgroundRemoval).toMatchObject({ method: 'local' });
    });
  });
});
