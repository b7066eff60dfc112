import { Injectable } from '@nestjs/common';
import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Clock } from '../clock';

/** The public challenge list, as a signed-out visitor sees it (search, filters and pages are in the query). */
const CACHED_PATHS = new Set(['/', '/challenges']);
const TTL_MS = 2000;
const MAX_PAGES = 200;
/** Per-response headers that are never stored: each answer gets its own. */
const OWN_HEADERS = new Set(['set-cookie', 'x-request-id', 'date', 'content-length']);

interface CachedPage {
  expires: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A 2-second cache in front of the whole request pipeline for the public list pages a signed-out visitor opens: the
 * page crowds land on before a deadline. Only 200 HTML answers to requests without a session cookie or bearer token
 * are stored, without their cookies; every hit gets its own request id. The page holds no per-visitor content (no
 * form token), and its data is already cached as long (see ChallengesService), so it is never staler than before.
 */
@Injectable()
export class AnonymousPageCache {
  private readonly pages = new Map<string, CachedPage>();
  private sessionCookie = '';

  constructor(private readonly clock: Clock) {}

  /** Answers cacheable requests to `server` from the cache before any other listener sees them. */
  install(server: Server, sessionCookie: string): void {
    this.sessionCookie = `${sessionCookie}=`;
    const listeners = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.answer(req, res)) return;
      for (const listener of listeners) listener.call(server, req, res);
    });
  }

  private answer(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.cacheable(req)) return false;
    const key = req.url!;
    const now = this.clock.now().getTime();
    const page = this.pages.get(key);
    if (page && page.expires > now) {
      res.writeHead(200, { ...page.headers, 'x-request-id': randomUUID(), 'content-length': page.body.length });
      res.end(page.body);
      return true;
    }
    this.capture(res, key, now);
    return false;
  }

  private cacheable(req: IncomingMessage): boolean {
    if (req.method !== 'GET' || req.headers.authorization) return false;
    const path = req.url!.split('?', 1)[0];
    return CACHED_PATHS.has(path) && !(req.headers.cookie ?? '').includes(this.sessionCookie);
  }

  /** Keeps the answer the app is about to send, if it is a whole 200 HTML page. */
  private capture(res: ServerResponse, key: string, now: number): void {
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      const [chunk] = args;
      const type = String(res.getHeader('content-type') ?? '');
      if (res.statusCode === 200 && type.startsWith('text/html') && (typeof chunk === 'string' || Buffer.isBuffer(chunk))) {
        const headers = Object.fromEntries(Object.entries(res.getHeaders()).filter(([name]) => !OWN_HEADERS.has(name)));
        if (this.pages.size >= MAX_PAGES) this.pages.clear();
        this.pages.set(key, { expires: now + TTL_MS, headers, body: Buffer.from(chunk) });
      }
      return end(...args);
    }) as ServerResponse['end'];
  }
}
