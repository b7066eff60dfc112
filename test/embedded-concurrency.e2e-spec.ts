import { Pool } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/database/embedded-postgres';

/** The embedded server shares one PGlite backend between connections; these are the properties the app relies on. */
describe('embedded PostgreSQL under concurrency', () => {
  let server: EmbeddedPostgres;
  let pool: Pool;

  beforeAll(async () => {
    server = await startEmbeddedPostgres();
    pool = new Pool({ connectionString: server.url, max: 20 });
    await pool.query('CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)');
  });
  afterAll(async () => {
    await pool.end();
    await server.stop();
  });

  it('answers each of 400 concurrent parameterized queries with its own result', async () => {
    const results = await Promise.all(
      // Each statement's text differs, so executing another connection's statement shows in the result.
      Array.from({ length: 400 }, async (_, i) => (await pool.query(`SELECT $1::int * ${i % 7} AS product, $2::text AS label, ${i} AS n`, [i, `q${i}`])).rows[0]),
    );
    results.forEach((row, i) => expect(row).toEqual({ product: i * (i % 7), label: `q${i}`, n: i }));
  });

  it('keeps plain queries correct while other connections run transactions', async () => {
    const transactions = Array.from({ length: 30 }, async (_, i) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT $1::int + ${i} AS inside`, [i]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    });
    const plain = Array.from({ length: 300 }, async (_, i) => (await pool.query(`SELECT $1::text AS label, ${i} AS n`, [`p${i}`])).rows[0]);
    const [rows] = await Promise.all([Promise.all(plain), Promise.all(transactions)]);
    rows.forEach((row, i) => expect(row).toEqual({ label: `p${i}`, n: i }));
  });

  it('keeps concurrent transactions apart: rolled-back ones leave nothing, committed ones everything', async () => {
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('INSERT INTO items (id, label) VALUES ($1, $2)', [i, `item ${i}`]);
          await client.query('SELECT pg_sleep(0.001)');
          await client.query(i % 2 ? 'ROLLBACK' : 'COMMIT');
        } finally {
          client.release();
        }
      }),
    );
    const { rows } = await pool.query('SELECT id FROM items ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });
});
