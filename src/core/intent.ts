/**
 * Resolving free text against what a scene offers, by what the words do rather than
 * which words occur. Pure, and shaped so a model-based classifier can later return the
 * same `Resolution` (an option id or none, a kind, the candidates it hesitated between).
 *
 * Rules: a clause that negates or dismisses never triggers an option (kind "refuse");
 * a question that is not a polite request, or a look/examine verb, never triggers an
 * option that *acts* (kind "ask"/"look"); a "supportive" option (an argument put to an
 * NPC) is not triggered by a threat or a dismissal, and a "hostile" option only by one.
 * Within a clause the option covering most of the text wins, then the one with the more
 * specific condition; across clauses an act beats a remark. Two different options that
 * tie are a question back to the player, never a guess.
 */
import { compact, isCjk, normalise } from './fold.js';
import { clauses, negated, type Clause } from './clause.js';

export type IntentKind = 'do' | 'ask' | 'look' | 'refuse' | 'say';

export interface IntentOption {
  id: string;
  keywords: readonly string[];
  /** Moves the story or changes items or stats: a question or a look must not trigger it. */
  acts: boolean;
  stance?: 'supportive' | 'hostile' | undefined;
  /** How many conditions gate it: the more specific of two equal matches wins. */
  specificity: number;
  /** Options with the same effect are interchangeable: a tie between them is no ambiguity. */
  effect: string;
}

export interface Resolution {
  option: string | null;
  kind: IntentKind;
  /** Options that matched equally when `option` is null and there are two or more; else the chosen/blocked one. */
  candidates: string[];
  /** The keyword each candidate matched, for a clarification line. */
  matched: Record<string, string>;
  /** Set when the reading is a model's (checked by the engine), for logs and tests. */
  by?: 'model' | undefined;
}

interface Match {
  option: IntentOption;
  covered: number;
  keyword: string;
  order: number;
}

/** Character intervals one keyword covers in the clause (Latin: whole words or a run of words joined). */
function spans(c: Clause, keyword: string): [number, number][] {
  const out: [number, number][] = [];
  if (isCjk(keyword)) {
    const kw = compact(keyword);
    for (let at = c.tight.indexOf(kw); kw && at >= 0; at = c.tight.indexOf(kw, at + 1)) out.push([at + 10_000, at + 10_000 + kw.length]);
    return out;
  }
  const kw = normalise(keyword);
  if (!kw) return out;
  const words = c.words.split(' ');
  const plain = kw.replace(/ /g, '');
  let offset = 0;
  for (let i = 0; i < words.length; i++) {
    let joined = '';
    let end = offset;
    for (let j = i; j < words.length && joined.length < plain.length; j++) {
      joined += words[j];
      end += (words[j]?.length ?? 0) + (j > i ? 1 : 0);
      if (joined === plain) out.push([offset, end]);
    }
    offset += (words[i]?.length ?? 0) + 1;
  }
  return out;
}

function coverage(c: Clause, option: IntentOption): { covered: number; keyword: string; hits: string[] } {
  const intervals: [number, number][] = [];
  const hits: string[] = [];
  for (const k of option.keywords) {
    const s = spans(c, k);
    if (s.length) hits.push(k);
    intervals.push(...s);
  }
  intervals.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reach = -1;
  for (const [from, to] of intervals) {
    covered += Math.max(0, to - Math.max(from, reach));
    reach = Math.max(reach, to);
  }
  const keyword = [...hits].sort((a, b) => b.length - a.length)[0] ?? '';
  return { covered, keyword, hits };
}

type Verdict = IntentKind | 'no';

/** Whether a matched option counts in this clause, and if not, why. */
function verdict(c: Clause, option: IntentOption, hits: readonly string[], exempt: readonly string[]): Verdict {
  const against = c.hostile || c.dismissive;
  if (option.stance === 'hostile') return against ? 'do' : 'no';
  const ownNegation = hits.filter((h) => negated(clauses(h)[0] ?? c));
  if (ownNegation.length === 0 && (c.dismissive || negated(c, exempt))) return 'refuse';
  if (option.acts && c.look) return 'look';
  if (option.acts && c.question && !c.request) return 'ask';
  if (option.stance === 'supportive' && against) return 'say';
  return 'do';
}

