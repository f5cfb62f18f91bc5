// One jest configuration for every workspace (native ESM: middy is ESM only).
// Run through scripts/jest.mjs, which sets the Node flags jest needs for ESM.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

export default {
  rootDir: import.meta.dirname,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/{packages,functions,services,infra,test,bench}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/cdktf.out/'],
  watchman: false,
  // Servers, SQLite and DuckDB hold real resources: keep workers few on 2-core machines.
  maxWorkers: 2,
  // Sized for a busy 2-core machine (load 10+), not for an idle one: a test that needs more
  // (corpus-wide work, child processes) says so itself. Never a speed check: those live in bench/.
  testTimeout: 120_000,
};
