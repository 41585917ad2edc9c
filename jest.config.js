/**
 * One Jest run over every package's suites, so `npm test -- <jest args>` (CI's --json --outputFile)
 * reaches server and SDK alike. Each project keeps its own jest.config.js.
 */
export default {
  projects: ['<rootDir>/server', '<rootDir>/sdk'],
  // Global options: Jest ignores them inside a project's own config.
  testTimeout: 120000,
  maxWorkers: 2,
};