function better(a: Match, b: Match): boolean {
  if (a.covered !== b.covered) return a.covered > b.covered;
  if (a.option.specificity !== b.option.specificity) return a.option.specificity > b.option.specificity;
  return a.order < b.order;
}

/** Best counted match of one clause, its equal rivals, and what was blocked. */
function resolveClause(c: Clause, options: readonly IntentOption[]) {
  const found = options.map((option, order) => ({ option, order, ...coverage(c, option) })).filter((m) => m.covered > 0);
  // Keywords that carry their own negation ("不进去") are the thing chosen, not a refusal.
  const exempt = found.flatMap((m) => m.hits.filter((h) => negated(clauses(h)[0] ?? c)));
  const counted: Match[] = [];
  let blocked: { match: Match; kind: IntentKind } | null = null;
  for (const m of found) {
    const v = verdict(c, m.option, m.hits, exempt);
    if (v === 'do') counted.push(m);
    else if (v !== 'no' && (!blocked || better(m, blocked.match))) blocked = { match: m, kind: v };
  }
  const best = counted.reduce<Match | null>((acc, m) => (acc && !better(m, acc) ? acc : m), null);
  const rivals = best
    ? counted.filter((m) => m !== best && m.option.effect !== best.option.effect && m.covered === best.covered && m.option.specificity === best.option.specificity)
    : [];
  return { best, rivals, blocked };
}

/** The kind of a clause that matched nothing at all. */
function plainKind(c: Clause | undefined): IntentKind {
  if (!c) return 'say';
  if (c.dismissive || negated(c)) return 'refuse';
  if (c.look) return 'look';
  if (c.question && !c.request) return 'ask';
  return 'say';
}

export function resolveIntent(input: string, options: readonly IntentOption[]): Resolution {
  const parts = clauses(input);
  let chosen: { best: Match; rivals: Match[] } | null = null;
  let blocked: { match: Match; kind: IntentKind } | null = null;
  for (const c of parts) {
    const r = resolveClause(c, options);
    if (r.blocked && (!blocked || better(r.blocked.match, blocked.match))) blocked = r.blocked;
    if (!r.best) continue;
    const cur: { best: Match; rivals: Match[] } = { best: r.best, rivals: r.rivals };
    if (!chosen) { chosen = cur; continue; }
    // Across clauses an act beats a remark ("宝藏分你一半，我们一起去吧" is the invitation).
    const a: Match = cur.best;
    const b: Match = chosen.best;
    if (a.option.acts !== b.option.acts) { if (a.option.acts) chosen = cur; continue; }
    if (a.option.effect === b.option.effect) continue;
    if (a.covered > b.covered) chosen = cur;
    else if (a.covered === b.covered) chosen = { best: b, rivals: [...chosen.rivals, a] };
  }
  if (chosen) {
    const all = [chosen.best, ...chosen.rivals];
    const matched = Object.fromEntries(all.map((m) => [m.option.id, m.keyword]));
    if (chosen.rivals.length) return { option: null, kind: 'do', candidates: all.map((m) => m.option.id), matched };
    return { option: chosen.best.option.id, kind: 'do', candidates: [chosen.best.option.id], matched };
  }
  if (blocked) {
    const id = blocked.match.option.id;
    return { option: id, kind: blocked.kind, candidates: [id], matched: { [id]: blocked.match.keyword } };
  }
  return { option: null, kind: plainKind(parts[0]), candidates: [], matched: {} };
}

/** A resolution that triggers its option. */
export const triggers = (r: Resolution): r is Resolution & { option: string } => r.kind === 'do' && r.option !== null;
