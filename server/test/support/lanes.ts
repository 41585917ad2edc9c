/**
 * The two test lanes. Embedded (default): PGlite in a temporary DATA_DIR, no
 * Redis. Services: DATABASE_URL and REDIS_URL from the environment (.ci/run sets
 * them); each app under test gets a schema of its own, dropped afterwards.
 */
export const servicesLane = {
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
};

export const laneName = servicesLane.databaseUrl ? 'services' : 'embedded';
