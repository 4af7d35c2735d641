/** Command hints a user can paste: a slot or folder with spaces or quotes is shell-quoted. */
export function quoteArg(arg: string): string {
  if (/^[\p{L}\p{N}._\-/:=@+]+$/u.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
