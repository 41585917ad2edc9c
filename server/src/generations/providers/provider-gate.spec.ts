import { ProviderGate } from './provider-gate.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('ProviderGate', () => {
  it('holds at most `limit` calls per provider and seats waiters in arrival order', async () => {
    const gate = new ProviderGate(2);
    const releases = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const calls = releases.map((release, index) =>
      gate.run('huggingface', async () => {
        started.push(index);
        await release.promise;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(gate.inFlight('huggingface')).toBe(2);
    releases[1].resolve();
    await calls[1];
    expect(started).toEqual([0, 1, 2]);
    releases[0].resolve();
    await calls[0];
    expect(started).toEqual([0, 1, 2, 3]);
    releases[2].resolve();
    releases[3].resolve();
    await Promise.all(calls);
    expect(gate.inFlight('huggingface')).toBe(0);
  });

  it('counts each provider separately', async () => {
    const gate = new ProviderGate(1);
    const release = deferred();
    const held = gate.run('huggingface', () => release.promise);
    let falRan = false;
    await gate.run('fal', () => {
      falRan = true;
      return Promise.resolve();
    });
    expect(falRan).toBe(true);
    release.resolve();
    await held;
  });

  it('lets a waiter leave on abort without taking a seat, and frees the seat when a call throws', async () => {
    const gate = new ProviderGate(1);
    const release = deferred();
    const held = gate.run('fal', () => release.promise);
    const controller = new AbortController();
    let abortedRan = false;
    const aborted = gate.run(
      'fal',
      () => {
        abortedRan = true;
        return Promise.resolve();
      },
      controller.signal,
    );
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    release.resolve();
    await held;
    await expect(gate.run('fal', () => Promise.reject(new Error('provider down')))).rejects.toThrow('provider down');
    expect(abortedRan).toBe(false);
    expect(gate.inFlight('fal')).toBe(0);
  });
});
