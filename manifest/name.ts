/** The alphabet of image names (the schema's `name` pattern): they end up in generated build files. */
export const IMAGE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** Pure: the closest image name to a directory or project name (lowercase, runs of other characters → '-'). */
export const imageNameFrom = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
