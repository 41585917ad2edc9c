import { defineConfig } from 'prisma/config';

// Only `prisma generate` reads this file. Migrations are applied by the server
// (src/infra/database/migrations.ts) and created by scripts/create-migration.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
});
