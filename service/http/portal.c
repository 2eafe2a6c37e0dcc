/* The public portal (GET /), the API reference (GET /docs) and their static files
 * (GET /assets/{file}), all compiled into the binary from web/ (scripts/embed-assets.sh).
 * Every answer carries a strong ETag (304 on If-None-Match), a Content-Security-Policy
 * that lets the page load nothing from other hosts, and a gzip variant when the build made
 * one and the client accepts it. */
#include <stdio.h>
#include <string.h>

#include "core/accept.h"
#include "core/assets.h"
#include "http/router.h"

/* The portal runs only its own files: no inline script or style, no other host, no
 * plugin, not framed. */
#define CSP_PORTAL "default-src 'self'; object-src 'none'; base-uri 'none'; " \
	"form-action 'self'; frame-ancestors 'none'"
/* Swagger UI's stylesheet draws its icons as data: SVG images; nothing else is relaxed. */
#define CSP_DOCS "default-src 'self'; img-src 'self' data:; object-src 'none'; " \
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

static const struct {
	const char *ext, *type;
} media[] = {
	{".html", "text/html; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".svg", "image/svg+xml"},
};

static const char *
media_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof media / sizeof media[0]; i++)
		if (strcmp(dot, media[i].ext) == 0)
			return media[i].type;
	return "application/octet-stream";
}

static const struct asset_file *
asset_find(const char *name)
{
	for (const struct asset_file *f = asset_web; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* Answers the embedded file name (404 when there is none) with csp. */
static void
serve(struct call *c, const char *name, const char *csp)
{
	const struct asset_file *f = asset_find(name), *gz = NULL;
	char gzname[96], quoted[ETAG_MAX];
	const char *inm = header(c, "If-None-Match");

	if (f == NULL) {
		reply_reason(c, R_no_route);
		return;
	}
	snprintf(gzname, sizeof gzname, "%s.gz", name);
	if (accept_gzip(header(c, "Accept-Encoding")))
		gz = asset_find(gzname);
	/* The two encodings are two representations: each has its own ETag. */
	snprintf(quoted, sizeof quoted, "\"%s\"", gz ? gz->etag : f->etag);
	reply_header(c, "ETag", quoted);
	reply_header(c, "Content-Security-Policy", csp);
	/* Revalidated on every use (a 304 costs a few bytes): a new release's page never
	 * runs with the old release's script. */
	reply_header(c, "Cache-Control", "public, no-cache");
	if (asset_find(gzname))
		reply_header(c, "Vary", "Accept-Encoding");
	if (inm && etag_listed(inm, quoted)) {
		reply_status(c, 304);
		return;
	}
	if (gz) {
		reply_header(c, "Content-Encoding", "gzip");
		f = gz;
	}
	reply_text(c, 200, media_type(name), f->data, (size_t)(f->end - f->data));
}

/* GET /: the portal. */
static void
portal(struct call *c)
{
	serve(c, "index.html", CSP_PORTAL);
}

/* GET /docs: the interactive reference of /openapi.json. */
static void
docs(struct call *c)
{
	serve(c, "docs.html", CSP_DOCS);
}

/* GET /assets/{file}: a file of either page, by its name. A policy on a script or a
 * stylesheet governs nothing; the portal's is sent so that an SVG opened alone has it. */
static void
asset(struct call *c)
{
	const char *path = c->req->url_path ? c->req->url_path : "";
	const char *name;
	char buf[96];
	size_t n;

	if (strncmp(path, "/assets/", 8) != 0) {
		reply_reason(c, R_no_route);
		return;
	}
	name = path + 8;
	n = strcspn(name, "/");
	/* One segment (a trailing slash aside), and never a precompressed copy by its name. */
	if (n == 0 || n >= sizeof buf || strlen(name + n) > 1 ||
	    (n > 3 && strncmp(name + n - 3, ".gz", 3) == 0)) {
		reply_reason(c, R_no_route);
		return;
	}
	memcpy(buf, name, n);
	buf[n] = '\0';
	serve(c, buf, CSP_PORTAL);
}

/* The links of verification and reset mails open the portal with these (service/notify/,
 * mail_text.c); the page itself reads them. */
static const struct field portal_query[] = {
	{"accion", F_STRING, 0, 0, 0, (const char *const[]){"verificar", "restablecer", NULL}},
	{"token", F_STRING, 0, 1, 200, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

const struct route portal_routes[] = {
	{.method = "GET", .pattern = "/", .action = ACT_READ, .query = portal_query,
	 .handler = portal},
	{.method = "GET", .pattern = "/docs", .action = ACT_READ, .handler = docs},
	{.method = "GET", .pattern = "/assets/:file", .action = ACT_READ, .handler = asset},
	ROUTES_END,
};
