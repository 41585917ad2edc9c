/** The receiver's settings, read once from the environment. */
function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name} (see examples/webhook-receiver/README.md).`);
    process.exit(2);
  }
  return value;
}

export const config = {
  /** The endpoint's `whsec_` secret, shown once when the endpoint is created. */
  webhookSecret: required('LUMIKU_WEBHOOK_SECRET'),
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 4242),
  path: '/webhooks/lumiku',
};
