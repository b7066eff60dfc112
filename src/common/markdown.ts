import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const markdown = new Marked({ gfm: true, breaks: false, async: false });

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ['h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'title', 'rel'], th: ['align'], td: ['align'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  transformTags: {
    h1: 'h2',
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener' }),
  },
  disallowedTagsMode: 'escape',
};

/**
 * Markdown → HTML that is safe to put in a page: raw HTML in the source is shown as text, never run, and links
 * keep only http(s) and mailto. Headings start at h2 (the page owns h1).
 */
export function renderMarkdown(source: string | null | undefined): string {
  if (!source) return '';
  return sanitizeHtml(markdown.parse(source) as string, ALLOWED);
}
