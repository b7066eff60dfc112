/** `npm run test:reliability`: the slower crash, concurrency, fuzzing and security suites (needs DATABASE_URL). */
const base = require('./jest.config.cjs');

module.exports = { ...base, roots: ['<rootDir>/test/reliability'], testMatch: ['**/*.reliability-spec.ts'], testTimeout: 300_000 };
