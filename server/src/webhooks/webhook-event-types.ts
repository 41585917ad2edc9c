/** Event types an endpoint can subscribe to; `webhook.test` goes only where it is asked for. */
export const SUBSCRIBABLE_EVENT_TYPES = ['generation.completed', 'generation.canceled'] as const;
export type SubscribableEventType = (typeof SUBSCRIBABLE_EVENT_TYPES)[number];
export const TEST_EVENT_TYPE = 'webhook.test';
