import { describe, expect, it } from 'vitest';
import { openEmbedded } from './embedded';
import { migrate } from './migrations';

describe('migrations', () => {
  it('applies each migration once, in order', async () => {
    const db = await openEmbedded('memory://');
    try {
      expect(await migrate(db)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await migrate(db)).toEqual([]);
      const tables = await db.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining([
          'api_tokens',
          'clients',
          'groups',
          'memberships',
          'organizations',
          'schema_migrations',
          'sessions',
          'users',
        ]),
      );
    } finally {
      await db.close();
    }
  });
});
