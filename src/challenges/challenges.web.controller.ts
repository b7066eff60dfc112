import { Controller, Get, Header, Inject, Param, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/guards';
import type { User } from '../auth/user.entity';
import { Clock } from '../common/clock';
import { pageLinks } from '../common/pagination';
import { validatePageQuery } from '../common/validation';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { toChallengePage, toChallengeView } from './challenge.view';
import { ChallengesService } from './challenges.service';
import { ListChallengesQuery } from './dto/challenge.dto';

const STATUS_FILTERS = [
  { value: '', label: 'Any status' },
  { value: 'open', label: 'Open for entries' },
  { value: 'upcoming', label: 'Opening soon' },
  { value: 'closed', label: 'Closed' },
  { value: 'judging', label: 'Judging' },
  { value: 'announced', label: 'Winners announced' },
];
const SORTS = [
  { value: 'newest', label: 'Newest' },
  { value: 'closing', label: 'Closing soon' },
  { value: 'prize', label: 'Largest prize' },
];

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

@ApiExcludeController()
@Controller()
export class ChallengesWebController {
  constructor(
    private readonly challenges: ChallengesService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(['', 'challenges'])
  @Render('challenges/list')
  async list(@CurrentUser() user: User | undefined, @Query() raw: Record<string, unknown>) {
    const { query, params } = await validatePageQuery(ListChallengesQuery, raw);
    const [page, agencies] = await Promise.all([this.challenges.list(user, query), this.challenges.agencies()]);
    const now = this.clock.now();
    return {
      title: 'Prize challenges',
      challenges: page.items.map((c) => toChallengeView(c, now)),
      total: page.total,
      query: { q: query.q ?? '', status: query.status ?? '', agency: query.agency ?? '', sort: query.sort ?? 'newest' },
      statuses: STATUS_FILTERS,
      sorts: SORTS,
      agencies,
      ...pageLinks(page, '/challenges', params),
    };
  }

  @Get('challenges/feed.xml')
  @Header('Content-Type', 'application/rss+xml; charset=utf-8')
  async feed(): Promise<string> {
    const page = await this.challenges.list(null, Object.assign(new ListChallengesQuery(), { status: 'open', sort: 'closing', pageSize: 100 }));
    const items = page.items
      .map((c) => {
        const link = `${this.config.publicUrl}/challenges/${c.slug}`;
        return `<item><title>${escapeXml(c.title)}</title><link>${escapeXml(link)}</link><guid isPermaLink="true">${escapeXml(link)}</guid>` +
          `<description>${escapeXml(`${c.tagline} Closes ${c.closesAt?.toISOString()}.`)}</description>` +
          `<pubDate>${c.publishedAt?.toUTCString()}</pubDate></item>`;
      })
      .join('');
    return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Laurel: open prize challenges</title>` +
      `<link>${escapeXml(this.config.publicUrl)}/challenges</link><description>Prize challenges open for entries</description>${items}</channel></rss>`;
  }

  @Get('challenges/:slug')
  async detail(@CurrentUser() user: User | undefined, @Param('slug') slug: string, @Res() res: Response) {
    const challenge = await this.challenges.getVisible(user, slug);
    if (slug !== challenge.slug) return res.redirect(301, `/challenges/${challenge.slug}`);
    const canManage = await this.challenges.isManager(user, challenge.id);
    res.render('challenges/detail', { title: challenge.title, description: challenge.tagline, challenge: toChallengePage(challenge, this.clock.now()), canManage });
  }
}
