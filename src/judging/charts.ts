const escape = (text: string) => text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Server-rendered SVG charts: no script, colours as presentation attributes (the CSP allows no inline style),
 * and a text alternative (role="img" with title and description) that says what the chart shows.
 */
export function scoreHistogram(scores: number[], id = 'score-distribution'): string {
  const bins = Array.from({ length: 10 }, (_, i) => scores.filter((s) => (i === 9 ? s >= 90 : s >= i * 10 && s < (i + 1) * 10)).length);
  const max = Math.max(1, ...bins);
  const width = 560;
  const height = 220;
  const plot = { left: 40, bottom: 190, top: 20, barWidth: 48 };
  const bars = bins
    .map((count, i) => {
      const h = ((plot.bottom - plot.top) * count) / max;
      const x = plot.left + i * (plot.barWidth + 4);
      return `<rect x="${x}" y="${plot.bottom - h}" width="${plot.barWidth}" height="${h}" fill="#005ea2"></rect>` +
        `<text x="${x + plot.barWidth / 2}" y="${plot.bottom - h - 4}" text-anchor="middle" font-size="12" fill="#1b1b1b">${count || ''}</text>` +
        `<text x="${x + plot.barWidth / 2}" y="${plot.bottom + 16}" text-anchor="middle" font-size="11" fill="#1b1b1b">${i * 10}–${i === 9 ? 100 : i * 10 + 9}</text>`;
    })
    .join('');
  const description = bins.map((count, i) => `${i * 10} to ${i === 9 ? 100 : i * 10 + 9}: ${count}`).join('; ');
  return `<svg class="laurel-chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-title">Distribution of entry scores (${scores.length} scored entries)</title>` +
    `<desc id="${id}-desc">Number of entries per score band: ${description}.</desc>` +
    `<line x1="${plot.left - 4}" y1="${plot.bottom}" x2="${width - 4}" y2="${plot.bottom}" stroke="#565c65"></line>${bars}</svg>`;
}

export interface JudgeSpread {
  name: string;
  min: number;
  max: number;
  mean: number;
  scorecards: number;
}

/** One row per judge: the range of the judge's scores as a bar, the mean as a dot, on a 0..100 scale. */
export function judgeSpreadChart(judges: JudgeSpread[], id = 'judge-spread'): string {
  const rowHeight = 28;
  const left = 160;
  const scale = 360 / 100;
  const height = 30 + judges.length * rowHeight;
  const rows = judges
    .map((j, i) => {
      const y = 20 + i * rowHeight;
      return `<text x="${left - 8}" y="${y + 14}" text-anchor="end" font-size="12" fill="#1b1b1b">${escape(j.name.slice(0, 24))}</text>` +
        `<rect x="${left + j.min * scale}" y="${y + 4}" width="${Math.max(2, (j.max - j.min) * scale)}" height="14" fill="#97d4ea"></rect>` +
        `<circle cx="${left + j.mean * scale}" cy="${y + 11}" r="5" fill="#162e51"></circle>`;
    })
    .join('');
  const description = judges.map((j) => `${j.name}: ${j.scorecards} scorecards from ${j.min} to ${j.max}, mean ${j.mean}`).join('; ');
  return `<svg class="laurel-chart" viewBox="0 0 560 ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-title">Each judge's range of scores (bar) and mean (dot), from 0 to 100</title>` +
    `<desc id="${id}-desc">${escape(description)}.</desc>` +
    `<line x1="${left}" y1="${height - 6}" x2="${left + 360}" y2="${height - 6}" stroke="#565c65"></line>` +
    `<text x="${left}" y="${height}" font-size="10" fill="#1b1b1b">0</text><text x="${left + 360}" y="${height}" text-anchor="end" font-size="10" fill="#1b1b1b">100</text>${rows}</svg>`;
}
