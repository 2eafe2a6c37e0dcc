/* The mails, in Spanish: subject, plain text and HTML of each event, put together as one
 * MIME message (multipart/alternative, UTF-8, base64) with a stable Message-ID. */
#include "notify/notify.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"

#define SIGNATURE "Administración Zonal — Rendición de Cuentas"

/* What an event's mail says: a subject, paragraphs, and an optional link. */
struct text {
	const char *subject;
	struct buf body;     /* paragraphs separated by blank lines, plain text */
	char link[2300];     /* "" when none */
	const char *link_label;
};

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* The paragraphs of the event; false for an event without a mail. */
static bool
write_text(const struct mail *m, const json_t *data, struct text *t)
{
	const char *base = cfg.public_base_url, *greeting = m->name && *m->name ? m->name : "";

	buf_printf(&t->body, "Hola%s%s:\n\n", *greeting ? " " : "", greeting);
	if (strcmp(m->event, "account.verify") == 0 && m->token) {
		t->subject = "Confirme su cuenta en Rendición";
		buf_puts(&t->body, "Gracias por registrarse en el portal del Plan de Trabajo. Para "
		                   "activar su cuenta, abra el enlace de abajo. Vale por 7 días y "
		                   "una sola vez.\n\nSi usted no se registró, ignore este mensaje.");
		snprintf(t->link, sizeof t->link, "%s/?accion=verificar&token=%s", base, m->token);
		t->link_label = "Activar mi cuenta";
	} else if (strcmp(m->event, "password.reset") == 0 && m->token) {
		t->subject = "Restablezca su contraseña de Rendición";
		buf_puts(&t->body, "Recibimos un pedido para restablecer la contraseña de su cuenta. "
		                   "Para elegir una nueva, abra el enlace de abajo. Vale por 1 hora y "
		                   "una sola vez.\n\nSi usted no lo pidió, ignore este mensaje: su "
		                   "contraseña no cambia.");
		snprintf(t->link, sizeof t->link, "%s/?accion=restablecer&token=%s", base, m->token);
		t->link_label = "Elegir una contraseña nueva";
	} else if (strcmp(m->event, "account.exists") == 0) {
		t->subject = "Ya tiene una cuenta en Rendición";
		buf_puts(&t->body, "Alguien intentó registrar una cuenta nueva con este correo, que "
		                   "ya tiene una. No se creó otra.\n\nSi fue usted, inicie sesión; si "
		                   "olvidó su contraseña, puede restablecerla desde el enlace de abajo."
		                   "\n\nSi no fue usted, ignore este mensaje.");
		snprintf(t->link, sizeof t->link, "%s/?accion=restablecer", base);
		t->link_label = "Restablecer mi contraseña";
	} else if (strcmp(m->event, "observation.answered") == 0) {
		bool contribution = strcmp(str(data, "kind"), "contribution") == 0;
		bool accepted = strcmp(str(data, "status"), "accepted") == 0;

		t->subject = contribution ? "Su aporte ciudadano recibió respuesta"
		                          : "Su observación recibió respuesta";
		buf_printf(&t->body, "Su %s n.º %lld al %s %lld (%s) fue %s.\n\nUsted escribió:\n\n%s",
		           contribution ? "aporte" : "observación",
		           (long long)json_integer_value(json_object_get(data, "number")),
		           "Plan de Trabajo", (long long)json_integer_value(json_object_get(data, "plan_year")),
		           str(data, "plan_title"),
		           contribution ? (accepted ? "aceptado" : "rechazado")
		                        : (accepted ? "aceptada" : "rechazada"),
		           str(data, "body"));
		if (*str(data, "response"))
			buf_printf(&t->body, "\n\nRespuesta:\n\n%s", str(data, "response"));
		snprintf(t->link, sizeof t->link, "%s/", base);
		t->link_label = "Ver mis observaciones";
	} else {
		return false;
	}
	return true;
}

/* Appends s with &, <, >, " escaped. */
static void
html_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			buf_puts(b, "&amp;");
		else if (*s == '<')
			buf_puts(b, "&lt;");
		else if (*s == '>')
			buf_puts(b, "&gt;");
		else if (*s == '"')
			buf_puts(b, "&quot;");
		else if (*s == '\n')
			buf_puts(b, "<br>");
		else
			buf_putc(b, *s);
	}
}

