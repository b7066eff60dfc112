import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from './prepared-query';

/**
 * Reads one entity by a hand-written condition on hot paths, where TypeORM's query builder costs more CPU than the
 * query itself. The column list comes from the entity's metadata once; rows become instances of the entity class
 * with the values the `pg` driver parsed (the same types TypeORM hydrates for these column types).
 */
export class EntityReader<T extends object> {
  private readonly select: string;

  constructor(
    db: DataSource,
    private readonly entity: new () => T,
  ) {
    const metadata = db.getMetadata(entity);
    const columns = metadata.columns.map((c) => `"${c.databaseName}" AS "${c.propertyName}"`).join(', ');
    this.select = `SELECT ${columns} FROM "${metadata.tableName}"`;
  }

  /** The first row matching `condition` (SQL with $n parameters); `FOR UPDATE` when `lock`. Outside a transaction, prepared. */
  async one(db: EntityManager, condition: string, parameters: unknown[], lock = false): Promise<T | null> {
    const text = `${this.select} WHERE ${condition} LIMIT 1${lock ? ' FOR UPDATE' : ''}`;
    const rows: object[] = db.queryRunner ? await db.query(text, parameters) : await preparedQuery(db.connection, text, parameters);
    return rows.length ? Object.assign(new this.entity(), rows[0]) : null;
  }

  /** Every row matching `condition`, in the order `condition` ends with; prepared outside a transaction. */
  async many(db: EntityManager, condition: string, parameters: unknown[]): Promise<T[]> {
    const text = `${this.select} WHERE ${condition}`;
    const rows: object[] = db.queryRunner ? await db.query(text, parameters) : await preparedQuery(db.connection, text, parameters);
    return rows.map((row) => Object.assign(new this.entity(), row));
  }
}
