/**
 * `npm run publish … | head -1`: once `head` has its line it closes the pipe, and the next write
 * fails with EPIPE, which Node raises as an unhandled 'error' event (a stack trace and exit 1,
 * possibly in the middle of a publish). A CLI piped into a pager or `head` should stop printing
 * and carry on quietly: the reader asked for less output, not for less work. Other stream errors
 * are still fatal.
 */
export const ignoreClosedPipes = (streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]) => {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      // After EPIPE the stream is destroyed; later writes report ERR_STREAM_DESTROYED.
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
      throw error;
    });
  }
};