static void
html_of(const struct text *t, struct buf *h)
{
	const char *p = buf_str(&t->body), *end;

	buf_puts(h, "<!DOCTYPE html>\n<html lang=\"es\"><head><meta charset=\"utf-8\"><title>");
	html_escaped(h, t->subject);
	buf_puts(h, "</title></head><body style=\"font-family:sans-serif;line-height:1.5\">\n");
	while (*p) {
		char *para;

		end = strstr(p, "\n\n");
		para = strndup(p, end ? (size_t)(end - p) : strlen(p));
		if (para == NULL) {
			h->oom = true;
			return;
		}
		buf_puts(h, "<p>");
		html_escaped(h, para);
		buf_puts(h, "</p>\n");
		free(para);
		p = end ? end + 2 : p + strlen(p);
	}
	if (t->link[0]) {
		buf_puts(h, "<p><a href=\"");
		html_escaped(h, t->link);
		buf_puts(h, "\">");
		html_escaped(h, t->link_label);
		buf_puts(h, "</a></p>\n");
	}
	buf_puts(h, "<p>" SIGNATURE "</p>\n</body></html>\n");
}

/* Appends n bytes as base64 in lines of 76 characters. */
static void
base64_lines(struct buf *b, const char *p, size_t n)
{
	char line[80];

	for (size_t i = 0; i < n; i += 57) {
		size_t k = n - i < 57 ? n - i : 57;

		sodium_bin2base64(line, sizeof line, (const unsigned char *)p + i, k,
		                  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(b, "%s\r\n", line);
	}
}

/* The host of PUBLIC_BASE_URL: the right side of the Message-ID. */
static void
base_host(char *out, size_t n)
{
	const char *h = strstr(cfg.public_base_url, "://");

	h = h ? h + 3 : cfg.public_base_url;
	snprintf(out, n, "%.*s", (int)strcspn(h, ":/[]"), h);
	if (out[0] == '\0')
		snprintf(out, n, "rendicion.invalid");
}

/* Appends MAIL_FROM as a From: value: a display name with other than ASCII in it is
 * written as an RFC 2047 encoded word. */
static void
from_header(struct buf *b)
{
	const char *f = cfg.mail_from, *lt = strchr(f, '<');
	char enc[400];
	size_t n;
	bool ascii = true;

	for (const char *p = f; lt && p < lt; p++)
		ascii = ascii && (unsigned char)*p < 0x80;
	if (lt == NULL || ascii) {
		buf_puts(b, f);
		return;
	}
	n = (size_t)(lt - f);
	while (n > 0 && f[n - 1] == ' ')
		n--;
	sodium_bin2base64(enc, sizeof enc, (const unsigned char *)f, n,
	                  sodium_base64_VARIANT_ORIGINAL);
	buf_printf(b, "=?UTF-8?B?%s?= %s", enc, lt);
}

static void
headers(struct buf *b, const struct mail *m, const char *subject)
{
	char date[64], host[256], enc[512];
	struct tm tm;
	time_t when = (time_t)m->created_at;

	gmtime_r(&when, &tm);
	if (strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm) == 0)
		date[0] = '\0';   /* cannot happen: the format fits */
	base_host(host, sizeof host);
	sodium_bin2base64(enc, sizeof enc, (const unsigned char *)subject, strlen(subject),
	                  sodium_base64_VARIANT_ORIGINAL);
	buf_puts(b, "From: ");
	from_header(b);
	buf_printf(b, "\r\nTo: <%s>\r\nSubject: =?UTF-8?B?%s?=\r\nDate: %s\r\n"
	              "Message-ID: <%s@%s>\r\nMIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n"
	              "Content-Type: multipart/alternative; boundary=\"=_%s\"\r\n\r\n",
	           m->to, enc, date, m->message_id, host, m->message_id);
}

char *
mail_compose(const struct mail *m)
{
	struct text t = {.body = BUF_INIT};
	struct buf msg = BUF_INIT, html = BUF_INIT, plain = BUF_INIT;
	json_t *data = json_loads(m->payload ? m->payload : "{}", 0, NULL);
	bool ok = write_text(m, data, &t);

	json_decref(data);
	if (!ok) {
		buf_free(&t.body);
		return NULL;
	}
	buf_puts(&plain, buf_str(&t.body));
	if (t.link[0])
		buf_printf(&plain, "\n\n%s:\n%s", t.link_label, t.link);
	buf_puts(&plain, "\n\n" SIGNATURE "\n");
	html_of(&t, &html);
	headers(&msg, m, t.subject);
	buf_printf(&msg, "--=_%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	                 "Content-Transfer-Encoding: base64\r\n\r\n", m->message_id);
	base64_lines(&msg, buf_str(&plain), strlen(buf_str(&plain)));
	buf_printf(&msg, "--=_%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
	                 "Content-Transfer-Encoding: base64\r\n\r\n", m->message_id);
	base64_lines(&msg, buf_str(&html), strlen(buf_str(&html)));
	buf_printf(&msg, "--=_%s--\r\n", m->message_id);
	ok = !msg.oom && !html.oom && !plain.oom && !t.body.oom;
	buf_free(&t.body);
	buf_free(&html);
	buf_free(&plain);
	if (!ok) {
		buf_free(&msg);
		return NULL;
	}
	return buf_take(&msg);
}
