// Package badinput holds the odd texts people (and Slack) send, as seeds
// for the fuzz targets of every package that reads user text: the same
// nasty cases start every search, so a case added here is tried
// everywhere. Tests alone import it.
package badinput

import "strings"

// Texts returns the seed texts, a new slice at each call: empty and blank
// texts, query syntax, invalid UTF-8, control characters, zero-width and
// right-to-left marks, emoji, Slack mentions, links and code blocks, the
// prefixes and commands the bot reads, other scripts, and texts far over
// the bounds of the index (knowledge.MaxIndexedText) and of Block Kit.
func Texts() []string {
	return []string{
		"", " ", "\n\t \n", "?", "…",
		"How do I reset my VPN password?",
		"Comment réinitialiser mon mot de passe ?",
		"L'imprimante est encore bloquée, qui peut la réparer ?",
		"aujourd'hui l’accès qu'on n'a pas jusqu'ici",
		"the of and le la les de",

		// Query syntax, which must only ever be words.
		`+foo -bar title:x "unclosed`,
		`coffee AND machine OR NOT printer`,
		`*`, `?`, `certificat~2`, `coffee^3`, `"exact phrase"~5`,
		`/regex.*[a-z]+/`, `q:[a TO z]`, `q_en:{a TO *}`, `_id:cert`, `_all:x`,
		`v:public`, `(((a OR b)`, `\\\"\`, `+-&&||!(){}[]^"~*?:\/`,

		// Bytes that are not UTF-8: stray, truncated, surrogate, too high.
		"\xff\xfe\xfd", "Probl\xe8me de certificat", "certificat\xc3",
		"\xed\xa0\x80 surrogate", "\xf4\x90\x80\x80 beyond U+10FFFF", "\xc0\xaf overlong",

		// Control characters, escapes and line separators.
		"\x00\x01\x02\x7f", "\x1b[31mred\x1b[0m terminal", "a\rb\r\nc\vd\fe",
		"\u0085next line\u2028line\u2029paragraph",

		// Invisible and right-to-left marks, combining marks alone.
		"pass\u200bword", "\u200d\u200c\ufeff\u2060", "\u202eevil.exe\u202c",
		"\u2066isolate\u2069 \u200f\u200e", "\u0301\u0301 e\u0301te\u0301", "Z\u0351\u0352\u0353\u0354alg\u035co",

		// Emoji: astral, joined, flags, skin tones, Slack's codes.
		"🔥🔥 the build is on 🔥 🚒", "👩‍👩‍👧‍👦 family", "🇫🇷🇬🇧", "👍🏽", ":+1: :white_check_mark::skin-tone-2:",

		// Slack markup.
		"<@U0123ABCD> <@W1|bob> can you help?",
		"<#C0123|general> <!here> <!channel> <!everyone> <!here|here> <!channel|@channel>",
		"<!subteam^S0123|@compta> <!date^1392734382^{date_short}|Feb 18>",
		"<https://x.example/a?b=c&amp;d=e|the guide> <mailto:a@b.c|a@b.c> <https://x|>",
		"```\nkubectl rollout undo\n*not bold*\n```", "`inline <@U1>` ```", "> quoted\n>> twice",
		"&amp;&lt;&gt;&quot; &amp &lt", "*bold* _it_ ~strike~ **double** __x__",
		"<<<>>>", "<@", "<!", "<|>", "<>",

		// What the bot reads in commands and messages.
		"anon: a secret question", "--anon  How do I roll back?", "—anonyme Comment ?",
		"anonyme\u00a0: question", "Anonymement :", "help", "AIDE", "--help",
		"2w", "1w2d", "90m", "10000w10000w", "٣d", "０m", "2026-13-45",
		"merci, ça marche !", "thanks, but it still fails",

		// Other scripts, right to left among them.
		"Как сбросить пароль?", "パスワードをリセットするには？", "如何重置密码",
		"كيف أعيد تعيين كلمة المرور؟", "איך לאפס סיסמה", "١٢٣ ٤٥٦",

		// Long and huge.
		strings.Repeat("a", 5000),
		strings.Repeat("\n", 3000) + "x",
		strings.Repeat("é<&>", 2000),
		strings.Repeat("😀", 4000),
		strings.Repeat("goroutine 1 [running]:\nmain.main()\n\t/src/main.go:12 +0x1d\n", 400),
	}
}
