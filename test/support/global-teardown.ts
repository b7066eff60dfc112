import { adminQuery } from './test-database';

export default async function globalTeardown(): Promise<void> {
  if (process.env.DATABASE_URL && process.env.LAUREL_TEST_TEMPLATE) {
    await adminQuery(process.env.DATABASE_URL, `DROP DATABASE IF EXISTS ${process.env.LAUREL_TEST_TEMPLATE}`);
  }
  await globalThis.laurelEmbeddedPostgres?.stop();
}
