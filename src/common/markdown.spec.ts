import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
  it('renders ordinary Markdown', () => {
    expect(renderMarkdown('# Goal\n\nSome **bold** and a [link](https://example.gov).')).toBe(
      '<h2>Goal</h2>\n<p>Some <strong>bold</strong> and a <a href="https://example.gov" rel="nofollow noopener">link</a>.</p>\n',
    );
  });

  it.each([
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<div onclick="alert(1)">x</div>',
  ])('never lets %p become live markup', (source) => {
    const html = renderMarkdown(source);
    expect(html).not.toMatch(/<script|<img|<iframe|<div|onerror=|onclick=|href="javascript/i);
  });
});
