import { splitLines } from '../text.ts';

/**
 * Text as people paste it, turned back into the lines the kernel, lspci or QEMU printed: mail
 * quoting (`> `, `>> `, `> > >`), markdown fences, backticks and bold, forum BBCode and HTML
 * entities, shell prompts (the commands are kept apart, as hints of what follows), the prefixes
 * of `dmesg -T`, `dmesg -x`, journald and syslog, CRLF and non-breaking spaces. Lines a mailer
 * wrapped at ~72 columns are rejoined in `rejoinWrapped` (it needs to know what a line start
 * looks like). Every cleaned line remembers the 1-based line of the paste it came from.
 */

export interface CleanLine {
  /** The line as the tool printed it. */
  text: string;
  /** 1-based line number in the pasted text (the first one, for a rejoined line). */
  origin: number;
  /** The pasted line, untouched (the first one, for a rejoined line). */
  raw: string;
  /** The line carried a kernel log prefix (`[    1.234]`, `dmesg -T`, journald, syslog). */
  logPrefix: boolean;
  /** A shell command the user typed (`$ lspci -vvv`, `root@pve:~# cat ...`): not tool output. */
  command?: string;
  /** Markup only (a fence, an empty quote): nothing to read. */
  markup?: boolean;
  /** Further pasted lines folded into this one (a wrapped line's continuations). */
  joined?: number[];
  /** Mail quoting depth (`> ` = 1, `>> ` = 2): lines of other depths are other messages. */
  quote?: number;
}

/** `> `, `>> `, `> > >`, also `>` with no space before the text. */
const QUOTE = /^[ \t]{0,3}(?:>[ \t]?)+/;
const FENCE = /^\s*(?:```|~~~)[\w+-]*\s*$/;
/** BBCode tags of forum software; `size` and `color` only when closed, since lspci prints `[size=256M]`. */
const BBCODE =
  /\[\/?(?:code|icode|b|i|u|s|quote|spoiler|plain|php|html|noparse|url|img|list|\*|indent|center|left|right|font|sub|sup|cmd|pre|tt|mono|shell|bash|console)(?:=[^\]\n]*)?\]/gi;
const BBCODE_PAIRED = /\[\/?(?:size|color)(?:=[^\]\n]*)?\]/gi;
const ENTITIES: Record<string, string> = {
  '&gt;': '>',
  '&lt;': '<',
  '&amp;': '&',
  '&quot;': '"',
  '&#39;': "'",
  '&#x27;': "'",
  '&nbsp;': ' ',
};

/** Commands whose output we read; a `# word` line is a root prompt only when the word is one. */
const COMMANDS =
  /^(?:sudo\s+|doas\s+)?(?:lspci|cat|grep|egrep|find|ls|for|dmesg|journalctl|head|tail|tree|virsh|qemu[\w-]*|lsmod|uname|echo|printf|readlink|cd|sh|bash|\.\/|\S+\.sh\b|info\s+mtree|pvesh|ls-iommu|iommu|lsiommu|modprobe|awk|sed|setpci|shopt|while|done|do\b|xargs|sort|less|more|perl|python3?)/;
/** `user@host:~$ `, `[root@pve ~]# `, `pve# `, `$ `, `% `, `(qemu) `, `PS> `. */
const PROMPT =
  /^\s*(?:\[[^\]\n]{1,60}\]\s?[#$]|[\w.-]+@[\w.-]+(?::[^\s#$]*)?\s?[#$%]|[\w.-]{1,30}:[~/][^\s#$]*\s?[#$]|\$|%|\u276f|\u279c|\(qemu\))\s+(\S.*)$/;
const ROOT_PROMPT = /^\s*#\s+(\S.*)$/;

const DMESG_T =
  /^\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}\]\s?/;
const DMESG_TS = /^\[\s*\d+\.\d+\]\s?/;
/** `dmesg -x`: `kern  :info  : ` (facility and level padded to 6). */
const DMESG_X =
  /^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local\d)\s*:\s*(?:emerg|alert|crit|err|warn|notice|info|debug)\s*:\s?/;
