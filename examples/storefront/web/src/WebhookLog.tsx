import { useEffect, useState } from 'react';
import type { ReceivedWebhook } from '../../shared/shop-api';
import { shopApi } from './shop-api';

const POLL_MS = 2_000;

/** What reached the shop's webhook route, verified: the server-side half of a finished batch. */
export function WebhookLog({ enabled }: { enabled: boolean }) {
  const [received, setReceived] = useState<ReceivedWebhook[]>([]);
  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(() => void shopApi.webhooks().then(setReceived), POLL_MS);
    return () => clearInterval(timer);
  }, [enabled]);
  return (
    <section className="card" data-testid="webhooks">
      <h2>Webhooks received by the shop&apos;s server</h2>
      {!enabled && (
        <p>Off: the API refused this server&apos;s 127.0.0.1 endpoint (start it with WEBHOOK_ALLOW_PRIVATE=true).</p>
      )}
      {enabled && received.length === 0 && <p>None yet: one arrives when a generation finishes.</p>}
      <ul>
        {received.map((event) => (
          <li key={event.id}>
            verified <code>{event.type}</code>{' '}
            {event.generationId && `for ${event.generationId.slice(0, 8)} (${event.status})`} at{' '}
            {new Date(event.receivedAt).toLocaleTimeString()}
          </li>
        ))}
      </ul>
    </section>
  );
}
