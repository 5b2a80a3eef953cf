/** The `code` of a Node filesystem error (`ENOENT`, `EISDIR`, …), if it has one. */
export const errnoOf = (error: unknown) =>
  error instanceof Error && 'code' in error ? (error as NodeJS.ErrnoException).code : undefined;

/** The object is absent when its file, or a folder on the way to it, is missing or is a folder. */
export const isAbsent = (error: unknown) => {
  const code = errnoOf(error);
  // rm() reports a folder as ERR_FS_EISDIR, the other calls as EISDIR.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ERR_FS_EISDIR';
};
