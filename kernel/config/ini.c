/*
 * Tokenizer for Strata's INI-like configuration format; see ini.h for the
 * API and docs/CONFIG.md for the format. Every input byte is untrusted:
 * the text comes from a file on the boot medium and this code is fuzzed
 * (tests/fuzz/fuzz_config.c).
 *
 * Lines are walked in place through (start, end) offsets; only the pieces
 * an event hands out are copied, each after a length check against its
 * fixed buffer.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/config/ini.h"

/* Turn a limit macro into text so reasons can state it and stay static. */
#define INI_STR_(x) #x
#define INI_STR(x)  INI_STR_(x)

/* One line of the text, line ending removed. */
struct ini_line {
	const char *s;
	size_t len;
};

static bool ini_is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool ini_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool ini_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Section words and keys: a letter or '_' first, then letters, digits,
 * '_', '-' or '.'. A NAME may also start with a digit ("[vm 1]") but not
 * with '-' or '.', so it never looks like a command-line option or a
 * hidden file when it reaches the console, the HTTP API or a path.
 */
static bool ini_is_ident_char(char c)
{
	return ini_is_alpha(c) || ini_is_digit(c) || c == '_' || c == '-' || c == '.';
}

static bool ini_valid_ident(const char *s, size_t len, bool digit_first_ok)
{
	size_t i;

	if (len == 0)
		return false;
	if (!ini_is_alpha(s[0]) && s[0] != '_' && !(digit_first_ok && ini_is_digit(s[0])))
		return false;
	for (i = 1; i < len; i++)
		if (!ini_is_ident_char(s[i]))
			return false;
	return true;
}

/* Copy s[0..len) into dst (cap bytes plus the NUL); false if it does not fit. */
static bool ini_copy(char *dst, size_t cap, const char *s, size_t len)
{
	if (len > cap)
		return false;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return true;
}

static void ini_trim(struct ini_line *l)
{
	while (l->len > 0 && ini_is_space(l->s[0])) {
		l->s++;
		l->len--;
	}
	while (l->len > 0 && ini_is_space(l->s[l->len - 1]))
		l->len--;
}

void ini_init(struct ini_parser *p, const char *text, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->text = text;
	p->len = len;
	if (len >= 3 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
	    (unsigned char)text[2] == 0xbf)
		p->pos = 3;
}

/*
 * Take the next line and advance past its ending. Returns false at the
 * end of the text. The line keeps any bytes the caller must still vet.
 */
static bool ini_take_line(struct ini_parser *p, struct ini_line *l)
{
	size_t start = p->pos, end = p->pos;

	if (p->pos >= p->len)
		return false;
	while (end < p->len && p->text[end] != '\n')
		end++;
	p->pos = end < p->len ? end + 1 : end;
	p->line++;
	if (end > start && p->text[end - 1] == '\r')
		end--;
	l->s = p->text + start;
	l->len = end - start;
	return true;
}

/*
 * NUL and other control bytes are refused anywhere (tab aside): a NUL
 * would cut a value short in C strings, and escape sequences would reach
 * the serial console when a value is echoed back in an error message.
 */
static const char *ini_check_bytes(const struct ini_line *l)
{
	size_t i;

	for (i = 0; i < l->len; i++) {
		unsigned char c = (unsigned char)l->s[i];

		if (c == 0)
			return "NUL byte in line";
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return "control character in line";
	}
	return NULL;
}

/* "[section]" or "[section NAME]", already trimmed. Returns NULL or a reason. */
static const char *ini_parse_header(struct ini_parser *p, struct ini_line l)
{
	struct ini_line word, name = { "", 0 };
	size_t close = 1;

	while (close < l.len && l.s[close] != ']')
		close++;
	if (close == l.len)
		return "section header without closing ']'";
	if (close + 1 != l.len)
		return "unexpected text after ']'";

	word.s = l.s + 1;
	word.len = close - 1;
	ini_trim(&word);
	if (word.len == 0)
		return "empty section header";
	for (size_t i = 0; i < word.len; i++) {
		if (ini_is_space(word.s[i])) {
			name.s = word.s + i;
			name.len = word.len - i;
			word.len = i;
			ini_trim(&name);
			break;
		}
	}
	for (size_t i = 0; i < name.len; i++)
		if (ini_is_space(name.s[i]))
			return "too many words in section header; expected [section] or [section NAME]";

	if (word.len > INI_MAX_SECTION)
		return "section name too long (max " INI_STR(INI_MAX_SECTION) " bytes)";
	if (!ini_valid_ident(word.s, word.len, false))
		return "bad section name; expected a letter or '_' then letters, digits, '_', '-' or '.'";
	if (name.len > INI_MAX_NAME)
		return "section NAME too long (max " INI_STR(INI_MAX_NAME) " bytes)";
	if (name.len > 0 && !ini_valid_ident(name.s, name.len, true))
		return "bad section NAME; expected a letter or digit then letters, digits, '_', '-' or '.'";

	ini_copy(p->section, INI_MAX_SECTION, word.s, word.len);
	ini_copy(p->name, INI_MAX_NAME, name.s, name.len);
	return NULL;
}