/** journald / syslog: `Jun 04 07:25:13 host kernel: `, `2024-06-04T07:25:13+0200 host kernel: `. */
const SYSLOG =
  /^(?:[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}(?:\.\d+)?|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s+\S+\s+(kernel|[\w.()/-]+(?:\[\d+\])?):\s?/;
/** The kernel's own `<6>[    1.234]` (dmesg -r) and `kernel: ` with no header. */
const KMSG_LEVEL = /^<\d>/;

/** Chat logs (IRC, Matrix bridges): `14:59 < hrw> `, `[14:59] <hrw> `, `14:59 <@aw> `. */
const CHAT = /^\s*\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s+<[@+%&~ ]?[\w`[\]{}^|.-]{1,32}>\s?/;

export function stripQuoting(line: string): string {
  return line.replace(QUOTE, '').replace(CHAT, '');
}

/** Removes log prefixes; tells whether one was there. The message itself is left as printed. */
export function stripKernelLogPrefix(line: string): { text: string; had: boolean } {
  let s = line;
  let had = false;
  for (let i = 0; i < 3; i++) {
    const before = s;
    s = s.replace(KMSG_LEVEL, '');
    const sys = SYSLOG.exec(s);
    if (sys) {
      s = s.slice(sys[0].length);
      // `QEMU[123]: ` / `libvirtd[9]: ` are not the kernel's, but keep the message: it is the error.
      had = had || sys[1] === 'kernel';
    }
    s = s.replace(DMESG_X, () => ((had = true), ''));
    s = s.replace(DMESG_T, () => ((had = true), ''));
    s = s.replace(DMESG_TS, () => ((had = true), ''));
    if (s === before) break;
  }
  return { text: s, had };
}

function unmarkup(line: string, bbPaired: boolean): string {
  let s = line.replace(/[\u00a0\u2007\u202f]/g, ' ').replace(/\u200b|\u200c|\u200d|\ufeff/g, '');
  s = s.replace(/&(?:gt|lt|amp|quot|nbsp|#39|#x27);/g, (e) => ENTITIES[e] ?? e);
  s = s.replace(BBCODE, '');
  if (bbPaired) s = s.replace(BBCODE_PAIRED, '');
  // Markdown: backticks and bold never occur in the tools' output.
  s = s.replace(/`+/g, '').replace(/\*\*(?=\S)|(?<=\S)\*\*/g, '');
  return s.trimEnd();
}

/** One pasted line → the cleaned line (or a command, or nothing but markup). */
export function cleanLine(raw: string, origin: number, bbPaired: boolean): CleanLine {
  const quote = (QUOTE.exec(raw)?.[0].match(/>/g) ?? []).length;
  const line = cleanLineAt(raw, origin, bbPaired);
  return quote ? { ...line, quote } : line;
}

function cleanLineAt(raw: string, origin: number, bbPaired: boolean): CleanLine {
  const unquoted = stripQuoting(raw.replace(/\r$/, ''));
  if (FENCE.test(unquoted)) return { text: '', origin, raw, logPrefix: false, markup: true };
  let s = unmarkup(unquoted, bbPaired);
  // A markdown quote inside a mail quote, after the markup went: `> > text` is fully unquoted above.
  const prompt = PROMPT.exec(s);
  if (prompt && !/^\s*\[\s*\d+\.\d+\]/.test(s))
    return { text: '', origin, raw, logPrefix: false, command: (prompt[1] as string).trim() };
  const root = ROOT_PROMPT.exec(s);
  if (root && COMMANDS.test(root[1] as string))
    return { text: '', origin, raw, logPrefix: false, command: (root[1] as string).trim() };
  const log = stripKernelLogPrefix(s);
  s = log.text;
  return { text: s, origin, raw, logPrefix: log.had };
}

/**
 * Mail archives that kept a message quoted-printable: `=3D` for `=`, `=20` for a space, and a
 * soft line break (`=` at the end of a line) that cut `vfio_dma_map(...` in two. Only decoded when
 * the text shows both signs, so a real `=` at the end of a line is left alone elsewhere.
 */
function isQuotedPrintable(lines: readonly string[]): boolean {
  return (
    lines.some((l) => /=(?:3D|20|09)/.test(l)) &&
    lines.some((l) => /[^=]=$/.test(l.replace(/\r$/, '')))
  );
}

function decodeQp(s: string): string {
  return s.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Every pasted line, cleaned; `markup` lines are kept (as blanks) so line numbers stay exact. */
export function cleanPaste(text: string): CleanLine[] {
  const bbPaired = /\[\/(?:size|color)\]/i.test(text);
  const raws = splitLines(text);
  if (!isQuotedPrintable(raws)) return raws.map((raw, i) => cleanLine(raw, i + 1, bbPaired));
  const out: CleanLine[] = [];
  for (let i = 0; i < raws.length; i++) {
    const first = i;
    let joined = (raws[i] as string).replace(/\r$/, '');
    const more: number[] = [];
    while (/=$/.test(joined) && i + 1 < raws.length) {
      i++;
      joined = joined.slice(0, -1) + stripQuoting((raws[i] as string).replace(/\r$/, ''));
      more.push(i + 1);
    }
    const line = cleanLine(decodeQp(joined), first + 1, bbPaired);
    out.push({ ...line, raw: raws[first] as string, ...(more.length ? { joined: more } : {}) });
  }
  return out;
}
