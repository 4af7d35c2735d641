/**
 * Placeholders in pack text: {{var.NAME}} (player variables), {{pack.title}},
 * {{pack.language}}, {{image.style}}. Used for the system prompt and for the
 * script's own text, so an author can greet the player by name.
 */
import type { Pack } from './pack.js';

const PLACEHOLDER = /\{\{\s*([a-z_.]+)\s*\}\}/gi;

/** Fill {{var.x}}, {{pack.title}}, {{pack.language}}, {{image.style}}; report unknown ones. */
export function renderTemplate(template: string, pack: Pack, vars: Record<string, string>) {
  const unknown: string[] = [];
  // A Map, not an object: "{{constructor}}" must be an unknown placeholder, not Object's constructor.
  const values = new Map<string, string>([
    ['pack.title', pack.manifest.title],
    ['pack.language', pack.manifest.language],
    ['image.style', pack.manifest.image.style],
  ]);
  for (const [k, v] of Object.entries(vars)) values.set(`var.${k}`, v);
  const text = template.replace(PLACEHOLDER, (whole, key: string) => {
    const v = values.get(key);
    if (v === undefined) unknown.push(key);
    return v ?? whole;
  });
  return { text, unknown };
}

/** Every string in a value with its path, for checking placeholders wherever they stand. */
export function stringsIn(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringsIn(v, [...path, k]));
  return [];
}
