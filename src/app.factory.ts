import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import type { AppConfig } from './config/app-config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './database/embedded-postgres';

export interface RunningApp {
  app: INestApplication;
  databaseUrl: string;
  close(): Promise<void>;
}

/** Builds the app: DATABASE_URL when set, otherwise an embedded PostgreSQL kept under DATA_DIR. */
export async function createApp(config: AppConfig, logger?: LoggerService | LogLevel[] | false): Promise<RunningApp> {
  let embedded: EmbeddedPostgres | undefined;
  if (!config.databaseUrl) embedded = await startEmbeddedPostgres(config.dataDir);
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  try {
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl), {
      bodyParser: false,
      logger: logger ?? (config.production ? ['log', 'warn', 'error'] : undefined),
    });
    configureApp(app, config);
    return {
      app,
      databaseUrl,
      async close() {
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
