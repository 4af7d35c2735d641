/** Command hints a user can paste (the function lives in core: the engine's errors use it too). */
export { quoteArg } from '../core/quote.js';
