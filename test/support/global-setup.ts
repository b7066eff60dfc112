import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/database/embedded-postgres';
import { adminQuery, prepareDatabase, withDatabase } from './test-database';

declare global {
  var laurelEmbeddedPostgres: EmbeddedPostgres | undefined;
}

/**
 * One database server per test run. With DATABASE_URL: a migrated template database on that server, from which
 * each test file clones its own. Without: one in-memory embedded PostgreSQL that test files share in turn.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    const template = `laurel_template_${process.pid}`;
    await adminQuery(process.env.DATABASE_URL, `DROP DATABASE IF EXISTS ${template}`);
    await adminQuery(process.env.DATABASE_URL, `CREATE DATABASE ${template}`);
    await prepareDatabase(withDatabase(process.env.DATABASE_URL, template));
    process.env.LAUREL_TEST_TEMPLATE = template;
  } else {
    globalThis.laurelEmbeddedPostgres = await startEmbeddedPostgres();
    await prepareDatabase(globalThis.laurelEmbeddedPostgres.url);
    process.env.LAUREL_TEST_EMBEDDED_URL = globalThis.laurelEmbeddedPostgres.url;
  }
}
