import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, type TestDatabase } from '../support/database.js';

type Field = { name: string; kind: string; type: string; dbName?: string };
type Model = { dbName: string; fields: Field[] };
type Column = { table_name: string; column_name: string; data_type: string; character_maximum_length: number | null };

/** Values that satisfy the migrations' CHECK constraints. */
const CHECKED: Record<string, unknown> = { 'flattrs.status': 'active', 'accounts.kind': 'wallet', 'accounts.identity_id': null, 'supporter_settlements.flattrs': 2,
  'notifications.kind': 'digest', 'notifications.status': 'pending', 'monthly_topups.status': 'active' };

/**
 * prisma/schema.prisma and the hand-written migrations must describe the same
 * tables: every model round-trips through the generated client on a freshly
 * migrated database, and no table or column exists that the model lacks.
 */
describe.each(Object.entries(DATABASES))('schema and migrations agree on %s', (_kind, create) => {
  let database: TestDatabase;
  let models: [string, Model][];
  let columns: Column[];
  beforeAll(async () => {
    database = await create();
    const dataModel = (database.prisma as unknown as { _runtimeDataModel: { models: Record<string, Model> } })._runtimeDataModel;
    models = Object.entries(dataModel.models);
    columns = await database.prisma.$queryRawUnsafe<Column[]>(
      `SELECT table_name::text, column_name::text, data_type::text, character_maximum_length::int
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_flattr_migrations'`,
    );
  });
  afterAll(async () => { await database?.drop(); });

  it('has a model for every table and a field for every column', () => {
    const modelColumns = new Set(models.flatMap(([, m]) => m.fields.filter((f) => f.kind === 'scalar').map((f) => `${m.dbName}.${f.dbName ?? f.name}`)));
    const tableColumns = new Set(columns.map((c) => `${c.table_name}.${c.column_name}`));
    expect([...tableColumns].filter((c) => !modelColumns.has(c))).toEqual([]);
    expect([...modelColumns].filter((c) => !tableColumns.has(c))).toEqual([]);
  });

  it('round-trips a row of every model through the generated client', async () => {
    await database.prisma.$transaction(async (tx) => {
      // Round-trip each model alone: foreign keys and the ledger's append-only triggers are
      // off for this transaction only, which is rolled back at the end.
      await tx.$executeRawUnsafe(`SET LOCAL session_replication_role = replica`);
      for (const [name, model] of models) {
        const data: Record<string, unknown> = {};
        for (const field of model.fields.filter((f) => f.kind === 'scalar')) {
          const column = columns.find((c) => c.table_name === model.dbName && c.column_name === (field.dbName ?? field.name))!;
          const checkedKey = `${model.dbName}.${column.column_name}`;
          data[field.name] = checkedKey in CHECKED ? CHECKED[checkedKey] : sample(field.type, column);
        }
        const delegate = (tx as unknown as Record<string, { create(a: object): Promise<object>; findMany(): Promise<object[]> }>)[
          name[0]!.toLowerCase() + name.slice(1)
        ]!;
        const created = await delegate.create({ data });
        expect(created, name).toEqual(data);
        expect(await delegate.findMany(), name).toContainEqual(created);
      }
      throw new Rollback();
    }).catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  });
});

class Rollback extends Error {}

function sample(type: string, column: Column): unknown {
  // Two elements: the split's arrays must be as long as supporter_settlements.flattrs (CHECKED above).
  if (column.data_type === 'ARRAY') return [0, 1].map(() => sample(type, { ...column, data_type: 'element', character_maximum_length: null }));
  switch (type) {
    case 'Int': return 7;
    case 'BigInt': return 9_007_199_254_740_993n;
    case 'Boolean': return true;
    case 'DateTime': return new Date('2026-11-25T10:00:00.123Z');
    case 'Bytes': return new Uint8Array([1, 2, 3]);
    case 'String': return column.character_maximum_length ? 'X'.repeat(column.character_maximum_length) : 'text';
    default: throw new Error(`no sample for ${type}`);
  }
}
