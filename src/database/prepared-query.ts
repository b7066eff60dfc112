import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { QueryFailedError, type DataSource } from 'typeorm';

/** Tells this copy of the module from another one sharing the embedded database (the test runner loads one per file). */
const instance = randomBytes(4).toString('hex');
const statementNumbers = new Map<string, number>();
const connectionNumbers = new WeakMap<PoolClient, number>();
let connections = 0;

/**
 * Runs `text` outside any transaction as a named prepared statement on TypeORM's own pool, so PostgreSQL parses and
 * plans it once per connection instead of on every call (on the surge benchmark, planning the entry statement cost
 * almost as much as running it). A name carries its connection's number too: the embedded database is one backend
 * behind every connection, where a name one connection prepared is taken for all. Failures reach the caller as
 * TypeORM's `QueryFailedError`, as `DataSource.query`'s do.
 */
export async function preparedQuery<T>(db: DataSource, text: string, values: unknown[]): Promise<T[]> {
  let statement = statementNumbers.get(text);
  if (statement === undefined) statementNumbers.set(text, (statement = statementNumbers.size + 1));
  const client = await (db.driver as unknown as { master: Pool }).master.connect();
  let connection = connectionNumbers.get(client);
  if (connection === undefined) connectionNumbers.set(client, (connection = (connections += 1)));
  let broken: Error | undefined;
  try {
    return (await client.query({ name: `laurel_${instance}_${statement}_${connection}`, text, values })).rows as T[];
  } catch (error) {
    // A server's answer (it has a SQLSTATE code) leaves the connection usable; anything else may not.
    if (!(error as { code?: unknown }).code) broken = error as Error;
    throw new QueryFailedError(text, values, error as Error);
  } finally {
    client.release(broken);
  }
}
