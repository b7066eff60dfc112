import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { join } from 'node:path';
import { expressErrorHandler } from './common/errors/problem.filter';
import { SESSION_COOKIE } from './auth/session.middleware';
import { AnonymousPageCache } from './common/http/anonymous-page-cache';
import { apiContentTypeMiddleware } from './common/http/api-content-type.middleware';
import { installAssets } from './common/http/assets';
import { TEMPLATES_DIR } from './common/paths';
import { requestIdMiddleware } from './common/http/request-id.middleware';
import { createViewEngine } from './common/http/view-engine';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/app-config';

export const JSON_BODY_LIMIT = '1mb';

function securityHeaders(config: AppConfig, relaxedForSwagger: boolean) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: relaxedForSwagger ? ["'self'", "'unsafe-inline'"] : ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
    strictTransportSecurity: config.secureCookies ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  });
}

/** Everything about the HTTP surface that is not a route: parsers, headers, views, assets, errors, docs. */
export function configureApp(nest: INestApplication, config: AppConfig): void {
  const app = nest as NestExpressApplication;
  app.get(AnonymousPageCache).install(app.getHttpServer(), SESSION_COOKIE);
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Answers are per caller and per moment (tokens, clocks): hashing every body for an ETag costs and never matches.
  app.set('etag', false);
  app.use(requestIdMiddleware(!config.production));
  const pageHeaders = securityHeaders(config, false);
  const swaggerHeaders = securityHeaders(config, true);
  app.use((req: Request, res: Response, next: NextFunction) =>
    (req.path.startsWith('/api/docs') ? swaggerHeaders : pageHeaders)(req, res, next),
  );
  app.use(cookieParser());
  app.use(apiContentTypeMiddleware);
  app.use(express.json({ limit: JSON_BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ extended: true, limit: JSON_BODY_LIMIT, parameterLimit: 2000 }));
  app.use(expressErrorHandler);

  installAssets(app.getHttpAdapter().getInstance());
  const viewsDir = join(TEMPLATES_DIR, 'views');
  app.engine('hbs', createViewEngine(viewsDir));
  app.setBaseViewsDir(viewsDir);
  app.setViewEngine('hbs');

  app.useGlobalPipes(createValidationPipe());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Laurel API')
      .setDescription('Prize challenges: challenges, submissions, judging and awards. Errors are RFC 9457 problem+json.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
