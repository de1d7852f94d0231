// SPDX-License-Identifier: GPL-2.0-only
/* One log sink for the core and for libbpf (libbpf_set_print is process-wide too). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core.h"
#include "internal.h"

static sjl_log_fn log_fn;
static void *log_ctx;
static enum sjl_log_level log_min = SJL_LOG_INFO;
/* While a load runs, libbpf's warnings are also captured here for the error message. */
static __thread struct sjl_capture *capture;

static void emit(enum sjl_log_level level, const char *line)
{
	if (level < log_min)
		return;
	if (log_fn)
		log_fn(level, line, log_ctx);
	else if (level >= SJL_LOG_WARN)
		fprintf(stderr, "scx_javaland: %s\n", line);
}

static void capture_line(const char *line)
{
	struct sjl_capture *c = capture;
	size_t len, room;

	if (!c)
		return;
	len = strlen(line);
	room = sizeof(c->buf) - c->len - 1;
	if (len + 1 > room) {
		/* Keep the tail: the verifier's verdict is at the end of its log. */
		size_t drop = len + 1 - room;

		if (drop > c->len)
			drop = c->len;
		memmove(c->buf, c->buf + drop, c->len - drop);
		c->len -= drop;
		room = sizeof(c->buf) - c->len - 1;
		if (len + 1 > room)
			line += len + 1 - room, len = room - 1;
	}
	memcpy(c->buf + c->len, line, len);
	c->len += len;
	c->buf[c->len++] = '\n';
	c->buf[c->len] = '\0';
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	enum sjl_log_level l = level == LIBBPF_WARN ? SJL_LOG_WARN :
			       level == LIBBPF_INFO ? SJL_LOG_INFO : SJL_LOG_DEBUG;
	char *text = NULL, *line, *save = NULL;

	/* A verifier log arrives as one multi-line message of any size: split it into lines. */
	if (vasprintf(&text, fmt, ap) < 0)
		return 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (l >= SJL_LOG_WARN)
			capture_line(line);
		emit(l, line);
	}
	free(text);
	return 0;
}

void sjl_set_log(sjl_log_fn fn, void *ctx, enum sjl_log_level min_level)
{
	log_fn = fn;
	log_ctx = ctx;
	log_min = min_level;
	libbpf_set_print(libbpf_print);
}

void sjl_log(enum sjl_log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	emit(level, line);
}

void sjl_capture_begin(struct sjl_capture *c)
{
	c->len = 0;
	c->buf[0] = '\0';
	capture = c;
	libbpf_set_print(libbpf_print);
}

void sjl_capture_end(void)
{
	capture = NULL;
}

int sjl_fail(struct sjl_error *e, int err, const char *fmt, ...)
{
	va_list ap;

	if (err > 0)
		err = -err;
	if (e) {
		e->err = err;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return err;
}

const char *sjl_verifier_verdict(const char *log, char *buf, size_t len)
{
	const char *p = log, *prev = NULL, *line;

	buf[0] = '\0';
	for (line = log; line && *line; line = p) {
		const char *nl = strchr(line, '\n');
		const char *body = line;

		p = nl ? nl + 1 : NULL;
		if (!strncmp(body, "libbpf: ", 8))
			continue;
		if (!strncmp(body, "processed ", 10) && prev) {
			size_t n = strcspn(prev, "\n");

			if (n >= len)
				n = len - 1;
			memcpy(buf, prev, n);
			buf[n] = '\0';
			return buf;
		}
		if (nl != body)
			prev = body;
	}
	return buf;
}

const char *sjl_tail_lines(const char *s, size_t room)
{
	size_t n = strlen(s);
	const char *t;

	if (n <= room)
		return s;
	t = s + n - room;
	/* Start at a line boundary when one is near. */
	const char *nl = strchr(t, '\n');
	return nl && nl[1] ? nl + 1 : t;
}
