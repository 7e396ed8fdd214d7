import { defineConfig } from 'prisma/config';

// The datasource URL is only needed by Prisma's own migrate commands, which this
// project does not use (docs/architecture.md): `flattr migrate` applies the SQL.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
