// Preloaded into a child process (NODE_OPTIONS=--import=…): prints the process's peak resident
// memory on exit, so a test can bound what a CLI held without timing anything.
process.on('exit', () => {
  process.stderr.write(`max-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
