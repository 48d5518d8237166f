/**
 * Dependency rules of the codebase (README "Layout"), checked by `npm run lint:deps` in CI. A rule broken fails the
 * build with the import that breaks it.
 */
module.exports = {
  forbidden: [
    {
      name: 'tickets-owns-below-its-users',
      comment:
        'src/tickets owns the ticket and is used by intake, the deadline watch, reports, pages and notifications: it ' +
        'imports none of them (they subscribe to what happens through TicketListeners).',
      severity: 'error',
      from: { path: '^src/tickets/' },
      to: { path: '^src/(intake|sla|reports|web|notifications)/' },
    },
    {
      name: 'no-test-imports',
      comment: 'Nothing that ships or measures imports from test/ (the unit tests next to the code may, and so may drill/, the fault drills, which are tests run against real processes).',
      severity: 'error',
      from: { path: '^(src|config|migrations|scripts|bench)/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular-files',
      comment: 'No file reaches itself through its imports.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // the code imports '.js' paths that name the '.ts' files
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
