/** `npm run test:browser`: the whole life cycle through real pages in Debian's Chromium. */
const base = require('./jest.config.cjs');

module.exports = { ...base, roots: ['<rootDir>/test/browser'], testMatch: ['**/*.browser-spec.ts'], testTimeout: 300_000 };
