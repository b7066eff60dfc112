import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/database/data-source-options';

/** Data source for the TypeORM CLI. The embedded database migrates itself at start-up; the CLI needs a server. */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to use the TypeORM CLI (npm run migration:run handles the embedded database too).');

export default new DataSource(dataSourceOptions(url));
