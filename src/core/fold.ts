/**
 * Folding text so that what a player types compares with what an author wrote:
 * full-width to half-width (NFKC), traditional to simplified Chinese for a small
 * table (the characters of the bundled packs' answers and common framing words),
 * emoji and joiners removed. Pure.
 */
import { BoundedCache } from './memo.js';

// Traditional -> simplified. Small on purpose: enough for answers ("風" -> "风", "雲" -> "云",
// "乾草" -> "干草") and the words players wrap them in ("答案是", "我覺得", "不要").
const TRAD = '風雲乾稈燈聲迴門鑰遺跡壇們這個陣兒烏說認覺為麼對嗎謎錯還會來過進與關無沒別讓請燒裡裏頭車輕義塊張隻條場東並從們話問麼點燭號個選擇選離開開幫助撤銷儲存退戲鐘書畫龍鳥魚馬蟲雞貓狗雙雜種穀禾霧樓臺灣陽陰氣羅盤蓋廳廟層寶財錢銀鐵銅鎖匣紙羊皮骨架壁爐暖熱涼冷';
const SIMP = '风云干秆灯声回门钥遗迹坛们这个阵儿乌说认觉为么对吗谜错还会来过进与关无没别让请烧里里头车轻义块张只条场东并从们话问么点烛号个选择选离开开帮助撤销储存退戏钟书画龙鸟鱼马虫鸡猫狗双杂种谷禾雾楼台湾阳阴气罗盘盖厅庙层宝财钱银铁铜锁匣纸羊皮骨架壁炉暖热凉冷';
const TRAD_MAP = new Map<string, string>([...TRAD].map((c, i) => [c, [...SIMP][i] ?? c]));

// Emoji pictographs, variation selectors and zero-width joiners carry no words.
const DECORATION = /\p{Extended_Pictographic}|\u{FE0F}|\u{FE0E}|\u{200D}|\u{20E3}/gu;

/**
 * Results by input, for the same few hundred short strings (a pack's keywords, answers and
 * choices) folded again for every input of every turn: a long game spent more time folding than
 * anything else. Long texts (the recent story, a narration) are not kept: each is folded about
 * once, and keeping 4096 of them would only hold memory.
 */
const REMEMBERED_LENGTH = 200;

function remembered(f: (text: string) => string): (text: string) => string {
  const seen = new BoundedCache<string, string>(4096);
  return (text) => (text.length > REMEMBERED_LENGTH ? f(text) : seen.getOr(text, () => f(text)));
}

/** NFKC, lower case, traditional -> simplified, emoji removed; punctuation and spaces kept. */
export const fold = remembered((text: string): string => {
  const nfkc = text.normalize('NFKC').toLowerCase().replace(DECORATION, ' ');
  let out = '';
  for (const ch of nfkc) out += TRAD_MAP.get(ch) ?? ch;
  return out;
});

/** True for a character of a CJK script (matched anywhere, no word boundaries). */
export const isCjk = (text: string): boolean => /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(text);

/** Folded, punctuation and symbols to spaces, spaces collapsed: "ＷＩＮＤ！" -> "wind". */
export const normalise = remembered((text: string): string =>
  fold(text)
    .replace(/['’]/gu, '')
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim(),
);

/** Normalised with no spaces at all: how CJK text is compared. */
export const compact = (text: string): string => normalise(text).replace(/ /g, '');