/*
 * A double-quoted value starting at v.s[0] == '"'. Only \" and \\ are
 * escapes: anything else after a backslash is refused rather than guessed
 * at, so a Windows path or a typo is reported instead of mangled.
 */
static const char *ini_parse_quoted(struct ini_line v, char *out)
{
	size_t i, n = 0;

	for (i = 1; i < v.len; i++) {
		char c = v.s[i];

		if (c == '"')
			break;
		if (c == '\\') {
			if (i + 1 >= v.len || (v.s[i + 1] != '"' && v.s[i + 1] != '\\'))
				return "bad escape in quoted value; only \\\" and \\\\ are allowed";
			c = v.s[++i];
		}
		if (n == INI_MAX_VALUE)
			return "value too long (max " INI_STR(INI_MAX_VALUE) " bytes)";
		out[n++] = c;
	}
	if (i >= v.len)
		return "unterminated quoted value";
	out[n] = '\0';
	for (i++; i < v.len; i++)
		if (!ini_is_space(v.s[i]))
			return "unexpected text after the closing quote";
	return NULL;
}

/* "key = value", already trimmed. Fills ev->key as soon as it is known. */
static const char *ini_parse_key(struct ini_line l, struct ini_event *ev)
{
	struct ini_line key, val;
	size_t eq = 0;

	while (eq < l.len && l.s[eq] != '=')
		eq++;
	if (eq == l.len)
		return "expected 'key = value', a [section] header or a comment";

	key.s = l.s;
	key.len = eq;
	ini_trim(&key);
	if (key.len == 0)
		return "missing key before '='";
	if (key.len > INI_MAX_KEY)
		return "key too long (max " INI_STR(INI_MAX_KEY) " bytes)";
	if (!ini_valid_ident(key.s, key.len, false))
		return "bad key; expected a letter or '_' then letters, digits, '_', '-' or '.'";
	ini_copy(ev->key, INI_MAX_KEY, key.s, key.len);

	val.s = l.s + eq + 1;
	val.len = l.len - eq - 1;
	ini_trim(&val);
	if (val.len > 0 && val.s[0] == '"')
		return ini_parse_quoted(val, ev->value);
	if (!ini_copy(ev->value, INI_MAX_VALUE, val.s, val.len))
		return "value too long (max " INI_STR(INI_MAX_VALUE) " bytes)";
	return NULL;
}

static void ini_event_start(const struct ini_parser *p, struct ini_event *ev)
{
	ev->line = p->line;
	ev->section[0] = '\0';
	ev->name[0] = '\0';
	ev->key[0] = '\0';
	ev->value[0] = '\0';
	ev->reason = NULL;
}

static void ini_event_section(const struct ini_parser *p, struct ini_event *ev)
{
	memcpy(ev->section, p->section, sizeof(ev->section));
	memcpy(ev->name, p->name, sizeof(ev->name));
}

static bool ini_error(struct ini_event *ev, const char *reason)
{
	ev->type = INI_ERROR;
	ev->value[0] = '\0';
	ev->reason = reason;
	return true;
}

bool ini_next(struct ini_parser *p, struct ini_event *ev)
{
	struct ini_line l;

	while (ini_take_line(p, &l)) {
		const char *reason;

		ini_event_start(p, ev);
		reason = l.len > INI_MAX_LINE
				 ? "line too long (max " INI_STR(INI_MAX_LINE) " bytes)"
				 : ini_check_bytes(&l);
		ini_trim(&l);
		if (!reason && (l.len == 0 || l.s[0] == '#' || l.s[0] == ';'))
			continue;

		if (l.len > 0 && l.s[0] == '[') {
			/* A header with a bad byte is a bad header too. */
			if (!reason)
				reason = ini_parse_header(p, l);
			if (reason) {
				/* The old section no longer applies; see skip_body. */
				p->section[0] = '\0';
				p->name[0] = '\0';
				p->skip_body = true;
				return ini_error(ev, reason);
			}
			p->skip_body = false;
			ini_event_section(p, ev);
			ev->type = INI_SECTION;
			return true;
		}

		ini_event_section(p, ev);
		if (reason)
			return ini_error(ev, reason);
		reason = ini_parse_key(l, ev);
		if (reason)
			return ini_error(ev, reason);
		if (p->skip_body)
			continue;
		ev->type = INI_KEY;
		return true;
	}
	return false;
}

int ini_where(char *buf, size_t size, const struct ini_event *ev)
{
	const char *sp = ev->name[0] ? " " : "";

	if (ev->section[0] && ev->key[0])
		return snprintf(buf, size, "line %u: [%s%s%s] %s", ev->line, ev->section, sp,
				ev->name, ev->key);
	if (ev->section[0])
		return snprintf(buf, size, "line %u: [%s%s%s]", ev->line, ev->section, sp,
				ev->name);
	if (ev->key[0])
		return snprintf(buf, size, "line %u: %s", ev->line, ev->key);
	return snprintf(buf, size, "line %u", ev->line);
}
