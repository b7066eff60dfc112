import { judgeSpreadChart, scoreHistogram } from './charts';

describe('charts', () => {
  it('draws a histogram whose description states each band\'s count', () => {
    const svg = scoreHistogram([5, 15, 15, 99, 100]);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('0 to 9: 1; 10 to 19: 2;');
    expect(svg).toContain('90 to 100: 2.');
    expect(svg).not.toContain('style=');
  });

  it('escapes judge names', () => {
    const svg = judgeSpreadChart([{ name: '<script>x</script>', min: 10, max: 80, mean: 40, scorecards: 3 }]);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });
});
