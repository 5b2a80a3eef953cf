/**
 * Moved to test/support/synthetic-issues.ts (issue 13: test data lives with the tests; benches
 * import it from there). This re-export only keeps branches written before the move compiling.
 */
export * from '../test/support/synthetic-issues.ts';
