import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module';
import { AwardsModule } from './awards/awards.module';
import { ChallengesModule } from './challenges/challenges.module';
import { SessionMiddleware } from './auth/session.middleware';
import { CommonModule } from './common/common.module';
import { ProblemFilter } from './common/errors/problem.filter';
import { CsrfMiddleware } from './common/http/csrf.middleware';
import { FormViewInterceptor } from './common/http/form-view';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source-options';
import { HealthController } from './health/health.controller';
import { JudgingModule } from './judging/judging.module';
import { NotificationsModule } from './notifications/notifications.module';
import { SubmissionsModule } from './submissions/submissions.module';

@Module({})
export class AppModule implements NestModule {
  /** The whole app for one configuration and one database URL (the embedded server's or DATABASE_URL). */
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forConfig(config, databaseUrl),
        CommonModule,
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl), migrationsRun: true }),
        NotificationsModule,
        AuthModule,
        ChallengesModule,
        SubmissionsModule,
        JudgingModule,
        AwardsModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: FormViewInterceptor },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CsrfMiddleware, SessionMiddleware).forRoutes('*path');
  }
}
