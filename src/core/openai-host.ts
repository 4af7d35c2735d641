/**
 * Whether a base URL is OpenAI's own API (api.openai.com, its regional hosts, or Azure OpenAI):
 * the one test of "is it OpenAI", decided by the URL's host name, never by a substring of the URL
 * (a local server's path or query may well contain "api.openai.com").
 */
export function isOpenAIHost(baseURL: string): boolean {
  let host: string;
  try {
    host = new URL(baseURL).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return false;
  }
  return host === 'api.openai.com' || host.endsWith('.api.openai.com') || host.endsWith('.openai.azure.com');
}
