/**
 * The sample's default mark, generated here so the project ships no image it does not own: a
 * seal (印章) in the accent colour framing a front page: the masthead bar over two columns of type.
 *
 * Geometric on purpose, with no text: set in SVG, the masthead characters 衢州日报 would be drawn
 * with whatever CJK font the rasterising machine has. librsvg (inside sharp) falls back silently,
 * so a machine without fonts-wqy-microhei would produce boxes under the same content-addressed key
 * a machine with the font produced characters — two different icons, one URL.
 */
export const defaultMarkSvg = (accentColor: string): string =>
  '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">' +
  `<rect width="512" height="512" rx="96" fill="${accentColor}"/>` +
  '<rect x="60" y="60" width="392" height="392" rx="44" fill="none" stroke="#fff" stroke-width="24"/>' +
  '<rect x="132" y="128" width="248" height="64" rx="12" fill="#fff"/>' +
  '<path d="M148 248h80M148 308h80M148 368h80M284 248h80M284 308h80M284 368h80" fill="none" ' +
  'stroke="#fff" stroke-width="32" stroke-linecap="round"/>' +
  '</svg>\n';
