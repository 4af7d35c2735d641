/** `text` as a regular expression that matches exactly it. Pure. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
