import { imageNameFrom } from '../manifest/name.js';
import { untranslatable, type Place, type Report } from './types.js';

/** Pure: a foreign project's name as a unik image name; said so when it had to change. */
export function appName(text: string, at: Place, report: Report): string {
  const name = imageNameFrom(text);
  if (!name) throw untranslatable(at, `name ${JSON.stringify(text)}`, 'expected a name with at least one letter to make an image name of');
  report.ok(at, `name ${text}`, name === text ? `name: ${name}` : `name: ${name} (unik names are lowercase letters, digits and '-')`);
  return name;
}
